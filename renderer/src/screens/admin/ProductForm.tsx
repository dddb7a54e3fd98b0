// A new product with its variants (size, colour…), each with its own SKU, barcode, price and cost,
// and where it has them its own tax rate and scale label code.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { FieldError, TextField } from '../../components/Field';
import { parseMoney } from '../../format';
import { isCode } from '../../errors';
import { useT } from '../../i18n';
import { BelowCostConfirm, variantAmounts, type VariantAmountsDraft } from './VariantEditor';
import { blankTaxScale, EmbedsField, taxScaleHints } from './variantTaxScale';

interface DraftVariant extends VariantAmountsDraft {
  sku: string;
  barcode: string;
  attributes: string;
}
const placeholders: Partial<Record<keyof DraftVariant, string>> = {
  sku: 'TS-WHT-M',
  attributes: 'size=M, colour=White',
  price: '450.00',
  cost: '280.00',
  scalePrefix: '20–29',
  scaleItem: '01234',
};
const blank: DraftVariant = {
  sku: '',
  barcode: '',
  attributes: '',
  price: '',
  cost: '',
  minStock: '0',
  ...blankTaxScale,
};

/** "size=M, colour=White" → { size: 'M', colour: 'White' }. */
const parseAttributes = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split(',')
      .map((pair) => pair.split('=').map((s) => s.trim()))
      .filter((kv) => kv[0])
      .map(([k, v]) => [k ?? '', v ?? '']),
  );

export function ProductForm({
  onDone,
  onCancel,
}: {
  onDone(name: string): void;
  onCancel(): void;
}) {
  const t = useT('admin');
  const amountHint = t('products.amountHint');
  const client = useClient();
  const [name, setName] = useState('');
  const [category, setCategory] = useState('');
  const [unit, setUnit] = useState('pcs');
  const [variants, setVariants] = useState<DraftVariant[]>([{ ...blank }]);
  const [checked, setChecked] = useState(false);
  const [belowCost, setBelowCost] = useState(false);
  const action = useAction();
  const set = (i: number, change: Partial<DraftVariant>) =>
    setVariants(variants.map((v, j) => (j === i ? { ...v, ...change } : v)));
  const shown = [
    'name',
    'category',
    'unit',
    'variants',
    ...variants.flatMap((_, i) =>
      [
        'sku',
        'barcode',
        'attributes',
        'price',
        'cost',
        'minStock',
        'taxRateBp',
        'scalePrefix',
        'scaleItem',
        'scaleEmbeds',
      ].map((f) => `variants.${i}.${f}`),
    ),
  ];

  const submit = async () => {
    setChecked(true);
    const inputs = variants.map((v) => {
      const parsed = variantAmounts(v, belowCost);
      return (
        parsed && {
          sku: v.sku,
          ...(v.barcode.trim() ? { barcode: v.barcode } : {}),
          attributes: parseAttributes(v.attributes),
          ...parsed.amounts,
          // Null is none for a new variant: the category's rate, no scale code.
          ...parsed.taxScale,
        }
      );
    });
    if (!inputs.every((x) => x !== null)) return;
    const ok = await action.run(() =>
      client.call('catalog.createProduct', { name, category, unit, variants: inputs }),
    );
    if (ok) onDone(name);
  };

  return (
    <form
      className="panel inline-form"
      aria-label={t('products.new')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <h2>{t('products.new')}</h2>
      <ErrorBanner error={action.error} shown={shown} />
      <div className="form-grid">
        <TextField
          label={t('form.name')}
          name="name"
          error={action.error}
          autoFocus
          value={name}
          onChange={setName}
        />
        <TextField
          label={t('form.category')}
          name="category"
          error={action.error}
          value={category}
          onChange={setCategory}
        />
        <TextField
          label={t('form.unit')}
          name="unit"
          error={action.error}
          value={unit}
          onChange={setUnit}
        />
      </div>
      <table className="table compact variants-table">
        <thead>
          <tr>
            <th>{t('products.sku')}</th>
            <th>{t('products.barcode')}</th>
            <th>{t('form.attributes')}</th>
            <th>{t('products.price')}</th>
            <th>{t('products.cost')}</th>
            <th>{t('products.minStockShort')}</th>
            <th>{t('products.taxShort')}</th>
            <th>{t('products.scalePrefixShort')}</th>
            <th>{t('products.scaleItemShort')}</th>
            <th>{t('products.scaleEmbedsShort')}</th>
            <th aria-label={t('form.remove')} />
          </tr>
        </thead>
        <tbody>
          {variants.map((v, i) => {
            const hints = checked ? taxScaleHints(v, t) : { tax: undefined, prefix: undefined };
            const cell = (
              key: Exclude<keyof DraftVariant, 'scaleEmbeds'>,
              label: string,
              local?: string,
              field: string = key,
            ) => (
              <td>
                <TextField
                  label={t('form.ofVariant', { label, n: i + 1 })}
                  name={`variants.${i}.${field}`}
                  error={action.error}
                  hideLabel
                  localError={local}
                  placeholder={placeholders[key]}
                  value={v[key]}
                  onChange={(value) => set(i, { [key]: value })}
                />
              </td>
            );
            return (
              <tr key={i}>
                {cell('sku', t('products.sku'))}
                {cell('barcode', t('products.barcode'))}
                {cell('attributes', t('form.attributes'))}
                {cell(
                  'price',
                  t('products.price'),
                  checked && parseMoney(v.price) === null ? amountHint : undefined,
                )}
                {cell(
                  'cost',
                  t('products.cost'),
                  checked && parseMoney(v.cost) === null ? amountHint : undefined,
                )}
                {cell('minStock', t('products.minStock'))}
                {cell('taxPercent', t('products.taxPercent'), hints.tax, 'taxRateBp')}
                {cell('scalePrefix', t('products.scalePrefix'), hints.prefix)}
                {cell('scaleItem', t('products.scaleItem'))}
                <td>
                  <EmbedsField
                    label={t('form.ofVariant', { label: t('products.scaleEmbeds'), n: i + 1 })}
                    hideLabel
                    name={`variants.${i}.scaleEmbeds`}
                    error={action.error}
                    value={v.scaleEmbeds}
                    onChange={(scaleEmbeds) => set(i, { scaleEmbeds })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    className="btn icon"
                    aria-label={t('form.removeVariant', { n: i + 1 })}
                    disabled={variants.length === 1}
                    onClick={() => setVariants(variants.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldError name="variants" error={action.error} />
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          onClick={() => setVariants([...variants, { ...blank }])}
        >
          {t('form.addVariant')}
        </button>
        {(belowCost || isCode(action.error, 'PRICE_AT_OR_BELOW_COST')) && (
          <BelowCostConfirm checked={belowCost} onChange={setBelowCost} />
        )}
        <span className="grow" />
        <button type="submit" className="btn primary" disabled={action.busy}>
          {t('form.create')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('cancel')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
