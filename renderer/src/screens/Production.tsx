// Factory clerk: record what came off the line today; it goes straight into the factory's stock.
import { useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { FieldError, TextField } from '../components/Field';
import { ProductPicker, type CatalogRow } from '../components/ProductPicker';
import { count, dateTime, parseCount, today } from '../format';

const fields = ['variantId', 'quantity', 'producedOn', 'shift', 'notes', 'branchId'];

export function Production() {
  const client = useClient();
  const user = useUser();
  const [variant, setVariant] = useState<CatalogRow | null>(null);
  const [quantity, setQuantity] = useState('');
  const [producedOn, setProducedOn] = useState(today());
  const [shift, setShift] = useState('Day');
  const [notes, setNotes] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  const recent = useQuery(
    () => client.call('production.list', { branchId: user.branchId, limit: 15 }),
    [saved],
  );

  const submit = async () => {
    const result = await action.run(() =>
      client.call('production.record', {
        variantId: variant?.variantId ?? '',
        quantity: parseCount(quantity),
        producedOn,
        ...(shift.trim() ? { shift } : {}),
        ...(notes.trim() ? { notes } : {}),
      }),
    );
    if (result && variant) {
      setSaved(
        `Recorded ${count(parseCount(quantity))} × ${variant.sku}. The factory now has ${count(result.balance.onHand)} on hand (${count(result.balance.available)} free).`,
      );
      setQuantity('');
      setNotes('');
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>Production</h1>
        <p className="muted">Scan or search the item, type how many were made, press Enter.</p>
      </header>
      {saved && <Notice kind="success">{saved}</Notice>}
      <div className="split">
        <section className="panel" aria-label="Find the item">
          <ProductPicker
            onPick={(row) => {
              setVariant(row);
              setSaved(null);
            }}
          />
        </section>
        <form
          className="panel"
          aria-label="Production entry"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setVariant(null);
              setQuantity('');
            }
          }}
        >
          <ErrorBanner error={action.error} shown={fields} />
          <div className="picked">
            {variant ? (
              <>
                <span className="sku">{variant.sku}</span> {variant.name}
              </>
            ) : (
              <span className="muted">No item chosen yet.</span>
            )}
            <FieldError name="variantId" error={action.error} />
          </div>
          <div className="form-grid">
            <TextField
              label="Quantity made"
              name="quantity"
              error={action.error}
              type="number"
              step={1}
              value={quantity}
              onChange={setQuantity}
            />
            <TextField
              label="Produced on"
              name="producedOn"
              error={action.error}
              type="date"
              value={producedOn}
              onChange={setProducedOn}
            />
            <TextField
              label="Shift"
              name="shift"
              error={action.error}
              value={shift}
              onChange={setShift}
            />
            <TextField
              label="Notes (optional)"
              name="notes"
              error={action.error}
              value={notes}
              onChange={setNotes}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="btn primary" disabled={action.busy}>
              Record production <kbd>Enter</kbd>
            </button>
            <span className="muted">Esc clears the form</span>
          </div>
        </form>
      </div>
      <section className="panel">
        <h2>Recent production</h2>
        <ErrorBanner error={recent.error} />
        <table className="table compact">
          <thead>
            <tr>
              <th>Produced on</th>
              <th>SKU</th>
              <th>Item</th>
              <th className="num">Quantity</th>
              <th>Shift</th>
              <th>Recorded</th>
            </tr>
          </thead>
          <tbody>
            {(recent.data ?? []).map((b) => (
              <tr key={b.id} className={b.reversedById || b.reversesId ? 'muted' : undefined}>
                <td>{b.producedOn}</td>
                <td className="sku">{b.sku}</td>
                <td>{b.name}</td>
                <td className="num">{count(b.quantity)}</td>
                <td>{b.shift ?? ''}</td>
                <td>
                  {dateTime(b.recordedAt)}
                  {b.userName ? ` · ${b.userName}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
