// A form's buttons: the one that submits it (Enter, unless told otherwise) and Cancel (Esc, which
// the form or dialog around it handles), then anything the form says beside them.
import type { ReactNode } from 'react';

export function FormActions({
  save,
  saveKey = 'Enter',
  danger = false,
  disabled,
  cancel,
  onCancel,
  children,
}: {
  save: string;
  /** The key shown on the submit button; null shows none. */
  saveKey?: string | null;
  /** A step that cannot be taken back (cancel an order, a stop not delivered). */
  danger?: boolean;
  disabled: boolean;
  cancel: string;
  onCancel(): void;
  children?: ReactNode;
}) {
  return (
    <div className="form-actions">
      <button type="submit" className={danger ? 'btn danger' : 'btn primary'} disabled={disabled}>
        {save}
        {saveKey && (
          <>
            {' '}
            <kbd>{saveKey}</kbd>
          </>
        )}
      </button>
      <button type="button" className="btn" onClick={onCancel}>
        {cancel} <kbd>Esc</kbd>
      </button>
      {children}
    </div>
  );
}
