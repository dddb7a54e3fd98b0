// Shop clerk: count what arrived, line by line. The boxes start at what was dispatched; a line
// that came short takes a note (what happened) for the factory and head office.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { FieldError, ItemName, QuantityField, TextField } from '../../components/Field';
import { count, parseCount } from '../../format';
import { useT } from '../../i18n';
import { useAfresh } from './afresh';

type Order = OutputOf<'orders.get'>;

export function DeliveryForm({ order, onDone }: { order: Order; onDone(): void }) {
  const client = useClient();
  const t = useT('orders');
  // Each dispatch is confirmed on its own: only what is on its way now is counted.
  const lines = order.lines
    .map((l) => ({ ...l, onTheWay: l.dispatchedQty - l.confirmedQty }))
    .filter((l) => l.onTheWay > 0);
  const [received, setReceived] = useState(lines.map((l) => String(l.onTheWay)));
  const [notes, setNotes] = useState(lines.map(() => ''));
  useAfresh(lines.map((l) => `${l.lineNo}:${l.onTheWay}`).join(' '), () => {
    setReceived(lines.map((l) => String(l.onTheWay)));
    setNotes(lines.map(() => ''));
  });
  const action = useAction();
  const shown = [
    'lines',
    ...lines.flatMap((_, i) => [`lines.${i}.received`, `lines.${i}.note`, `lines.${i}.lineNo`]),
  ];

  const submit = async () => {
    const ok = await action.run(() =>
      client.call('orders.confirmDelivery', {
        orderId: order.id,
        lines: lines.map((l, i) => ({
          lineNo: l.lineNo,
          received: parseCount(received[i] ?? ''),
          ...(notes[i]?.trim() ? { note: notes[i] } : {}),
        })),
      }),
    );
    if (ok) onDone();
  };

  return (
    <form
      className="delivery-form"
      aria-label={t('delivery.form')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ErrorBanner error={action.error} shown={shown} />
      <table className="table compact">
        <thead>
          <tr>
            <th>{t('delivery.item')}</th>
            <th className="num">{t('delivery.dispatched')}</th>
            <th className="qty-wide">{t('delivery.received')}</th>
            <th>{t('delivery.note')}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => {
            const short = parseCount(received[i] ?? '') < l.onTheWay;
            return (
              <tr key={l.lineNo} data-sku={l.sku} className={short ? 'short' : undefined}>
                <td>
                  <ItemName sku={l.sku} name={l.name} />
                </td>
                <td className="num">{count(l.onTheWay)}</td>
                <td className="qty-wide">
                  <QuantityField
                    label={t('delivery.qtyFor', { sku: l.sku })}
                    name={`lines.${i}.received`}
                    error={action.error}
                    autoFocus={i === 0}
                    value={received[i] ?? ''}
                    onChange={(v) => setReceived(received.map((r, j) => (j === i ? v : r)))}
                  />
                </td>
                <td>
                  <TextField
                    label={t('delivery.noteFor', { sku: l.sku })}
                    name={`lines.${i}.note`}
                    error={action.error}
                    hideLabel
                    placeholder={short ? t('delivery.shortHint') : ''}
                    value={notes[i] ?? ''}
                    onChange={(value) => setNotes(notes.map((n, j) => (j === i ? value : n)))}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldError name="lines" error={action.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {action.busy ? t('delivery.busy') : t('delivery.submit')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
