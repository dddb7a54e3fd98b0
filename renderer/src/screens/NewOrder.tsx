// Shop clerk: put an order to the factory together by scanning or searching, then place it.
// Shortages at the factory do not stop an order (it is produced to order); they are shown.
import { useState } from 'react';
import { useAction, useClient, useNav, useQuery } from '../app-context';
import type { OutputOf } from '../client';
import { ErrorBanner, Notice } from '../components/Banner';
import { Field, TextField } from '../components/Field';
import {
  addVariant,
  draftTotal,
  lineFields,
  LinesTable,
  useDraftLines,
} from '../components/LinesTable';
import { ProductPicker } from '../components/ProductPicker';
import { count, money, parseCount } from '../format';

type Placed = OutputOf<'orders.place'>;

export function NewOrder() {
  const client = useClient();
  const nav = useNav();
  const [lines, setLines] = useDraftLines('newOrder');
  const [note, setNote] = useState('');
  const [factoryId, setFactoryId] = useState('');
  const [placed, setPlaced] = useState<Placed | null>(null);
  const factories = useQuery(() => client.call('branches.list', { kind: 'factory' }), []);
  const activeFactories = (factories.data ?? []).filter((f) => f.active);
  const chooseFactory = activeFactories.length > 1;
  const action = useAction();
  const shown = [...lineFields(lines), 'note', ...(chooseFactory ? ['factoryId'] : [])];

  const place = async () => {
    const result = await action.run(() =>
      client.call('orders.place', {
        lines: lines.map((l) => ({ variantId: l.variantId, quantity: parseCount(l.quantity) })),
        ...(note.trim() ? { note } : {}),
        ...(chooseFactory && { factoryId }),
      }),
    );
    if (result) {
      setPlaced(result);
      setLines([]);
      setNote('');
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>New order</h1>
        <p className="muted">Scan goods or search, check the quantities, then place the order.</p>
      </header>
      {placed && (
        <Notice kind="success">
          <div className="placed">
            <div>
              Order <strong data-testid="placed-number">{placed.number}</strong> placed · total{' '}
              {money(placed.total)}. Next: attach the payment slip.
            </div>
            {placed.shortages.length > 0 && (
              <ul className="shortages" aria-label="Shortages at the factory">
                {placed.shortages.map((s) => (
                  <li key={s.lineNo}>
                    Line {s.lineNo} ({s.sku}): you asked for {count(s.requested)}, the factory has{' '}
                    {count(Math.max(0, s.available))} free now; the rest will be produced.
                  </li>
                ))}
              </ul>
            )}
            <div className="form-actions">
              <button
                type="button"
                className="btn primary"
                autoFocus
                onClick={() => nav.openOrder(placed.id)}
              >
                Open order {placed.number}
              </button>
              <button type="button" className="btn" onClick={() => setPlaced(null)}>
                Start another order
              </button>
            </div>
          </div>
        </Notice>
      )}
      <div className="split">
        <section className="panel" aria-label="Find goods">
          <ProductPicker
            onPick={(row) => {
              setPlaced(null);
              setLines((current) => addVariant(current, row));
            }}
          />
        </section>
        <form
          className="panel"
          aria-label="Order lines"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void place();
          }}
        >
          <ErrorBanner error={action.error} shown={shown} />
          <LinesTable
            lines={lines}
            onChange={(next) => {
              setLines(next);
              // Line numbers in the old error may no longer match the lines on screen.
              action.setError(undefined);
            }}
            error={action.error}
          />
          <div className="form-row">
            {chooseFactory && (
              <Field label="Factory" name="factoryId" error={action.error}>
                {(p) => (
                  <select {...p} value={factoryId} onChange={(e) => setFactoryId(e.target.value)}>
                    <option value="">Choose…</option>
                    {activeFactories.map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            <TextField
              label="Note for the factory (optional)"
              name="note"
              error={action.error}
              className="grow"
              value={note}
              onChange={setNote}
            />
          </div>
          <div className="form-actions">
            <span className="total">
              Total <strong>{money(draftTotal(lines))}</strong>
            </span>
            <button
              type="submit"
              className="btn primary"
              disabled={action.busy || lines.length === 0}
            >
              {action.busy ? 'Placing…' : 'Place order'} <kbd>Enter</kbd>
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
