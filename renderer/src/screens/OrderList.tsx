// Orders, newest first, a page at a time from the database: a shop's own orders, the
// factory's queue, or every order at head office. Filters run in SQL, never in the page.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useClient, useNav, useQuery, useUser } from '../app-context';
import type { OrderStatus } from '../client';
import { ErrorBanner } from '../components/Banner';
import { Field, TextField } from '../components/Field';
import { PAGE_SIZE, Pager } from '../components/Pager';
import { StatusBadge } from '../components/StatusBadge';
import { focusIsFree } from '../focus';
import {
  count,
  dateTime,
  isOrderStatus,
  money,
  orderStatuses,
  parseMoney,
  statusShort,
} from '../format';
import { useT } from '../i18n';

interface OrderListProps {
  title: string;
  intro: string;
  initialStatus?: OrderStatus;
  showShop?: boolean;
}

/**
 * The order last opened from a list, and the list's refresh count then: Back (Esc) counts one
 * more, and draws the list anew, without the button that had the focus.
 */
let opened: { orderId: string; refresh: number } | null = null;

/** An amount typed into a filter: empty is no filter, anything else must read as money. */
function amountFilter(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  return parseMoney(text);
}

export function OrderList({ title, intro, initialStatus, showShop = true }: OrderListProps) {
  const client = useClient();
  const nav = useNav();
  const t = useT('orders');
  // A driver sees no totals (the core sends none) and only orders on the road.
  const priced = useUser().role !== 'driver';
  const [status, setStatus] = useState<OrderStatus | ''>(initialStatus ?? '');
  const [number, setNumber] = useState('');
  const [customer, setCustomer] = useState('');
  const [product, setProduct] = useState('');
  const [placedFrom, setPlacedFrom] = useState('');
  const [placedTo, setPlacedTo] = useState('');
  const [minText, setMinText] = useState('');
  const [maxText, setMaxText] = useState('');
  const [offset, setOffset] = useState(0);
  const minTotal = amountFilter(minText);
  const maxTotal = amountFilter(maxText);
  const orders = useQuery(async () => {
    if (minTotal === null)
      throw Object.assign(
        new Error(t('list.badAmount', { field: t('list.minTotal'), text: minText })),
        {
          field: 'minTotal',
        },
      );
    if (maxTotal === null)
      throw Object.assign(
        new Error(t('list.badAmount', { field: t('list.maxTotal'), text: maxText })),
        {
          field: 'maxTotal',
        },
      );
    return client.call('orders.list', {
      ...(status && { status }),
      ...(number.trim() ? { number: number.trim() } : {}),
      ...(customer.trim() ? { customer: customer.trim() } : {}),
      ...(product.trim() ? { product: product.trim() } : {}),
      ...(placedFrom ? { placedFrom } : {}),
      ...(placedTo ? { placedTo } : {}),
      ...(minTotal !== undefined ? { minTotal } : {}),
      ...(maxTotal !== undefined ? { maxTotal } : {}),
      limit: PAGE_SIZE + 1,
      offset,
    });
  }, [
    status,
    number,
    customer,
    product,
    placedFrom,
    placedTo,
    minText,
    maxText,
    offset,
    nav.refresh,
  ]);
  const rows = (orders.data ?? []).slice(0, PAGE_SIZE);
  const open = (orderId: string) => {
    opened = { orderId, refresh: nav.refresh };
    nav.openOrder(orderId);
  };
  // Back from an order: the focus goes to the order just handled, where the clerk left the list,
  // once its row is drawn (the shell may have put it on the heading meanwhile, or nowhere). An
  // order that left this list (dispatched, say) leaves it on the list's heading.
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (orders.loading || !opened) return;
    const back = opened.refresh + 1 === nav.refresh ? opened.orderId : null;
    opened = null;
    if (!back || !(focusIsFree() || document.activeElement === heading.current)) return;
    const row = document.querySelector<HTMLElement>(`tr[data-order-id="${back}"] button`);
    (row ?? heading.current)?.focus();
  }, [orders.loading]);
  // From the keyboard: ↓ from the heading or a search box goes to the first order; ↑ and ↓ move
  // between orders (Enter opens one); ↑ from the first goes back to the number box.
  const table = useRef<HTMLTableElement>(null);
  const onArrows = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    const buttons = [
      ...(table.current?.querySelectorAll<HTMLElement>('tr[data-order-id] button') ?? []),
    ];
    const target = e.target instanceof HTMLElement ? e.target : null;
    const at = target ? buttons.indexOf(target) : -1;
    const down = e.key === 'ArrowDown';
    let next: HTMLElement | null | undefined = null;
    if (at >= 0)
      next = down
        ? buttons[at + 1]
        : at === 0
          ? e.currentTarget.querySelector<HTMLElement>('[data-search]')
          : buttons[at - 1];
    else if (
      down &&
      (target === heading.current ||
        (target instanceof HTMLInputElement && target.type === 'search'))
    )
      next = buttons[0];
    if (!next) return;
    e.preventDefault();
    next.focus();
  };
  const filter = (set: (v: string) => void) => (value: string) => {
    set(value);
    setOffset(0);
  };

  return (
    <div className="screen" onKeyDown={onArrows}>
      <header className="screen-head">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        <p className="muted">{intro}</p>
        <p className="muted small">{t('list.keys')}</p>
      </header>
      <div className="toolbar wrap">
        <Field label={t('list.status')} name="status" error={undefined}>
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
              <option value="">{t('list.allStatuses')}</option>
              {orderStatuses.map((s) => (
                <option key={s} value={s}>
                  {statusShort[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label={t('list.number')}
          name="number"
          error={orders.error}
          type="search"
          data-search
          autoComplete="off"
          placeholder={t('list.numberHint')}
          value={number}
          onChange={filter(setNumber)}
        />
        {showShop && (
          <TextField
            label={t('list.customer')}
            name="customer"
            error={orders.error}
            type="search"
            autoComplete="off"
            value={customer}
            onChange={filter(setCustomer)}
          />
        )}
        <TextField
          label={t('list.product')}
          name="product"
          error={orders.error}
          type="search"
          autoComplete="off"
          value={product}
          onChange={filter(setProduct)}
        />
        <TextField
          label={t('list.from')}
          name="placedFrom"
          error={orders.error}
          type="date"
          value={placedFrom}
          onChange={filter(setPlacedFrom)}
        />
        <TextField
          label={t('list.to')}
          name="placedTo"
          error={orders.error}
          type="date"
          value={placedTo}
          onChange={filter(setPlacedTo)}
        />
        {priced && (
          <>
            <TextField
              label={t('list.minTotal')}
              name="minTotal"
              error={orders.error}
              inputMode="decimal"
              placeholder={t('list.amountHint')}
              value={minText}
              onChange={filter(setMinText)}
            />
            <TextField
              label={t('list.maxTotal')}
              name="maxTotal"
              error={orders.error}
              inputMode="decimal"
              placeholder={t('list.amountHint')}
              value={maxText}
              onChange={filter(setMaxText)}
            />
          </>
        )}
        <span className="grow" />
        <Pager
          offset={offset}
          shown={rows.length}
          hasMore={(orders.data?.length ?? 0) > PAGE_SIZE}
          onOffset={setOffset}
          noun={t('list.noun')}
        />
      </div>
      <ErrorBanner
        error={orders.error}
        shown={['number', 'customer', 'product', 'placedFrom', 'placedTo', 'minTotal', 'maxTotal']}
      />
      <table
        ref={table}
        className="table orders"
        data-state={orders.loading ? 'loading' : 'ready'}
        data-filter={status || 'all'}
        aria-busy={orders.loading}
      >
        <thead>
          <tr>
            <th>{t('list.order')}</th>
            {showShop && <th>{t('list.shop')}</th>}
            <th>{t('list.status')}</th>
            <th className="num">{t('list.lines')}</th>
            {priced && <th className="num">{t('list.total')}</th>}
            {priced && <th className="num">{t('list.paid')}</th>}
            <th>{t('list.placed')}</th>
            <th>{t('list.lastChange')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && !orders.loading && (
            <tr>
              <td colSpan={8} className="empty">
                {t('list.empty')}
              </td>
            </tr>
          )}
          {rows.map((o) => (
            <tr
              key={o.id}
              data-order-id={o.id}
              data-status={o.status}
              data-flag={o.paymentFlag ?? undefined}
              onClick={() => open(o.id)}
              className="clickable"
            >
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={(e) => {
                    e.stopPropagation();
                    open(o.id);
                  }}
                >
                  {o.number}
                </button>
              </td>
              {showShop && <td>{o.shopName}</td>}
              <td>
                <StatusBadge status={o.status} />
                {o.paymentFlag && (
                  <span className={`badge flag-${o.paymentFlag}`} data-flag={o.paymentFlag}>
                    {t(`flag.${o.paymentFlag}`)}
                  </span>
                )}
                {o.backordered > 0 && o.status !== 'cancelled' && (
                  <span className="badge flag-backordered" data-flag="backordered">
                    {t('flag.backordered', { n: count(o.backordered) })}
                  </span>
                )}
              </td>
              <td className="num">{count(o.lineCount)}</td>
              {priced && <td className="num">{o.total === null ? '' : money(o.total)}</td>}
              {priced && <td className="num">{o.paid ? money(o.paid) : ''}</td>}
              <td>{dateTime(o.placedAt)}</td>
              <td>{dateTime(o.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
