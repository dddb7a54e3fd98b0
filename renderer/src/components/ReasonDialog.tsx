// A step that needs only a reason (cancel an order, a stop not delivered): the reason box, the
// refusal under it, Enter to do it and Esc to keep things as they are. The caller names the words
// (its own translation keys) and the call.
import { useState, type ReactNode } from 'react';
import { useAction } from '../app-context';
import { ErrorBanner } from './Banner';
import { FormActions } from './FormActions';
import { Dialog } from './Dialog';
import { TextField } from './Field';

export function ReasonDialog({
  title,
  intro,
  label,
  confirm,
  keep,
  submit,
  onDone,
  onClose,
}: {
  title: string;
  intro?: ReactNode;
  label: string;
  confirm: string;
  keep: string;
  /** The call with the reason typed; a refusal stays in the dialog, under the box it names. */
  submit(reason: string): Promise<unknown>;
  onDone(): void;
  onClose(): void;
}) {
  const action = useAction();
  const [reason, setReason] = useState('');
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(async () => {
              await submit(reason);
              return true;
            })
            .then((done) => done && onDone());
        }}
      >
        {intro && <p className="muted">{intro}</p>}
        <TextField
          label={label}
          name="reason"
          error={action.error}
          autoFocus
          autoComplete="off"
          value={reason}
          onChange={setReason}
        />
        <ErrorBanner error={action.error} shown={['reason']} />
        <FormActions
          save={confirm}
          danger
          disabled={action.busy}
          cancel={keep}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
