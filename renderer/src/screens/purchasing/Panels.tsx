// The frames the purchasing forms share: a panel that Esc gives up, a form panel that Enter saves
// (the core checks the boxes, not the browser), and the row of Save and Cancel under a form.
import type { KeyboardEvent, ReactNode } from 'react';

/**
 * A keydown handler that gives up on Esc. An Esc an inner box already took (it prevented the
 * default) is left to that box; the form's own handling stops here so an outer screen does not
 * close as well.
 */
export const cancelOnEscape =
  (onCancel: () => void) =>
  (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    e.stopPropagation();
    onCancel();
  };

/** A panel being edited, named by its title for screen readers; Esc gives it up. */
export function EditPanel({
  title,
  onCancel,
  children,
}: {
  title: string;
  onCancel(): void;
  children: ReactNode;
}) {
  return (
    <div className="panel" role="group" aria-label={title} onKeyDown={cancelOnEscape(onCancel)}>
      {children}
    </div>
  );
}

/** A form panel under its title (and intro); Enter saves, and Esc gives up when it can. */
export function FormPanel({
  title,
  intro,
  onSubmit,
  onCancel,
  children,
}: {
  title: string;
  intro?: string;
  onSubmit(): Promise<void>;
  onCancel?: () => void;
  children: ReactNode;
}) {
  return (
    <form
      className="panel"
      aria-label={title}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
      onKeyDown={onCancel && cancelOnEscape(onCancel)}
    >
      <h2>{title}</h2>
      {intro && <p className="muted">{intro}</p>}
      {children}
    </form>
  );
}

/**
 * Save (Enter) and, where the form can be given up, Cancel (Esc). Attributes such as
 * `data-save-draft` go on the Save button, where the tests and the focus find it.
 */
export function FormActions({
  save,
  busy,
  cancel,
  onCancel,
  ...saveAttributes
}: {
  save: string;
  busy: boolean;
  cancel?: string;
  onCancel?: () => void;
  [data: `data-${string}`]: boolean;
}) {
  return (
    <div className="form-actions">
      <button type="submit" className="btn primary" disabled={busy} {...saveAttributes}>
        {save} <kbd>Enter</kbd>
      </button>
      {onCancel && (
        <button type="button" className="btn" onClick={onCancel}>
          {cancel} <kbd>Esc</kbd>
        </button>
      )}
    </div>
  );
}
