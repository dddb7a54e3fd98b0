// Factory clerk: what leaves the factory, in which vehicle, with whom, and how many of each line.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { FieldError, ItemName, QuantityField, TextField } from '../../components/Field';
import { count, parseCount, today } from '../../format';
import { useT } from '../../i18n';
import { useAfresh } from './afresh';

type Order = OutputOf<'orders.get'>;

export function DispatchForm({
  order,
  onDone,
}: {
  order: Order;
  /** Dispatched: `said` tells the clerk so (the form may leave the page with the focus). */
  onDone(said: string): void;
}) {
  const client = useClient();
  const t = useT('orders');
  const [vehicle, setVehicle] = useState('');
  const [driverName, setDriverName] = useState('');
  const [planned, setPlanned] = useState(today());
  const [note, setNote] = useState('');
  // What each line still owes: all of it the first time, the backorder after a partial dispatch.
  const owed = order.lines.map((l) => l.quantity - l.dispatchedQty - l.cancelledQty);
  const [qty, setQty] = useState(owed.map(String));
  useAfresh(owed.join(' '), () => {
    setQty(owed.map(String));
    setVehicle('');
    setDriverName('');
    setPlanned(today());
    setNote('');
  });
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
    if (ok) onDone(t('dispatch.done', { number: order.number, shop: order.shopName }));
  };

  return (
    <form
      className="dispatch-form"
      aria-label={t('dispatch.form')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <ErrorBanner error={action.error} shown={shown} />
      <div className="form-grid">
        <TextField
          label={t('dispatch.vehicle')}
          name="vehicle"
          error={action.error}
          autoFocus
          placeholder={t('dispatch.vehicleHint')}
          value={vehicle}
          onChange={setVehicle}
        />
        <TextField
          label={t('dispatch.driver')}
          name="driverName"
          error={action.error}
          value={driverName}
          onChange={setDriverName}
        />
        <TextField
          label={t('dispatch.planned')}
          name="plannedDispatchOn"
          error={action.error}
          type="date"
          value={planned}
          onChange={setPlanned}
        />
        <TextField
          label={t('dispatch.note')}
          name="note"
          error={action.error}
          value={note}
          onChange={setNote}
        />
      </div>
      <table className="table compact">
        <thead>
          <tr>
            <th>{t('dispatch.item')}</th>
            <th className="num">{t('dispatch.ordered')}</th>
            <th className="num">{t('dispatch.owed')}</th>
            <th className="qty-wide">{t('dispatch.now')}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l, i) => (
            <tr key={l.lineNo} data-sku={l.sku}>
              <td>
                <ItemName sku={l.sku} name={l.name} />
              </td>
              <td className="num">{count(l.quantity)}</td>
              <td className="num" data-owed={owed[i]}>
                {count(owed[i] ?? 0)}
              </td>
              <td className="qty-wide">
                <QuantityField
                  label={t('dispatch.qtyFor', { sku: l.sku })}
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
          {action.busy ? t('dispatch.busy') : t('dispatch.submit')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
