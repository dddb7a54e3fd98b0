// What has come in against an order, receipt by receipt: when, who took it in, which line, how many
// units were good, how many were refused and why. Nothing is shown before the first receipt.
import { ItemName } from '../../components/Field';
import { count, dateTime } from '../../format';
import { useT } from '../../i18n';
import type { Order } from './OrderLines';

export function Receipts({ order }: { order: Order }) {
  const t = useT('purchasing');
  if (order.receipts.length === 0) return null;
  const lineOf = new Map(order.lines.map((l) => [l.lineNo, l]));
  return (
    <section className="panel" aria-labelledby="po-receipts-title">
      <h2 id="po-receipts-title">{t('receipts.title')}</h2>
      <div className="table-wrap">
        <table className="table compact" aria-label={t('receipts.title')} data-testid="receipts">
          <thead>
            <tr>
              <th scope="col">{t('receipts.at')}</th>
              <th scope="col">{t('col.item')}</th>
              <th scope="col" className="num">
                {t('col.good')}
              </th>
              <th scope="col" className="num">
                {t('col.rejected')}
              </th>
              <th scope="col">{t('col.reason')}</th>
              <th scope="col">{t('receipts.by')}</th>
            </tr>
          </thead>
          <tbody>
            {order.receipts.map((r, i) => {
              const line = lineOf.get(r.lineNo);
              return (
                <tr key={i} data-receipt-line={r.lineNo} data-sku={line?.sku ?? ''}>
                  <td>{dateTime(r.at)}</td>
                  <td>
                    {line ? (
                      <ItemName sku={line.sku} name={line.name} />
                    ) : (
                      t('receipts.line', { n: r.lineNo })
                    )}
                  </td>
                  <td className="num" data-col="good">
                    {count(r.quantity)}
                  </td>
                  <td className="num" data-col="rejected">
                    {count(r.rejected)}
                  </td>
                  <td data-col="reason">{r.note ?? '—'}</td>
                  <td>{r.by ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
