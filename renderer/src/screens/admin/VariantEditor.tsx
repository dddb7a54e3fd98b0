// One catalog row being edited in place: the product's name, the variant's barcode, price, cost
// (margin follows), minimum stock, its own tax rate and scale label code, and on sale or archived
// (hidden from the counter and pickers).
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { isCode } from '../../errors';
import { money, parseCount, parseMoney } from '../../format';
import { useT } from '../../i18n';
import {
  changedTaxScale,
  EmbedsField,
  taxScaleHints,
  taxScaleInput,
  taxScaleOf,
  type TaxScaleDraft,
  type TaxScaleInput,
} from './variantTaxScale';

type Row = OutputOf<'catalog.list'>[number];

/** A variant's price, cost and minimum stock as typed, with its tax rate and scale label code. */
export interface VariantAmountsDraft extends TaxScaleDraft {
  price: string;
  cost: string;
  minStock: string;
}

/**
 * What the new-product form and the variant editor both send of a variant's amounts, or null when
 * a price, cost, tax rate or prefix box holds no number (each is marked beside its box). The
 * confirmation of a price at or below cost goes with them once the person has ticked it.
 */
export function variantAmounts(
  d: VariantAmountsDraft,
  belowCost: boolean,
): {
  amounts: { price: number; cost: number; minStock: number; confirmBelowCost?: true };
  taxScale: TaxScaleInput;
} | null {
  const price = parseMoney(d.price);
  const cost = parseMoney(d.cost);
  const taxScale = taxScaleInput(d);
  if (price === null || cost === null || !taxScale) return null;
  return {
    amounts: {
      price,
      cost,
      minStock: parseCount(d.minStock),
      ...(belowCost && { confirmBelowCost: true }),
    },
    taxScale,
  };
}

/** Shown once the core refuses a price at or below cost: the person confirms it on purpose. */
export function BelowCostConfirm(props: { checked: boolean; onChange(checked: boolean): void }) {
  const t = useT('admin');
  return (
    <label className="check">
      <input
        type="checkbox"
        name="confirmBelowCost"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      {t('products.belowCost')}
    </label>
  );
}

export function VariantEditor({ row, onDone }: { row: Row; onDone(saved: boolean): void }) {
  const t = useT('admin');
  const client = useClient();
  const [productName, setProductName] = useState(row.productName);
  const [barcode, setBarcode] = useState(row.barcode ?? '');
  const [price, setPrice] = useState(money(row.price).replace(/,/g, ''));
  const [cost, setCost] = useState(money(row.cost).replace(/,/g, ''));
  const [minStock, setMinStock] = useState(String(row.minStock));
  const [active, setActive] = useState(row.active);
  const [checked, setChecked] = useState(false);
  const [belowCost, setBelowCost] = useState(false);
  const [taxScale, setTaxScale] = useState<TaxScaleDraft>(taxScaleOf(row));
  const action = useAction();
  const p = parseMoney(price);
  const c = parseMoney(cost);
  const setTS = (change: Partial<TaxScaleDraft>) => setTaxScale({ ...taxScale, ...change });
  const hints = checked ? taxScaleHints(taxScale, t) : { tax: undefined, prefix: undefined };

  const save = async () => {
    setChecked(true);
    const now = variantAmounts({ price, cost, minStock, ...taxScale }, belowCost);
    const was = taxScaleInput(taxScaleOf(row));
    if (!now || !was) return;
    const ok = await action.run(async () => {
      await client.call('catalog.updateVariant', {
        id: row.variantId,
        barcode: barcode.trim() === '' ? null : barcode.trim(),
        ...now.amounts,
        ...changedTaxScale(now.taxScale, was),
        active,
      });
      // The name is the product's: every variant of it shows the new one.
      if (productName.trim() !== row.productName)
        await client.call('catalog.updateProduct', { id: row.productId, name: productName });
      return true;
    });
    if (ok) onDone(true);
  };

  return (
    <tr className="editing">
      <td colSpan={10}>
        <form
          className="row-form"
          aria-label={t('products.editRow', { sku: row.sku })}
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
            label={t('products.productName')}
            name="name"
            error={action.error}
            autoFocus
            value={productName}
            onChange={setProductName}
          />
          <TextField
            label={t('products.barcode')}
            name="barcode"
            error={action.error}
            inputMode="numeric"
            value={barcode}
            onChange={setBarcode}
          />
          <TextField
            label={t('products.price')}
            name="price"
            error={action.error}
            localError={checked && p === null ? t('products.amountHint') : undefined}
            inputMode="decimal"
            value={price}
            onChange={setPrice}
          />
          <TextField
            label={t('products.cost')}
            name="cost"
            error={action.error}
            localError={checked && c === null ? t('products.amountHint') : undefined}
            inputMode="decimal"
            value={cost}
            onChange={setCost}
          />
          <div className="field">
            <span className="label">{t('products.margin')}</span>
            <span className="value">
              {p !== null && c !== null
                ? `${money(p - c)}${p > 0 ? ` (${(((p - c) * 100) / p).toFixed(1)}%)` : ''}`
                : '—'}
            </span>
          </div>
          <TextField
            label={t('products.minStock')}
            name="minStock"
            error={action.error}
            type="number"
            step={1}
            value={minStock}
            onChange={setMinStock}
          />
          <TextField
            label={t('products.taxPercent')}
            name="taxRateBp"
            error={action.error}
            localError={hints.tax}
            inputMode="decimal"
            placeholder={t('products.taxOfCategory')}
            value={taxScale.taxPercent}
            onChange={(taxPercent) => setTS({ taxPercent })}
          />
          <TextField
            label={t('products.scalePrefix')}
            name="scalePrefix"
            error={action.error}
            localError={hints.prefix}
            inputMode="numeric"
            placeholder="20–29"
            value={taxScale.scalePrefix}
            onChange={(scalePrefix) => setTS({ scalePrefix })}
          />
          <TextField
            label={t('products.scaleItem')}
            name="scaleItem"
            error={action.error}
            inputMode="numeric"
            placeholder="01234"
            value={taxScale.scaleItem}
            onChange={(scaleItem) => setTS({ scaleItem })}
          />
          <EmbedsField
            label={t('products.scaleEmbeds')}
            name="scaleEmbeds"
            error={action.error}
            value={taxScale.scaleEmbeds}
            onChange={(scaleEmbeds) => setTS({ scaleEmbeds })}
          />
          <label className="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
            {t('products.onSale')}
          </label>
          {(belowCost || isCode(action.error, 'PRICE_AT_OR_BELOW_COST')) && (
            <BelowCostConfirm checked={belowCost} onChange={setBelowCost} />
          )}
          <button type="submit" className="btn primary" disabled={action.busy}>
            {t('save')} <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={() => onDone(false)}>
            {t('cancel')} <kbd>Esc</kbd>
          </button>
          <ErrorBanner
            error={action.error}
            shown={[
              'name',
              'barcode',
              'price',
              'cost',
              'minStock',
              'taxRateBp',
              'scalePrefix',
              'scaleItem',
              'scaleEmbeds',
            ]}
          />
        </form>
      </td>
    </tr>
  );
}
