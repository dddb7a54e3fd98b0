// Finance: orders whose payment slip waits to be checked, the slip shown large beside them,
// verified or rejected without leaving the screen.
import { useState } from 'react';
import { useClient, useNav, useQuery } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { SlipView } from '../components/SlipView';
import { count, dateTime, money } from '../format';
import { PaymentReview } from './order/PaymentReview';

export function Payments() {
  const client = useClient();
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
        <h1>Payments waiting</h1>
        <p className="muted">Check each slip against the order total, then verify or reject it.</p>
      </header>
      <ErrorBanner error={list.error} />
      {done && <Notice kind="success">{done}</Notice>}
      <div className="split wide-right">
        <section className="panel" aria-label="Orders waiting for verification">
          <Pager
            offset={offset}
            shown={rows.length}
            hasMore={(list.data?.length ?? 0) > PAGE_SIZE}
            onOffset={setOffset}
            noun="orders"
          />
          <ul className="pick-list">
            {rows.length === 0 && !list.loading && (
              <li className="empty">No payments are waiting. Well done.</li>
            )}
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
                  <span className="num">{money(o.total)}</span>
                  <span className="muted">{dateTime(o.updatedAt)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        {current && (
          <section className="panel" aria-label={`Payment of order ${current.number}`}>
            <header className="panel-head row">
              <h2>
                Order {current.number} · {current.shopName}
              </h2>
              <span className="grow" />
              <span className="amount">
                Total <strong>{money(current.total)}</strong> · {count(current.lineCount)}{' '}
                {current.lineCount === 1 ? 'line' : 'lines'}
              </span>
              <button type="button" className="btn" onClick={() => nav.openOrder(current.id)}>
                Open order
              </button>
            </header>
            <SlipView key={current.id} orderId={current.id} />
            <PaymentReview
              key={`review-${current.id}`}
              orderId={current.id}
              onDone={() => {
                setDone(`Order ${current.number}: done.`);
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
