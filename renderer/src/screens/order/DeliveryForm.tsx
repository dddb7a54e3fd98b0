// Shop clerk: count what arrived, line by line. The boxes start at what was dispatched; a line
// that came short takes a note (what happened) for the factory and head office.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { FieldError, ItemName, QuantityField, TextField } from '../../components/Field';
import { count, parseCount } from '../../format';

type Order = OutputOf<'orders.get'>;

export function DeliveryForm({ order, onDone }: { order: Order; onDone(): void }) {
  const client = useClient();
  const [received, setReceived] = useState(order.lines.map((l) => String(l.dispatchedQty)));
  const [notes, setNotes] = useState(order.lines.map(() => ''));
  const action = useAction();
  const shown = [
    'lines',
    ...order.lines.flatMap((_, i) => [
      `lines.${i}.received`,
      `lines.${i}.note`,
      `lines.${i}.lineNo`,
    ]),
  ];

  const submit = async () => {
    const ok = await action.run(() =>
      client.call('orders.confirmDelivery', {
        orderId: order.id,
        lines: order.lines.map((l, i) => ({
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
      aria-label="Confirm delivery"
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
            <th>Item</th>
            <th className="num">Dispatched</th>
            <th className="qty-wide">Received</th>
            <th>Note (if short)</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l, i) => {
            const short = parseCount(received[i] ?? '') < l.dispatchedQty;
            return (
              <tr key={l.lineNo} data-sku={l.sku} className={short ? 'short' : undefined}>
                <td>
                  <ItemName sku={l.sku} name={l.name} />
                </td>
                <td className="num">{count(l.dispatchedQty)}</td>
                <td className="qty-wide">
                  <QuantityField
                    label={`Received quantity for ${l.sku}`}
                    name={`lines.${i}.received`}
                    error={action.error}
                    autoFocus={i === 0}
                    value={received[i] ?? ''}
                    onChange={(v) => setReceived(received.map((r, j) => (j === i ? v : r)))}
                  />
                </td>
                <td>
                  <TextField
                    label={`Note for ${l.sku}`}
                    name={`lines.${i}.note`}
                    error={action.error}
                    hideLabel
                    placeholder={short ? 'What happened? e.g. 2 broken' : ''}
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
          {action.busy ? 'Saving…' : 'Confirm delivery'} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
