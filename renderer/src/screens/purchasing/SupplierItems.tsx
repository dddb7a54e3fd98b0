// What a supplier sells us: each variant with the supplier's own code, its price per unit in the
// supplier's currency, the pack it comes in and the least we may order; a new one picked by scan
// or search like a sale's line, and an item's price history (a row per change of its price).
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { ItemName, TextField } from '../../components/Field';
import { count, dateTime } from '../../format';
import { useT } from '../../i18n';
import { VariantChoice, type Variant } from './Choices';
import { EditPanel, FormActions } from './Panels';
import { amountText, focusSoon, moneyIn, typedMoneyIn, wholeOrNone } from './shared';

type ItemRow = OutputOf<'supplierItems.list'>[number];
type Editing = { item: ItemRow | null; variant: Variant | null };

const FIELDS = ['variantId', 'supplierCode', 'price', 'packSize', 'minOrderQty'];

function ItemForm({
  supplierId,
  currencyCode,
  editing,
  onSaved,
  onCancel,
}: {
  supplierId: string;
  currencyCode: string;
  editing: Editing;
  onSaved(sku: string): void;
  onCancel(): void;
}) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const { item } = editing;
  const [variant, setVariant] = useState(editing.variant);
  const [code, setCode] = useState(item?.supplierCode ?? '');
  const [price, setPrice] = useState(item ? amountText(item.price, currencyCode) : '');
  const [pack, setPack] = useState(String(item?.packSize ?? 1));
  const [moq, setMoq] = useState(item ? String(item.minOrderQty) : '');
  const [active, setActive] = useState(item?.active ?? true);

  const pick = (picked: Variant) => {
    setVariant(picked);
    focusSoon('[data-field="supplierCode"] input');
  };

  const save = async () => {
    const done = await action.run(() =>
      client.call('supplierItems.save', {
        ...(item && { id: item.id }),
        supplierId,
        variantId: variant?.id ?? '',
        supplierCode: code,
        price: price.trim() === '' ? null : typedMoneyIn(price, currencyCode),
        ...(wholeOrNone(pack) !== undefined && { packSize: wholeOrNone(pack) }),
        ...(wholeOrNone(moq) !== undefined && { minOrderQty: wholeOrNone(moq) }),
        active,
      }),
    );
    if (done) onSaved(variant?.sku ?? '');
  };

  const title = item ? t('items.editTitle', { sku: item.sku }) : t('items.newTitle');
  return (
    <EditPanel title={title} onCancel={onCancel}>
      <h3>{title}</h3>
      {!item && <VariantChoice variant={variant} error={action.error} onPick={pick} />}
      <form
        noValidate
        aria-label={t('items.form')}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <ErrorBanner
          error={action.error}
          shown={item ? FIELDS.filter((f) => f !== 'variantId') : FIELDS}
        />
        <div className="form-grid">
          <TextField
            label={t('items.code')}
            name="supplierCode"
            error={action.error}
            autoComplete="off"
            autoFocus={item !== null}
            value={code}
            onChange={setCode}
          />
          <TextField
            label={t('items.price', { currency: currencyCode })}
            name="price"
            error={action.error}
            hint={t('items.priceHint')}
            inputMode="decimal"
            autoComplete="off"
            value={price}
            onChange={setPrice}
          />
          <TextField
            label={t('items.pack')}
            name="packSize"
            error={action.error}
            type="number"
            min={1}
            step={1}
            value={pack}
            onChange={setPack}
          />
          <TextField
            label={t('items.moq')}
            name="minOrderQty"
            error={action.error}
            hint={t('items.moqHint')}
            type="number"
            min={1}
            step={1}
            value={moq}
            onChange={setMoq}
          />
          <label className="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />{' '}
            {t('items.active')}
          </label>
        </div>
        <FormActions
          save={t('items.save')}
          busy={action.busy}
          cancel={t('cancel')}
          onCancel={onCancel}
        />
      </form>
    </EditPanel>
  );
}

function PriceHistory({ item }: { item: ItemRow }) {
  const t = useT('purchasing');
  const client = useClient();
  const prices = useQuery(() => client.call('supplierItems.prices', { itemId: item.id }), [item]);
  return (
    <section className="panel" aria-labelledby={`prices-${item.id}`} data-testid="price-history">
      <h3 id={`prices-${item.id}`} tabIndex={-1}>
        {t('items.historyTitle', { sku: item.sku })}
      </h3>
      <ErrorBanner error={prices.error} />
      <div className="table-wrap">
        <table className="table compact" aria-label={t('items.historyTitle', { sku: item.sku })}>
          <thead>
            <tr>
              <th scope="col">{t('items.changedAt')}</th>
              <th scope="col" className="num">
                {t('items.priceCol')}
              </th>
              <th scope="col">{t('items.changedBy')}</th>
            </tr>
          </thead>
          <tbody>
            {prices.data?.length === 0 && (
              <tr>
                <td colSpan={3} className="empty">
                  {t('items.noHistory')}
                </td>
              </tr>
            )}
            {prices.data?.map((p, i) => (
              <tr key={i}>
                <td>{dateTime(p.changedAt)}</td>
                <td className="num">{moneyIn(p.price, item.currencyCode)}</td>
                <td>{p.changedBy ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function SupplierItems({
  supplierId,
  currencyCode,
}: {
  supplierId: string;
  currencyCode: string;
}) {
  const t = useT('purchasing');
  const client = useClient();
  const [tick, setTick] = useState(0);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [history, setHistory] = useState<ItemRow | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const items = useQuery(
    () => client.call('supplierItems.list', { supplierId }),
    [supplierId, tick],
  );

  const startNew = () => {
    setSaid(null);
    setHistory(null);
    setEditing({ item: null, variant: null });
  };
  return (
    <section className="panel" aria-labelledby="supplier-items-title">
      <div className="row panel-head">
        <h2 id="supplier-items-title">{t('items.title')}</h2>
        <span className="grow" />
        {!editing && (
          <button type="button" className="btn" data-add-item onClick={startNew}>
            {t('items.add')}
          </button>
        )}
      </div>
      {said && <Notice kind="success">{said}</Notice>}
      <ErrorBanner error={items.error} />
      {editing && (
        <ItemForm
          key={editing.item?.id ?? 'new'}
          supplierId={supplierId}
          currencyCode={currencyCode}
          editing={editing}
          onSaved={(sku) => {
            setEditing(null);
            setSaid(t('items.saved', { sku }));
            setTick((n) => n + 1);
            focusSoon('[data-add-item]');
          }}
          onCancel={() => {
            setEditing(null);
            focusSoon('[data-add-item]');
          }}
        />
      )}
      <div className="table-wrap">
        <table
          className="table compact"
          aria-label={t('items.table')}
          data-state={items.loading ? 'loading' : 'ready'}
        >
          <thead>
            <tr>
              <th scope="col">{t('col.item')}</th>
              <th scope="col">{t('col.supplierCode')}</th>
              <th scope="col" className="num">
                {t('col.price')}
              </th>
              <th scope="col" className="num">
                {t('col.pack')}
              </th>
              <th scope="col" className="num">
                {t('col.moq')}
              </th>
              <th scope="col">{t('col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.data?.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('items.none')}
                </td>
              </tr>
            )}
            {items.data?.map((i) => (
              <tr key={i.id} data-sku={i.sku}>
                <td>
                  <ItemName sku={i.sku} name={i.name} />
                  {!i.active && <span className="muted small">{t('inactive')}</span>}
                </td>
                <td>{i.supplierCode ?? '—'}</td>
                <td className="num">{moneyIn(i.price, currencyCode)}</td>
                <td className="num">{count(i.packSize)}</td>
                <td className="num">{count(i.minOrderQty)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => {
                      setSaid(null);
                      setHistory(null);
                      setEditing({
                        item: i,
                        variant: { id: i.variantId, sku: i.sku, name: i.name },
                      });
                    }}
                  >
                    {t('items.edit', { sku: i.sku })}
                  </button>{' '}
                  <button
                    type="button"
                    className="btn small"
                    aria-expanded={history?.id === i.id}
                    onClick={() => {
                      setHistory(history?.id === i.id ? null : i);
                      focusSoon('[data-testid="price-history"] h3');
                    }}
                  >
                    {t('items.history', { sku: i.sku })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {history && <PriceHistory item={history} />}
    </section>
  );
}
