// Finance: orders whose payment slip waits to be checked, the slip shown large beside them,
// verified or rejected without leaving the screen.
import { useState } from 'react';
import { useClient, useNav, useQuery } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { SlipView } from '../components/SlipView';
import { count, dateTime, money } from '../format';
import { useT } from '../i18n';
import { PaymentReview } from './order/PaymentReview';

export function Payments() {
  const client = useClient();
  const t = useT('orders');
  const nav = useNav();
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const list = useQuery(
    () => client.call('orders.list', { status: 'slip_attached', limit: PAGE_SIZE + 1, offset }),
    [offset, nav.refresh],
  );
  const rows = (list.data ?? []).slice(0, PAGE_SIZE);
  const current = rows.find((r) => r.id === selected) ?? rows[0];

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('payments.title')}</h1>
        <p className="muted">{t('payments.intro')}</p>
      </header>
      <ErrorBanner error={list.error} />
      {done && <Notice kind="success">{done}</Notice>}
      <div className="split wide-right">
        <section className="panel" aria-label={t('payments.waiting')}>
          <Pager
            offset={offset}
            shown={rows.length}
            hasMore={(list.data?.length ?? 0) > PAGE_SIZE}
            onOffset={setOffset}
            noun={t('list.noun')}
          />
          <ul className="pick-list">
            {rows.length === 0 && !list.loading && <li className="empty">{t('payments.empty')}</li>}
            {rows.map((o) => (
              <li key={o.id}>
                <button
                  type="button"
                  className={o.id === current?.id ? 'pick active' : 'pick'}
                  aria-current={o.id === current?.id}
                  onClick={() => setSelected(o.id)}
                >
                  <span className="strong">{o.number}</span>
                  <span>{o.shopName}</span>
                  <span className="num">{money(o.total ?? 0)}</span>
                  <span className="muted">{dateTime(o.updatedAt)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        {current && (
          <section
            className="panel"
            aria-label={t('payments.paymentOf', { number: current.number })}
          >
            <header className="panel-head row">
              <h2>{t('payments.heading', { number: current.number, shop: current.shopName })}</h2>
              <span className="grow" />
              <span className="amount">
                {t('payments.total')} <strong>{money(current.total ?? 0)}</strong> ·{' '}
                {count(current.lineCount)}{' '}
                {current.lineCount === 1 ? t('payments.line') : t('payments.lines')}
              </span>
              <button type="button" className="btn" onClick={() => nav.openOrder(current.id)}>
                {t('payments.open')}
              </button>
            </header>
            <SlipView key={current.id} orderId={current.id} />
            <PaymentReview
              key={`review-${current.id}`}
              orderId={current.id}
              total={current.total ?? 0}
              paid={current.paid ?? 0}
              onDone={() => {
                setDone(t('payments.done', { number: current.number }));
                setSelected(null);
                list.reload();
              }}
            />
          </section>
        )}
      </div>
    </div>
  );
}
