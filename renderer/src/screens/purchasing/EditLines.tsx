// The lines of an order being made or changed: each line's quantity (units) and price (empty: the
// supplier's list price, shown as the box's placeholder), removable, and a new line picked by scan
// or search as on a sale ("Add a line"), which then waits in its quantity box. Each box is named
// `lines.N.…` by its place in what is sent, so the core's refusal lands at the right box.
import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { FieldError, ItemName, QuantityField, TextField } from '../../components/Field';
import { ProductPicker, type CatalogRow } from '../../components/ProductPicker';
import { count } from '../../format';
import { useT } from '../../i18n';
import { EditPanel } from './Panels';
import { amountText, focusSoon, moneyIn, typedMoneyIn, whole } from './shared';

export interface EditRow {
  /** Stable across edits: the line's number, or the variant for a line added here. */
  key: string;
  variantId: string;
  sku: string;
  name: string;
  supplierCode: string | null;
  packSize: number | null;
  quantity: string;
  /** Empty: the supplier's list price. */
  price: string;
}

/** What is sent for the rows, in order. */
export const linesInput = (rows: readonly EditRow[], currency: string) =>
  rows.map((r) => ({
    variantId: r.variantId,
    quantity: whole(r.quantity),
    ...(r.price.trim() !== '' && { price: typedMoneyIn(r.price, currency) }),
  }));

/** A supplier's list price per variant, from its active items. */
export const listPricesOf = (
  items: readonly { variantId: string; price: number; active: boolean }[] | undefined,
): ReadonlyMap<string, number> =>
  new Map((items ?? []).filter((i) => i.active).map((i) => [i.variantId, i.price]));

/** The field paths the rows' boxes show errors for. */
export const lineFields = (rows: readonly EditRow[]): string[] =>
  rows.flatMap((_, i) => [`lines.${i}.variantId`, `lines.${i}.quantity`, `lines.${i}.price`]);

export function EditLines({
  rows,
  currency,
  error,
  listPrices,
  onChange,
  extra,
}: {
  rows: readonly EditRow[];
  currency: string;
  error: unknown;
  /** The supplier's list price per variant, for the price boxes' placeholders. */
  listPrices: ReadonlyMap<string, number>;
  onChange(rows: EditRow[]): void;
  /** More for a row: its buttons (in the actions cell) and a row under it. */
  extra?: (row: EditRow, columns: number) => { buttons?: ReactNode; below?: ReactNode };
}) {
  const t = useT('purchasing');
  const [picking, setPicking] = useState(false);
  /** The line whose quantity box takes the focus once it is drawn (a line just picked). */
  const [focusLine, setFocusLine] = useState<number | null>(null);
  useEffect(() => {
    if (focusLine === null) return;
    document
      .querySelector<HTMLElement>(`[data-field="lines.${focusLine}.quantity"] input`)
      ?.focus();
    setFocusLine(null);
  }, [focusLine, rows]);
  const set = (key: string, change: Partial<EditRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));

  const pick = (row: CatalogRow) => {
    const at = rows.findIndex((r) => r.variantId === row.variantId);
    setPicking(false);
    if (at >= 0) {
      setFocusLine(at);
      return;
    }
    onChange([
      ...rows,
      {
        key: `new-${row.variantId}`,
        variantId: row.variantId,
        sku: row.sku,
        name: row.name,
        supplierCode: null,
        packSize: null,
        quantity: '',
        price: '',
      },
    ]);
    setFocusLine(rows.length);
  };

  const stopPicking = () => {
    setPicking(false);
    focusSoon('[data-add-line]');
  };

  const columns = 6;
  return (
    <>
      <div className="table-wrap">
        <table className="table compact" aria-label={t('lines.table')} data-testid="po-lines">
          <thead>
            <tr>
              <th scope="col">{t('col.item')}</th>
              <th scope="col">{t('col.supplierCode')}</th>
              <th scope="col" className="num">
                {t('col.quantity')}
              </th>
              <th scope="col" className="num">
                {t('col.priceIn', { currency })}
              </th>
              <th scope="col" className="num">
                {t('col.lineTotal')}
              </th>
              <th scope="col">{t('col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns} className="empty">
                  {t('lines.none')}
                </td>
              </tr>
            )}
            {rows.map((r, i) => {
              const q = whole(r.quantity);
              const listPrice = listPrices.get(r.variantId);
              const p =
                r.price.trim() === '' ? (listPrice ?? NaN) : typedMoneyIn(r.price, currency);
              const more = extra?.(r, columns);
              return (
                <Fragment key={r.key}>
                  <tr data-sku={r.sku} data-line-key={r.key}>
                    <td>
                      <ItemName sku={r.sku} name={r.name} />
                      <FieldError error={error} name={`lines.${i}.variantId`} />
                    </td>
                    <td>{r.supplierCode ?? '—'}</td>
                    <td className="num">
                      <QuantityField
                        label={t('lines.quantityOf', { sku: r.sku })}
                        name={`lines.${i}.quantity`}
                        error={error}
                        value={r.quantity}
                        onChange={(quantity) => set(r.key, { quantity })}
                      />
                      {(r.packSize ?? 1) > 1 && (
                        <div className="muted small">
                          {t('lines.packOf', { pack: count(r.packSize ?? 1) })}
                        </div>
                      )}
                    </td>
                    <td className="num">
                      <TextField
                        label={t('lines.priceOf', { sku: r.sku })}
                        hideLabel
                        name={`lines.${i}.price`}
                        error={error}
                        inputMode="decimal"
                        autoComplete="off"
                        inputClassName="qty-input"
                        placeholder={
                          listPrice === undefined
                            ? t('lines.noListPrice')
                            : amountText(listPrice, currency)
                        }
                        value={r.price}
                        onChange={(price) => set(r.key, { price })}
                      />
                    </td>
                    <td className="num">
                      {Number.isSafeInteger(q) && Number.isSafeInteger(p)
                        ? moneyIn(q * p, currency)
                        : '—'}
                    </td>
                    <td className="actions">
                      {more?.buttons}{' '}
                      <button
                        type="button"
                        className="btn small"
                        onClick={() => {
                          onChange(rows.filter((x) => x.key !== r.key));
                          // The row and its button go: the keyboard waits at "Add a line".
                          focusSoon('[data-add-line]');
                        }}
                      >
                        {t('lines.remove', { sku: r.sku })}
                      </button>
                    </td>
                  </tr>
                  {more?.below}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <FieldError error={error} name="lines" />
      {picking ? (
        <EditPanel title={t('lines.addTitle')} onCancel={stopPicking}>
          <h3>{t('lines.addTitle')}</h3>
          <ProductPicker onPick={pick} />
          <button type="button" className="btn" onClick={stopPicking}>
            {t('cancel')} <kbd>Esc</kbd>
          </button>
        </EditPanel>
      ) : (
        <div className="form-actions">
          <button type="button" className="btn" data-add-line onClick={() => setPicking(true)}>
            {t('lines.add')}
          </button>
        </div>
      )}
    </>
  );
}
