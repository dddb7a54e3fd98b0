// A modal box over a screen, answered from the keyboard: it opens with the focus in its first box
// (autoFocus), Esc closes it, and its keys stay inside it (F-keys and Alt+letters of the screen
// behind do nothing while it is open). Closed before the screen hears of it, so the page behind
// is no longer inert and the screen can put the focus back where the next scan goes.
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  onClose(): void;
  className?: string;
  children: ReactNode;
}

export function Dialog({ title, onClose, className, children }: DialogProps) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className={`dialog ${className ?? ''}`}
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        dialog.current?.close();
        onClose();
      }}
      onKeyDown={(e) => e.stopPropagation()}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </dialog>
  );
}

/** Closes the dialog that holds `el` first, then runs `then` (the focus can leave it at once). */
export function closeThen(el: Element | null, then: () => void): void {
  el?.closest('dialog')?.close();
  then();
}
