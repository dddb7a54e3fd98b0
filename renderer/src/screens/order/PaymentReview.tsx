// Finance: look at the slip, then verify the payment or reject it with a reason the shop reads.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';

export function PaymentReview({ orderId, onDone }: { orderId: string; onDone(): void }) {
  const client = useClient();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const action = useAction();

  const verify = async () => {
    const ok = await action.run(() =>
      client.call('orders.verifyPayment', { orderId, ...(note.trim() ? { note } : {}) }),
    );
    if (ok) onDone();
  };
  const reject = async () => {
    const ok = await action.run(() => client.call('orders.rejectPayment', { orderId, reason }));
    if (ok) {
      setRejecting(false);
      setReason('');
      onDone();
    }
  };

  if (rejecting)
    return (
      <form
        className="review"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void reject();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            setRejecting(false);
          }
        }}
      >
        <ErrorBanner error={action.error} shown={['reason']} />
        <TextField
          label="Why is the payment rejected? The shop will see this."
          name="reason"
          error={action.error}
          autoFocus
          placeholder="e.g. amount on the slip does not match the total"
          value={reason}
          onChange={setReason}
        />
        <div className="form-actions">
          <button type="submit" className="btn danger" disabled={action.busy}>
            Reject payment <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={() => setRejecting(false)}>
            Cancel <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    );

  return (
    <form
      className="review"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void verify();
      }}
    >
      <ErrorBanner error={action.error} shown={['note']} />
      <TextField
        label="Note (optional)"
        name="note"
        error={action.error}
        value={note}
        onChange={setNote}
      />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          Verify payment <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn danger-outline" onClick={() => setRejecting(true)}>
          Reject…
        </button>
      </div>
    </form>
  );
}
