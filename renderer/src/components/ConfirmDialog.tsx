// Asking before something is thrown away, answered from the keyboard: Enter keeps (the focus
// starts on the safe answer), Esc keeps too, and throwing away takes a deliberate Tab to its
// own clearly named button.
import { useEffect, useId, useRef } from 'react';

interface ConfirmDialogProps {
  title: string;
  text: string;
  keepLabel: string;
  discardLabel: string;
  onKeep(): void;
  onDiscard(): void;
}

/** Open while it is on the page: the screen shows it to ask and removes it on the answer. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (!dialog.current?.open) dialog.current?.showModal();
  }, []);
  // Closed first, so the page behind is no longer inert and the screen can put the focus back;
  // answered at once, not on the later close event, so a key pressed right after is not lost.
  const answer = (discard: boolean) => {
    dialog.current?.close();
    if (discard) props.onDiscard();
    else props.onKeep();
  };

  return (
    <dialog
      ref={dialog}
      className="dialog confirm"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={() => answer(false)}
    >
      <h2 id={`${id}-title`}>{props.title}</h2>
      <p id={`${id}-text`}>{props.text}</p>
      <div className="form-actions">
        <button type="button" className="btn primary" autoFocus onClick={() => answer(false)}>
          {props.keepLabel} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn danger" onClick={() => answer(true)}>
          {props.discardLabel}
        </button>
      </div>
    </dialog>
  );
}
