// The invoice against the purchase order it names, as read: per product what was ordered at what
// price, what the branch received and what the supplier bills, with the differences; or why no
// order could be compared (none named, none found, another supplier's).
import type { OutputOf } from '../../client';
import { Notice } from '../../components/Banner';
import { ItemName } from '../../components/Field';
import { count } from '../../format';
import { useT } from '../../i18n';
import { moneyIn } from '../purchasing/shared';

type Comparison = NonNullable<OutputOf<'invoices.get'>['proposal']>['order'];

const signed = (n: number, text: string) => (n > 0 ? `+${text}` : text);

export function OrderCompare({ order, currencyCode }: { order: Comparison; currencyCode: string }) {
  const t = useT('invoices');
  if (!order.found)
    return (
      <section className="invoice-order" aria-labelledby="invoice-order-title">
        <h3 id="invoice-order-title">{t('order.title')}</h3>
        <p className="muted" data-testid="order-why">
          {t(`order.why.${order.why}`)}
        </p>
      </section>
    );
  const code = currencyCode.trim().toUpperCase();
  const price = (minor: number | null) => (minor === null ? '—' : moneyIn(minor, code));
  return (
    <section className="invoice-order" aria-labelledby="invoice-order-title">
      <h3 id="invoice-order-title">{t('order.titleOf', { number: order.number })}</h3>
      {order.unmatched > 0 && (
        <Notice kind="warning">{t('order.unmatched', { n: order.unmatched })}</Notice>
      )}
      <div className="table-wrap">
        <table className="table compact" aria-label={t('order.table')} data-testid="order-compare">
          <thead>
            <tr>
              <th scope="col">{t('order.item')}</th>
              <th scope="col" className="num">
                {t('order.ordered')}
              </th>
              <th scope="col" className="num">
                {t('order.received')}
              </th>
              <th scope="col" className="num">
                {t('order.invoiced')}
              </th>
              <th scope="col" className="num">
                {t('order.orderedPrice')}
              </th>
              <th scope="col" className="num">
                {t('order.invoicedPrice')}
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((l) => (
              <tr key={l.variantId} data-sku={l.sku}>
                <td>
                  <ItemName sku={l.sku} name={l.name} />
                </td>
                <td className="num">{count(l.ordered)}</td>
                <td className="num">{count(l.received)}</td>
                <td className="num">
                  {count(l.invoiced)}
                  {l.receivedDiff !== 0 && (
                    <div className={`small ${l.receivedDiff > 0 ? 'negative' : 'muted'}`}>
                      {t('order.vsReceived', { n: signed(l.receivedDiff, count(l.receivedDiff)) })}
                    </div>
                  )}
                </td>
                <td className="num">{price(l.orderedPrice)}</td>
                <td className="num">
                  {price(l.invoicedPrice)}
                  {l.priceDiff !== null && l.priceDiff !== 0 && (
                    <div className={`small ${l.priceDiff > 0 ? 'negative' : 'muted'}`}>
                      {signed(l.priceDiff, price(l.priceDiff))}
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
