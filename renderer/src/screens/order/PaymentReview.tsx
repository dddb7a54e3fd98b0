// Finance: look at the slip, then record what the bank received (amount, day, reference) or
// reject it with a reason the shop reads. Part payments add up until the order is paid; an
// amount that differs from what is due is said before it is recorded, and flagged after.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { money, parseMoney, today } from '../../format';
import { useT } from '../../i18n';

interface PaymentReviewProps {
  orderId: string;
  total: number;
  paid: number;
  onDone(): void;
}

export function PaymentReview({ orderId, total, paid, onDone }: PaymentReviewProps) {
  const client = useClient();
  const t = useT('orders');
  const due = Math.max(0, total - paid);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [amountText, setAmountText] = useState('');
  const [receivedOn, setReceivedOn] = useState(today());
  const [reference, setReference] = useState('');
  const action = useAction();
  const amount = parseMoney(amountText);

  const verify = async () => {
    const ok = await action.run(async () => {
      if (amount === null || amount <= 0)
        throw Object.assign(new Error(t('payment.badAmount')), {
          code: 'VALIDATION',
          field: 'amount',
        });
      if (!reference.trim())
        throw Object.assign(new Error(`reference: ${t('payment.referenceMissing')}`), {
          code: 'VALIDATION',
          field: 'reference',
        });
      return client.call('orders.verifyPayment', {
        orderId,
        amount,
        receivedOn,
        reference,
        ...(note.trim() ? { note } : {}),
      });
    });
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
          label={t('payment.rejectReason')}
          name="reason"
          error={action.error}
          autoFocus
          placeholder={t('payment.rejectHint')}
          value={reason}
          onChange={setReason}
        />
        <div className="form-actions">
          <button type="submit" className="btn danger" disabled={action.busy}>
            {t('payment.rejectNow')} <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={() => setRejecting(false)}>
            {t('payment.cancel')} <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    );

  const differs = amount !== null && amount > 0 && amount !== due;
  return (
    <form
      className="review"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void verify();
      }}
    >
      <p className="strong" data-due={due}>
        {t('payment.due', { amount: money(due), total: money(total) })}
      </p>
      <ErrorBanner error={action.error} shown={['amount', 'receivedOn', 'reference', 'note']} />
      <div className="form-row">
        <TextField
          label={t('payment.amount')}
          name="amount"
          error={action.error}
          inputMode="decimal"
          placeholder={money(due)}
          value={amountText}
          onChange={setAmountText}
        />
        <TextField
          label={t('payment.receivedOn')}
          name="receivedOn"
          error={action.error}
          type="date"
          max={today()}
          value={receivedOn}
          onChange={setReceivedOn}
        />
        <TextField
          label={t('payment.reference')}
          name="reference"
          error={action.error}
          placeholder={t('payment.referenceHint')}
          value={reference}
          onChange={setReference}
        />
      </div>
      {differs && (
        <p className="notice warning" role="status" data-mismatch>
          {amount < due
            ? t('payment.under', { diff: money(due - amount) })
            : t('payment.over', { diff: money(amount - due) })}
        </p>
      )}
      <TextField
        label={t('payment.note')}
        name="note"
        error={action.error}
        value={note}
        onChange={setNote}
      />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {t('payment.verify')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn danger-outline" onClick={() => setRejecting(true)}>
          {t('payment.reject')}
        </button>
      </div>
    </form>
  );
}
