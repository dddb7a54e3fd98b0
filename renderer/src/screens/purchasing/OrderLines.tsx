// A purchase order's lines: read (SKU, name, supplier code, quantity in units and packs, price,
// line total, received), or, while it is a draft, changed (quantities, prices, the supplier and
// its rate) and saved as a revision. A line the nightly run suggested has a "Why" button that
// opens its reasons in the row below.
import { Fragment, useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { Field, ItemName, QuantityField, TextField } from '../../components/Field';
import { companyCurrency, count } from '../../format';
import { useT } from '../../i18n';
import { amountText, focusSoon, moneyIn, typedMoneyIn, whole } from './shared';
import { WhyDetails } from './WhyDetails';

export type Order = OutputOf<'purchases.get'>;
type Line = Order['lines'][number];

/** "24 = 2 packs of 12", or the units alone when the item comes singly. */
function Quantity({ line }: { line: Line }) {
  const t = useT('purchasing');
  const pack = line.packSize ?? 1;
  return (
    <>
      {count(line.quantity)}
      {pack > 1 && (
        <div className="muted small">
          {line.quantity % pack === 0
            ? t('lines.packs', { n: count(line.quantity / pack), pack: count(pack) })
            : t('lines.packsPart', { n: (line.quantity / pack).toFixed(1), pack: count(pack) })}
        </div>
      )}
    </>
  );
}

function WhyButton({ line, open, onToggle }: { line: Line; open: boolean; onToggle(): void }) {
  const t = useT('purchasing');
  if (line.why === null) return null;
  return (
    <button
      type="button"
      className="btn small"
      aria-expanded={open}
      aria-controls={`why-${line.lineNo}`}
      data-why-line={line.lineNo}
      onClick={onToggle}
    >
      {t('lines.why', { sku: line.sku })}
    </button>
  );
}

function WhyRow({ line, columns }: { line: Line; columns: number }) {
  return (
    <tr id={`why-${line.lineNo}`} className="why-row">
      <td colSpan={columns}>
        <WhyDetails why={line.why} />
      </td>
    </tr>
  );
}

function useOpenWhys() {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (lineNo: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(lineNo)) next.delete(lineNo);
      else next.add(lineNo);
      return next;
    });
  return { open, toggle };
}

export function ReadLines({ order }: { order: Order }) {
  const t = useT('purchasing');
  const whys = useOpenWhys();
  return (
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
              {t('col.price')}
            </th>
            <th scope="col" className="num">
              {t('col.lineTotal')}
            </th>
            <th scope="col" className="num">
              {t('col.received')}
            </th>
            <th scope="col">{t('col.why')}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l) => (
            <Fragment key={l.lineNo}>
              <tr data-sku={l.sku} data-line={l.lineNo}>
                <td>
                  <ItemName sku={l.sku} name={l.name} />
                </td>
                <td>{l.supplierCode ?? '—'}</td>
                <td className="num" data-col="quantity">
                  <Quantity line={l} />
                </td>
                <td className="num">{moneyIn(l.price, order.currencyCode)}</td>
                <td className="num">{moneyIn(l.lineTotal, order.currencyCode)}</td>
                <td className="num" data-col="received">
                  {count(l.received)}
                </td>
                <td>
                  <WhyButton
                    line={l}
                    open={whys.open.has(l.lineNo)}
                    onToggle={() => whys.toggle(l.lineNo)}
                  />
                </td>
              </tr>
              {whys.open.has(l.lineNo) && <WhyRow line={l} columns={7} />}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface Row {
  line: Line;
  quantity: string;
  /** Empty: the supplier's list price. */
  price: string;
  removed: boolean;
}

/** A draft's lines, supplier, rate and note, changed and saved as a revision (Enter saves). */
export function DraftEditor({ order, onSaved }: { order: Order; onSaved(): void }) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const whys = useOpenWhys();
  const suppliers = useQuery(() => client.call('suppliers.list', {}), []);
  const [supplierId, setSupplierId] = useState(order.supplierId);
  const [rate, setRate] = useState(order.rate ?? '');
  const [note, setNote] = useState(order.note ?? '');
  const [rows, setRows] = useState<Row[]>(() =>
    order.lines.map((line) => ({
      line,
      quantity: String(line.quantity),
      price: amountText(line.price, order.currencyCode),
      removed: false,
    })),
  );
  const supplier = suppliers.data?.find((s) => s.id === supplierId);
  const currency = supplier?.currencyCode ?? order.currencyCode;
  const kept = rows.filter((r) => !r.removed);
  const setRow = (lineNo: number, change: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.line.lineNo === lineNo ? { ...r, ...change } : r)));

  const chooseSupplier = (id: string) => {
    setSupplierId(id);
    // Another supplier's prices come from its own list, in its own currency.
    setRows((rs) => rs.map((r) => ({ ...r, price: id === order.supplierId ? r.price : '' })));
  };

  const save = async () => {
    const done = await action.run(() =>
      client.call('purchases.revise', {
        id: order.id,
        ...(supplierId !== order.supplierId && { supplierId }),
        ...(currency !== companyCurrency().code && rate.trim() && { rate: rate.trim() }),
        note,
        lines: kept.map((r) => ({
          variantId: r.line.variantId,
          quantity: whole(r.quantity),
          ...(r.price.trim() !== '' && { price: typedMoneyIn(r.price, currency) }),
        })),
      }),
    );
    if (done) onSaved();
  };

  const fields = [
    'supplierId',
    'rate',
    'note',
    ...kept.flatMap((_, i) => [`lines.${i}.quantity`, `lines.${i}.price`]),
  ];
  return (
    <form
      className="panel"
      aria-label={t('draft.title')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2>{t('draft.title')}</h2>
      <p className="muted">{t('draft.intro')}</p>
      <ErrorBanner error={action.error ?? suppliers.error} shown={fields} />
      <div className="form-grid">
        <Field label={t('draft.supplier')} name="supplierId" error={action.error}>
          {(p) => (
            <select {...p} value={supplierId} onChange={(e) => chooseSupplier(e.target.value)}>
              {!supplier && <option value={order.supplierId}>{order.supplierName}</option>}
              {suppliers.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} · {s.currencyCode}
                </option>
              ))}
            </select>
          )}
        </Field>
        {currency !== companyCurrency().code && (
          <TextField
            label={t('draft.rate', { currency, company: companyCurrency().code })}
            name="rate"
            error={action.error}
            hint={t('draft.rateHint')}
            inputMode="decimal"
            autoComplete="off"
            value={rate}
            onChange={setRate}
          />
        )}
        <TextField
          label={t('draft.note')}
          name="note"
          error={action.error}
          autoComplete="off"
          value={note}
          onChange={setNote}
        />
      </div>
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
            {kept.map((r, i) => {
              const l = r.line;
              const q = whole(r.quantity);
              const p = r.price.trim() === '' ? NaN : typedMoneyIn(r.price, currency);
              return (
                <Fragment key={l.lineNo}>
                  <tr data-sku={l.sku} data-line={l.lineNo}>
                    <td>
                      <ItemName sku={l.sku} name={l.name} />
                    </td>
                    <td>{l.supplierCode ?? '—'}</td>
                    <td className="num">
                      <QuantityField
                        label={t('lines.quantityOf', { sku: l.sku })}
                        name={`lines.${i}.quantity`}
                        error={action.error}
                        value={r.quantity}
                        onChange={(quantity) => setRow(l.lineNo, { quantity })}
                      />
                      {(l.packSize ?? 1) > 1 && (
                        <div className="muted small">
                          {t('lines.packOf', { pack: count(l.packSize ?? 1) })}
                        </div>
                      )}
                    </td>
                    <td className="num">
                      <TextField
                        label={t('lines.priceOf', { sku: l.sku })}
                        hideLabel
                        name={`lines.${i}.price`}
                        error={action.error}
                        inputMode="decimal"
                        autoComplete="off"
                        inputClassName="qty-input"
                        placeholder={t('lines.listPrice')}
                        value={r.price}
                        onChange={(price) => setRow(l.lineNo, { price })}
                      />
                    </td>
                    <td className="num">
                      {Number.isSafeInteger(q) && Number.isSafeInteger(p)
                        ? moneyIn(q * p, currency)
                        : '—'}
                    </td>
                    <td className="actions">
                      <WhyButton
                        line={l}
                        open={whys.open.has(l.lineNo)}
                        onToggle={() => whys.toggle(l.lineNo)}
                      />{' '}
                      <button
                        type="button"
                        className="btn small"
                        onClick={() => {
                          setRow(l.lineNo, { removed: true });
                          // The row and its button go: the keyboard waits at Save.
                          focusSoon('[data-save-draft]');
                        }}
                      >
                        {t('lines.remove', { sku: l.sku })}
                      </button>
                    </td>
                  </tr>
                  {whys.open.has(l.lineNo) && <WhyRow line={l} columns={6} />}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" data-save-draft disabled={action.busy}>
          {t('draft.save')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
