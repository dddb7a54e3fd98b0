// Factory clerk: what leaves the factory, in which vehicle, with whom, and how many of each line.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { FieldError, ItemName, QuantityField, TextField } from '../../components/Field';
import { count, parseCount, today } from '../../format';

type Order = OutputOf<'orders.get'>;

export function DispatchForm({ order, onDone }: { order: Order; onDone(): void }) {
  const client = useClient();
  const [vehicle, setVehicle] = useState('');
  const [driverName, setDriverName] = useState('');
  const [planned, setPlanned] = useState(today());
  const [note, setNote] = useState('');
  const [qty, setQty] = useState(order.lines.map((l) => String(l.quantity)));
  const action = useAction();
  const shown = [
    'vehicle',
    'driverName',
    'plannedDispatchOn',
    'note',
    'lines',
    ...order.lines.flatMap((_, i) => [`lines.${i}.quantity`, `lines.${i}.lineNo`]),
  ];

  const submit = async () => {
    const ok = await action.run(() =>
      client.call('orders.dispatch', {
        orderId: order.id,
        ...(vehicle.trim() ? { vehicle } : {}),
        ...(driverName.trim() ? { driverName } : {}),
        ...(planned ? { plannedDispatchOn: planned } : {}),
        ...(note.trim() ? { note } : {}),
        lines: order.lines.map((l, i) => ({
          lineNo: l.lineNo,
          quantity: parseCount(qty[i] ?? ''),
        })),
      }),
    );
    if (ok) onDone();
  };

  return (
    <form
      className="dispatch-form"
      aria-label="Dispatch"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ErrorBanner error={action.error} shown={shown} />
      <div className="form-grid">
        <TextField
          label="Vehicle"
          name="vehicle"
          error={action.error}
          autoFocus
          placeholder="e.g. 3-AA-12345"
          value={vehicle}
          onChange={setVehicle}
        />
        <TextField
          label="Driver"
          name="driverName"
          error={action.error}
          value={driverName}
          onChange={setDriverName}
        />
        <TextField
          label="Planned date"
          name="plannedDispatchOn"
          error={action.error}
          type="date"
          value={planned}
          onChange={setPlanned}
        />
        <TextField
          label="Note (optional)"
          name="note"
          error={action.error}
          value={note}
          onChange={setNote}
        />
      </div>
      <table className="table compact">
        <thead>
          <tr>
            <th>Item</th>
            <th className="num">Ordered</th>
            <th className="qty-wide">Dispatch now</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l, i) => (
            <tr key={l.lineNo} data-sku={l.sku}>
              <td>
                <ItemName sku={l.sku} name={l.name} />
              </td>
              <td className="num">{count(l.quantity)}</td>
              <td className="qty-wide">
                <QuantityField
                  label={`Dispatch quantity for ${l.sku}`}
                  name={`lines.${i}.quantity`}
                  error={action.error}
                  value={qty[i] ?? ''}
                  onChange={(v) => setQty(qty.map((q, j) => (j === i ? v : q)))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <FieldError name="lines" error={action.error} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {action.busy ? 'Dispatching…' : 'Dispatch'} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
