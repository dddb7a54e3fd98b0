// Purchase orders as a list: number (a draft has none yet), supplier, branch, status, total in the
// supplier's currency and how long ago it was made. Enter on the number opens it.
import type { OutputOf } from '../../client';
import { ago } from '../../format';
import { useT } from '../../i18n';
import { moneyIn, statusWord } from './shared';

export type OrderRow = OutputOf<'purchases.list'>[number];

export function OrdersTable({
  rows,
  loading,
  onOpen,
  showBranch = true,
}: {
  rows: readonly OrderRow[] | undefined;
  loading: boolean;
  onOpen(row: OrderRow): void;
  showBranch?: boolean;
}) {
  const t = useT('purchasing');
  const columns = showBranch ? 6 : 5;
  return (
    <div className="table-wrap">
      <table
        className="table compact"
        aria-label={t('orders.table')}
        data-state={loading ? 'loading' : 'ready'}
      >
        <thead>
          <tr>
            <th scope="col">{t('col.number')}</th>
            <th scope="col">{t('col.supplier')}</th>
            {showBranch && <th scope="col">{t('col.branch')}</th>}
            <th scope="col">{t('col.status')}</th>
            <th scope="col" className="num">
              {t('col.total')}
            </th>
            <th scope="col">{t('col.age')}</th>
          </tr>
        </thead>
        <tbody>
          {!loading && rows?.length === 0 && (
            <tr>
              <td colSpan={columns} className="empty">
                {t('orders.none')}
              </td>
            </tr>
          )}
          {rows?.map((o) => (
            <tr key={o.id} data-po={o.id} data-status={o.status}>
              <td>
                <button type="button" className="link" data-open-po onClick={() => onOpen(o)}>
                  {o.number ?? t('orders.draftNumber', { n: o.lineCount })}
                </button>
              </td>
              <td>{o.supplierName}</td>
              {showBranch && <td>{o.branchCode}</td>}
              <td data-col="status">{statusWord(t, o.status)}</td>
              <td className="num">{moneyIn(o.total, o.currencyCode)}</td>
              <td>{ago(o.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
