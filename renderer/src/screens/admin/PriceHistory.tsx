// A variant's price and cost over time, who changed them and the margin each left, newest first.
// Opened from a row of Products; the history keeps every edit, also ones a later edit outranks.
import { useClient, useQuery } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { dateTime, money } from '../../format';
import { useT } from '../../i18n';

export function PriceHistory(props: { variantId: string; sku: string; onClose(): void }) {
  const t = useT('admin');
  const client = useClient();
  const history = useQuery(
    () => client.call('catalog.priceHistory', { variantId: props.variantId }),
    [props.variantId],
  );
  // Each change may set only the price or only the cost; the other is the one in force then.
  let price: number | null = null;
  let cost: number | null = null;
  const rows = (history.data ?? [])
    .map((h) => {
      price = h.price ?? price;
      cost = h.cost ?? cost;
      return { ...h, price, cost };
    })
    .reverse();

  return (
    <section className="panel" aria-labelledby={`history-${props.variantId}`}>
      <div className="row">
        <h2 id={`history-${props.variantId}`}>{t('history.title', { sku: props.sku })}</h2>
        <span className="grow" />
        <button type="button" className="btn small" onClick={props.onClose}>
          {t('close')}
        </button>
      </div>
      <ErrorBanner error={history.error} />
      {history.data && rows.length === 0 && <p className="muted">{t('history.empty')}</p>}
      {rows.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('history.when')}</th>
              <th className="num">{t('products.price')}</th>
              <th className="num">{t('products.cost')}</th>
              <th className="num">{t('products.margin')}</th>
              <th>{t('history.by')}</th>
              <th>{t('history.confirmed')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((h, i) => (
              <tr key={`${h.changedAt}-${i}`}>
                <td>{dateTime(h.changedAt)}</td>
                <td className="num">{h.price === null ? '—' : money(h.price)}</td>
                <td className="num">{h.cost === null ? '—' : money(h.cost)}</td>
                <td
                  className={`num ${h.price !== null && h.cost !== null && h.price <= h.cost ? 'negative' : ''}`}
                >
                  {h.price === null || h.cost === null
                    ? '—'
                    : `${money(h.price - h.cost)}${h.price > 0 ? ` (${(((h.price - h.cost) * 100) / h.price).toFixed(1)}%)` : ''}`}
                </td>
                <td>{h.userName ?? h.userId}</td>
                <td>{h.belowCostConfirmedBy ? t('history.belowCost') : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
