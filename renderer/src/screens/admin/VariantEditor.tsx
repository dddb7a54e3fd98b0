// One catalog row being edited in place: price, cost (margin follows), minimum stock, on sale.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { isCode } from '../../errors';
import { money, parseCount, parseMoney } from '../../format';

type Row = OutputOf<'catalog.list'>[number];

export const amountHint = 'Write an amount like 450.00';

/** Shown once the core refuses a price at or below cost: the person confirms it on purpose. */
export function BelowCostConfirm(props: { checked: boolean; onChange(checked: boolean): void }) {
  return (
    <label className="check">
      <input
        type="checkbox"
        name="confirmBelowCost"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      Sell at or below cost (I confirm)
    </label>
  );
}

export function VariantEditor({ row, onDone }: { row: Row; onDone(saved: boolean): void }) {
  const client = useClient();
  const [price, setPrice] = useState(money(row.price).replace(/,/g, ''));
  const [cost, setCost] = useState(money(row.cost).replace(/,/g, ''));
  const [minStock, setMinStock] = useState(String(row.minStock));
  const [active, setActive] = useState(row.active);
  const [checked, setChecked] = useState(false);
  const [belowCost, setBelowCost] = useState(false);
  const action = useAction();
  const p = parseMoney(price);
  const c = parseMoney(cost);

  const save = async () => {
    setChecked(true);
    if (p === null || c === null) return;
    const ok = await action.run(() =>
      client.call('catalog.updateVariant', {
        id: row.variantId,
        price: p,
        cost: c,
        minStock: parseCount(minStock),
        active,
        ...(belowCost && { confirmBelowCost: true }),
      }),
    );
    if (ok) onDone(true);
  };

  return (
    <tr className="editing">
      <td colSpan={10}>
        <form
          className="row-form"
          aria-label={`Edit ${row.sku}`}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              onDone(false);
            }
          }}
        >
          <strong className="sku">{row.sku}</strong>
          <TextField
            label="Price"
            name="price"
            error={action.error}
            localError={checked && p === null ? amountHint : undefined}
            autoFocus
            inputMode="decimal"
            value={price}
            onChange={setPrice}
          />
          <TextField
            label="Cost"
            name="cost"
            error={action.error}
            localError={checked && c === null ? amountHint : undefined}
            inputMode="decimal"
            value={cost}
            onChange={setCost}
          />
          <div className="field">
            <span className="label">Margin</span>
            <span className="value">
              {p !== null && c !== null
                ? `${money(p - c)}${p > 0 ? ` (${(((p - c) * 100) / p).toFixed(1)}%)` : ''}`
                : '—'}
            </span>
          </div>
          <TextField
            label="Minimum stock"
            name="minStock"
            error={action.error}
            type="number"
            step={1}
            value={minStock}
            onChange={setMinStock}
          />
          <label className="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
            On sale
          </label>
          {(belowCost || isCode(action.error, 'PRICE_AT_OR_BELOW_COST')) && (
            <BelowCostConfirm checked={belowCost} onChange={setBelowCost} />
          )}
          <button type="submit" className="btn primary" disabled={action.busy}>
            Save <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={() => onDone(false)}>
            Cancel <kbd>Esc</kbd>
          </button>
          <ErrorBanner error={action.error} shown={['price', 'cost', 'minStock']} />
        </form>
      </td>
    </tr>
  );
}
