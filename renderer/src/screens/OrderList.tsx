// Orders, newest first, a page at a time from the database: a shop's own orders, the
// factory's queue, or every order at head office. Filters run in SQL, never in the page.
import { useState } from 'react';
import { useClient, useNav, useQuery } from '../app-context';
import type { OrderStatus } from '../client';
import { ErrorBanner } from '../components/Banner';
import { Field, TextField } from '../components/Field';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { count, dateTime, isOrderStatus, money, orderStatuses, statusShort } from '../format';

interface OrderListProps {
  title: string;
  intro: string;
  initialStatus?: OrderStatus;
  showShop?: boolean;
}

export function OrderList({ title, intro, initialStatus, showShop = true }: OrderListProps) {
  const client = useClient();
  const nav = useNav();
  const [status, setStatus] = useState<OrderStatus | ''>(initialStatus ?? '');
  const [number, setNumber] = useState('');
  const [offset, setOffset] = useState(0);
  const orders = useQuery(
    () =>
      client.call('orders.list', {
        ...(status && { status }),
        ...(number.trim() ? { number: number.trim() } : {}),
        limit: PAGE_SIZE + 1,
        offset,
      }),
    [status, number, offset, nav.refresh],
  );
  const rows = (orders.data ?? []).slice(0, PAGE_SIZE);

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{title}</h1>
        <p className="muted">{intro}</p>
      </header>
      <div className="toolbar">
        <Field label="Status" name="status" error={undefined}>
          {(p) => (
            <select
              {...p}
              value={status}
              onChange={(e) => {
                const v = e.target.value;
                setStatus(isOrderStatus(v) ? v : '');
                setOffset(0);
              }}
            >
              <option value="">All statuses</option>
              {orderStatuses.map((s) => (
                <option key={s} value={s}>
                  {statusShort[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label="Order number starts with ( / )"
          name="number"
          error={orders.error}
          type="search"
          data-search
          autoComplete="off"
          placeholder="e.g. SH01-1-0001"
          value={number}
          onChange={(value) => {
            setNumber(value);
            setOffset(0);
          }}
        />
        <span className="grow" />
        <Pager
          offset={offset}
          shown={rows.length}
          hasMore={(orders.data?.length ?? 0) > PAGE_SIZE}
          onOffset={setOffset}
          noun="orders"
        />
      </div>
      <ErrorBanner error={orders.error} shown={['number']} />
      <table
        className="table orders"
        data-state={orders.loading ? 'loading' : 'ready'}
        data-filter={status || 'all'}
        aria-busy={orders.loading}
      >
        <thead>
          <tr>
            <th>Order</th>
            {showShop && <th>Shop</th>}
            <th>Status</th>
            <th className="num">Lines</th>
            <th className="num">Total</th>
            <th>Placed</th>
            <th>Last change</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && !orders.loading && (
            <tr>
              <td colSpan={7} className="empty">
                No orders{status ? ` with status “${statusShort[status]}”` : ''}.
              </td>
            </tr>
          )}
          {rows.map((o) => (
            <tr
              key={o.id}
              data-status={o.status}
              onClick={() => nav.openOrder(o.id)}
              className="clickable"
            >
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={(e) => {
                    e.stopPropagation();
                    nav.openOrder(o.id);
                  }}
                >
                  {o.number}
                </button>
              </td>
              {showShop && <td>{o.shopName}</td>}
              <td>
                <StatusBadge status={o.status} />
              </td>
              <td className="num">{count(o.lineCount)}</td>
              <td className="num">{money(o.total)}</td>
              <td>{dateTime(o.placedAt)}</td>
              <td>{dateTime(o.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
