// A purchase order's lines as read (SKU, name, supplier code, quantity in units and packs, price,
// line total, received); a draft's are changed in DraftEditor. A line the nightly run suggested has
// a "Why" button that opens its reasons in the row below.
import { Fragment, useState } from 'react';
import type { OutputOf } from '../../client';
import { ItemName } from '../../components/Field';
import { count } from '../../format';
import { useT } from '../../i18n';
import { moneyIn } from './shared';
import { WhyDetails } from './WhyDetails';

export type Order = OutputOf<'purchases.get'>;
export type Line = Order['lines'][number];

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

export function WhyButton({
  line,
  open,
  onToggle,
}: {
  line: Line;
  open: boolean;
  onToggle(): void;
}) {
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

export function WhyRow({ order, line, columns }: { order: Order; line: Line; columns: number }) {
  return (
    <tr id={`why-${line.lineNo}`} className="why-row">
      <td colSpan={columns}>
        <WhyDetails why={line.why} branchId={order.branchId} variantId={line.variantId} />
      </td>
    </tr>
  );
}

export function useOpenWhys() {
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
              {whys.open.has(l.lineNo) && <WhyRow order={order} line={l} columns={7} />}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
