// Customers' orders (issue 16, decision 0034): a sales rep's first screen, and a clerk's list of
// the branch's. F2 takes a new order (choose the customer, scan the goods, Ctrl+Enter places it);
// a held order says at once why it waits. The list opens each order to confirm, approve, cancel,
// take goods back or record the customer's payment. A rep sees their commission above the list.
import { useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { ListTable } from '../../components/ListTable';
import { SelectField } from '../../components/Field';
import { useListViews } from '../../components/list-views';
import { count, dateTime, money } from '../../format';
import { useT } from '../../i18n';
import { customerOrderStatuses, type CustomerOrderStatus } from '../../../../core/vocabulary';
import { OrderPanel } from './OrderPanel';
import { Holds, OrderStatus } from './shared';
import { TakeOrder, type Placed } from './TakeOrder';

type View = { kind: 'list' } | { kind: 'take' } | { kind: 'order'; orderId: string };

/** What the rep has earned: the rate, the orders delivered and paid, the amount. */
function Commission() {
  const t = useT('field');
  const client = useClient();
  const mine = useQuery(() => client.call('field.commission', {}), []);
  const c = mine.data?.[0];
  if (mine.error) return <ErrorBanner error={mine.error} />;
  if (!c) return null;
  return (
    <section className="panel commission" aria-label={t('commission.title')}>
      <h2>{t('commission.title')}</h2>
      <dl className="facts" data-testid="commission">
        <dt>{t('commission.rate')}</dt>
        <dd data-fact="rate">{t('commission.rateCell', { rate: (c.rateBp / 100).toFixed(2) })}</dd>
        <dt>{t('commission.delivered')}</dt>
        <dd data-fact="delivered">
          {t('commission.ordersCell', {
            n: count(c.deliveredOrders),
            value: money(c.deliveredValue),
          })}
        </dd>
        <dt>{t('commission.paid')}</dt>
        <dd data-fact="paid">
          {t('commission.ordersCell', { n: count(c.paidOrders), value: money(c.paidValue) })}
        </dd>
        <dt>{t('commission.amount')}</dt>
        <dd data-fact="commission" className="strong">
          {money(c.commission)}
        </dd>
      </dl>
    </section>
  );
}

/** The notice after an order is placed: open, or held and exactly why. */
function PlacedNotice({ placed, onOpen }: { placed: Placed; onOpen(): void }) {
  const t = useT('field');
  const held = placed.status === 'held';
  return (
    <Notice kind={held ? 'warning' : 'success'}>
      <span data-testid="placed">
        {t(held ? 'placed.held' : 'placed.open', {
          number: placed.number,
          name: placed.customer,
          total: money(placed.total),
        })}
      </span>
      {held && (
        <ul data-testid="hold-reasons">
          {placed.holds.includes('credit') && (
            <li data-hold="credit">
              {placed.over > 0
                ? t('placed.overBy', { amount: money(placed.over) })
                : t('hold.credit')}
            </li>
          )}
          {placed.holds.includes('stock') && (
            <li data-hold="stock">
              {placed.short.length > 0
                ? t('placed.shortOn', { skus: placed.short.join(', ') })
                : t('hold.stock')}
            </li>
          )}
        </ul>
      )}
      {held && <span>{t('placed.waits')} </span>}
      <button type="button" className="btn" data-placed-open onClick={onOpen}>
        {t('placed.openIt', { number: placed.number })}
      </button>
    </Notice>
  );
}

export function FieldOrders() {
  const t = useT('field');
  const client = useClient();
  const user = useUser();
  const { view, setView, open, back } = useListViews<View>({ kind: 'list' }, '.field-orders h1');
  const [status, setStatus] = useState<CustomerOrderStatus | ''>('');
  const [tick, setTick] = useState(0);
  const [placed, setPlaced] = useState<Placed | null>(null);
  const list = useQuery(
    () => client.call('field.orders', { ...(status && { status }), limit: 200 }),
    [status, tick],
  );
  const rows = list.data ?? [];
  const isRep = user.role === 'sales_rep';

  const openOrder = (orderId: string) => open({ kind: 'order', orderId });
  const backToList = () => {
    back();
    setTick((n) => n + 1);
  };
  const take = () => {
    setPlaced(null);
    open({ kind: 'take' });
  };

  return (
    <div
      className="screen field-orders"
      onKeyDown={(e) => {
        if (e.key === 'F2' && view.kind === 'list' && !e.defaultPrevented) {
          e.preventDefault();
          take();
        }
      }}
    >
      {/* An open order is a page of its own, with its own heading. */}
      {view.kind !== 'order' && (
        <header className="screen-head row">
          <div>
            <h1 tabIndex={-1}>{t('title')}</h1>
            <p className="muted">{t(isRep ? 'introRep' : 'intro')}</p>
          </div>
          <span className="grow" />
          {view.kind === 'list' && (
            <button type="button" className="btn primary" onClick={take}>
              {t('newOrder')} <kbd>F2</kbd>
            </button>
          )}
        </header>
      )}
      {placed && view.kind === 'list' && (
        <PlacedNotice placed={placed} onOpen={() => openOrder(placed.orderId)} />
      )}
      {view.kind === 'take' && (
        <TakeOrder
          onCancel={backToList}
          onPlaced={(p) => {
            // The notice says what happened; the focus goes to its button to open the order.
            setPlaced(p);
            setView({ kind: 'list' });
            setTick((n) => n + 1);
            setTimeout(() => document.querySelector<HTMLElement>('[data-placed-open]')?.focus(), 0);
          }}
        />
      )}
      {view.kind === 'order' && (
        <OrderPanel
          key={view.orderId}
          orderId={view.orderId}
          onBack={backToList}
          onChanged={() => setTick((n) => n + 1)}
        />
      )}
      <div hidden={view.kind !== 'list'}>
        {isRep && <Commission />}
        <div className="toolbar">
          <SelectField
            label={t('filter.status')}
            name="status"
            error={undefined}
            none={t('filter.all')}
            choices={customerOrderStatuses.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            value={status}
            onChange={(v) => setStatus(v as CustomerOrderStatus | '')}
          />
        </div>
        <ErrorBanner error={list.error} />
        <ListTable
          label={t('table')}
          columns={[
            { label: t('col.number') },
            { label: t('col.customer') },
            { label: t('col.status') },
            { label: t('col.holds') },
            { label: t('col.total'), num: true },
            { label: t('col.placed') },
          ]}
          loading={list.loading}
          count={rows.length}
          empty={t('empty')}
        >
          {rows.map((o) => (
            <tr key={o.id} data-order={o.number} data-status={o.status}>
              <td>
                <button type="button" className="link" onClick={() => openOrder(o.id)}>
                  {o.number}
                </button>
              </td>
              <td>{o.customerName ?? '—'}</td>
              <td>
                <OrderStatus status={o.status} />
              </td>
              <td>{o.status === 'held' ? <Holds holds={o.holds} /> : '—'}</td>
              <td className="num">{money(o.total)}</td>
              <td>{dateTime(o.placedAt)}</td>
            </tr>
          ))}
        </ListTable>
      </div>
    </div>
  );
}
