// A posted (or reversed) invoice as it was posted: the supplier, number, date, order and totals,
// each line with the product it was booked to, its price and what that came to in the company's
// currency, and the supplier's price before. Posting moved the products' costs and the supplier's
// prices; a reversal moved them back.
import { Notice } from '../../components/Banner';
import { ItemName } from '../../components/Field';
import { companyCurrency, count, date, dateTime, money } from '../../format';
import { useT } from '../../i18n';
import { moneyIn } from '../purchasing/shared';
import type { Found } from './form';

export function Posted({ found }: { found: Found }) {
  const t = useT('invoices');
  const inv = found.invoice;
  const code = inv.currencyCode ?? companyCurrency().code;
  const amount = (minor: number | null) => (minor === null ? '—' : moneyIn(minor, code));
  return (
    <section className="panel" aria-labelledby="posted-title" data-testid="posted">
      <h2 id="posted-title">
        {inv.kind === 'credit' ? t('posted.creditTitle') : t('posted.title')}
      </h2>
      {inv.status === 'posted' && (
        <Notice kind="info">
          <span data-testid="posted-note">
            {inv.kind === 'credit' ? t('posted.creditNote') : t('posted.note')}
          </span>
        </Notice>
      )}
      {inv.status === 'reversed' && (
        <Notice kind="warning">
          <span data-testid="reversed-note">
            {t('posted.reversed', {
              at: inv.reversedAt !== null ? dateTime(inv.reversedAt) : '—',
              reason: inv.reverseReason ?? '',
            })}
          </span>
        </Notice>
      )}
      <dl className="facts">
        <dt>{t('form.supplier')}</dt>
        <dd data-fact="supplier">{inv.supplierName ?? '—'}</dd>
        <dt>{t('form.number')}</dt>
        <dd data-fact="number">{inv.number ?? '—'}</dd>
        <dt>{t('form.date')}</dt>
        <dd>{inv.invoiceDate ? date(inv.invoiceDate) : '—'}</dd>
        {inv.orderNumber && (
          <>
            <dt>{t('form.order')}</dt>
            <dd>{inv.orderNumber}</dd>
          </>
        )}
        <dt>{t('form.subtotal')}</dt>
        <dd>{amount(inv.subtotal)}</dd>
        <dt>{t('form.tax')}</dt>
        <dd>{amount(inv.tax)}</dd>
        <dt>{t('form.total')}</dt>
        <dd data-fact="posted-total">
          {amount(inv.total)}
          {inv.rate !== null && inv.totalCompany !== null && (
            <span className="muted">
              {' '}
              {t('posted.inCompany', { amount: money(inv.totalCompany), rate: inv.rate })}
            </span>
          )}
        </dd>
        {inv.postedAt !== null && (
          <>
            <dt>{t('posted.at')}</dt>
            <dd>
              {dateTime(inv.postedAt)}
              {inv.postedByName && ` · ${inv.postedByName}`}
            </dd>
          </>
        )}
      </dl>
      <div className="table-wrap">
        <table className="table compact" aria-label={t('line.title')} data-testid="posted-lines">
          <thead>
            <tr>
              <th scope="col">{t('line.what')}</th>
              <th scope="col" className="num">
                {t('line.quantity')}
              </th>
              <th scope="col" className="num">
                {t('line.unitPrice')}
              </th>
              <th scope="col" className="num">
                {t('line.amount')}
              </th>
              <th scope="col" className="num">
                {t('posted.unitCost')}
              </th>
              <th scope="col" className="num">
                {t('posted.priceBefore')}
              </th>
            </tr>
          </thead>
          <tbody>
            {found.lines.map((l) => (
              <tr key={l.lineNo} data-sku={l.sku ?? ''}>
                <td>
                  <ItemName
                    sku={l.sku ?? t('posted.notProduct')}
                    name={[l.supplierCode, l.description].filter(Boolean).join(' · ')}
                  />
                </td>
                <td className="num">{count(l.quantity)}</td>
                <td className="num" data-col="unitPrice">
                  {amount(l.unitPrice)}
                </td>
                <td className="num">{amount(l.amount)}</td>
                <td className="num">{money(l.unitCostCompany)}</td>
                <td className="num">{l.priceBefore === null ? '—' : amount(l.priceBefore)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
