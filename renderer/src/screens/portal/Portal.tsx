// The customer portal (issue 16, decision 0034), served by head office at /portal/ to a store or
// restaurant signed in as a customer: their catalog at their prices and a request for an order
// (their sales rep confirms it), their orders with what was delivered, who signed and when, the
// delivery note, and their balance, account rows, points, tier and rewards. While head office
// says the portal is off, it shows that sentence and nothing else.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { AccountRows } from '../../components/AccountRows';
import { ErrorBanner, Notice } from '../../components/Banner';
import { FieldError, TextField } from '../../components/Field';
import { count, dateTime, money } from '../../format';
import { useT } from '../../i18n';
import { PdfPanel } from '../road/PdfPanel';

type Tab = 'catalog' | 'orders' | 'account';
const tabs: readonly Tab[] = ['catalog', 'orders', 'account'];

export function Portal() {
  const t = useT('portal');
  const client = useClient();
  const status = useQuery(() => client.call('portal.status', {}), []);
  const [tab, setTab] = useState<Tab>('catalog');
  const [tick, setTick] = useState(0);

  if (!status.data)
    return (
      <div className="screen portal">
        <h1>{t('title')}</h1>
        <ErrorBanner error={status.error} />
        {!status.error && <p className="muted">{t('loading')}</p>}
      </div>
    );
  if (!status.data.on)
    return (
      <div className="screen portal">
        <h1>{t('off.title')}</h1>
        <Notice kind="warning">{status.data.reason ?? t('off.default')}</Notice>
      </div>
    );
  return (
    <div className="screen portal">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      <nav className="tabs" aria-label={t('sections')}>
        {tabs.map((x) => (
          <button
            key={x}
            type="button"
            className={x === tab ? 'tab active' : 'tab'}
            aria-current={x === tab ? 'page' : undefined}
            data-portal-tab={x}
            onClick={() => {
              setTab(x);
              setTick((n) => n + 1);
            }}
          >
            {t(`tab.${x}`)}
          </button>
        ))}
      </nav>
      {tab === 'catalog' && <Catalog onPlaced={() => setTick((n) => n + 1)} />}
      {tab === 'orders' && <Orders key={tick} />}
      {tab === 'account' && <Account key={tick} />}
    </div>
  );
}

type Item = OutputOf<'portal.catalog'>[number];

function Catalog({ onPlaced }: { onPlaced(): void }) {
  const t = useT('portal');
  const client = useClient();
  const [search, setSearch] = useState('');
  const catalog = useQuery(
    () => client.call('portal.catalog', search.trim() ? { search: search.trim() } : {}),
    [search],
  );
  // Quantities by variant, as typed; the items chosen keep their names when the search changes.
  const [wanted, setWanted] = useState<Map<string, { item: Item; quantity: string }>>(new Map());
  const [note, setNote] = useState('');
  const [placed, setPlaced] = useState<{ number: string; status: string } | null>(null);
  const action = useAction();

  const chosen = [...wanted.values()].filter(
    (w) => w.quantity.trim() !== '' && w.quantity.trim() !== '0',
  );
  const total = chosen.reduce((s, w) => s + (Number(w.quantity) || 0) * w.item.price, 0);
  const indexOf = (variantId: string) => chosen.findIndex((w) => w.item.variantId === variantId);
  const setQuantity = (item: Item, quantity: string) =>
    setWanted((m) => new Map(m).set(item.variantId, { item, quantity }));

  const submit = async () => {
    const done = await action.run(() =>
      client.call('portal.placeOrder', {
        lines: chosen.map((w) => ({
          variantId: w.item.variantId,
          quantity: /^\d+$/.test(w.quantity.trim()) ? Number(w.quantity.trim()) : Number.NaN,
        })),
        ...(note.trim() && { note: note.trim() }),
      }),
    );
    if (done) {
      setPlaced({ number: done.number, status: done.status });
      setWanted(new Map());
      setNote('');
      onPlaced();
    }
  };

  return (
    <section className="panel" aria-labelledby="portal-catalog">
      <h2 id="portal-catalog">{t('catalog.title')}</h2>
      <p className="muted">{t('catalog.intro')}</p>
      {placed && (
        <Notice kind="success">
          {t('catalog.placed', { number: placed.number, status: t(`status.${placed.status}`) })}
        </Notice>
      )}
      <TextField
        label={t('catalog.search')}
        name="search"
        error={undefined}
        type="search"
        value={search}
        onChange={setSearch}
      />
      <ErrorBanner error={catalog.error} />
      <form
        aria-label={t('catalog.form')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorBanner
          error={action.error}
          shown={['note', ...chosen.map((_, i) => `lines.${i}.quantity`)]}
        />
        <div className="table-wrap">
          <table
            className="table compact"
            aria-label={t('catalog.table')}
            data-state={catalog.loading ? 'loading' : 'ready'}
          >
            <thead>
              <tr>
                <th scope="col">{t('catalog.item')}</th>
                <th scope="col" className="num">
                  {t('catalog.price')}
                </th>
                <th scope="col">{t('catalog.available')}</th>
                <th scope="col" className="num">
                  {t('catalog.quantity')}
                </th>
              </tr>
            </thead>
            <tbody>
              {catalog.data?.length === 0 && (
                <tr>
                  <td colSpan={4} className="empty">
                    {t('catalog.none')}
                  </td>
                </tr>
              )}
              {catalog.data?.map((item) => {
                const i = indexOf(item.variantId);
                return (
                  <tr key={item.variantId} data-sku={item.sku}>
                    <td>
                      <div className="sku">{item.sku}</div>
                      <div className="muted small">{item.name}</div>
                    </td>
                    <td className="num">
                      {money(item.price)}
                      <div className="muted small">
                        {t(item.listPrice ? 'catalog.yourPrice' : 'catalog.catalogPrice', {
                          unit: item.unit,
                        })}
                      </div>
                    </td>
                    <td>{item.inStock ? t('catalog.inStock') : t('catalog.outOfStock')}</td>
                    <td className="num">
                      <TextField
                        label={t('catalog.quantityOf', { name: `${item.sku} ${item.name}` })}
                        hideLabel
                        name={i >= 0 ? `lines.${i}.quantity` : `quantity.${item.variantId}`}
                        error={action.error}
                        type="number"
                        min={0}
                        step={1}
                        inputMode="numeric"
                        inputClassName="qty-input"
                        value={wanted.get(item.variantId)?.quantity ?? ''}
                        onChange={(q) => setQuantity(item, q)}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {chosen.length > 0 && (
          <div className="panel" aria-label={t('catalog.request')}>
            <h3>{t('catalog.request')}</h3>
            <ul className="plain">
              {chosen.map((w) => (
                <li key={w.item.variantId}>
                  {t('catalog.line', {
                    n: w.quantity,
                    name: `${w.item.sku} ${w.item.name}`,
                    amount: money((Number(w.quantity) || 0) * w.item.price),
                  })}
                </li>
              ))}
            </ul>
            <p className="strong">{t('catalog.total', { amount: money(total) })}</p>
          </div>
        )}
        <FieldError error={action.error} name="lines" />
        <TextField
          label={t('catalog.note')}
          name="note"
          error={action.error}
          hint={t('catalog.noteHint')}
          value={note}
          onChange={setNote}
        />
        <p>{t('catalog.confirmBy')}</p>
        <div className="form-actions">
          <button
            type="submit"
            className="btn primary"
            disabled={action.busy || chosen.length === 0}
            data-request-order
          >
            {t('catalog.send')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Orders() {
  const t = useT('portal');
  const client = useClient();
  const orders = useQuery(() => client.call('portal.orders', {}), []);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="portal-orders">
      <h2 id="portal-orders">{t('orders.title')}</h2>
      <ErrorBanner error={orders.error} />
      <div className="table-wrap">
        <table
          className="table compact"
          aria-label={t('orders.table')}
          data-state={orders.loading ? 'loading' : 'ready'}
        >
          <thead>
            <tr>
              <th scope="col">{t('orders.number')}</th>
              <th scope="col">{t('orders.placed')}</th>
              <th scope="col">{t('orders.status')}</th>
              <th scope="col" className="num">
                {t('orders.total')}
              </th>
              <th scope="col">{t('orders.delivered')}</th>
            </tr>
          </thead>
          <tbody>
            {orders.data?.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  {t('orders.none')}
                </td>
              </tr>
            )}
            {orders.data?.map((o) => (
              <tr key={o.id} data-order={o.number} data-status={o.status}>
                <td>
                  <button
                    type="button"
                    className="link"
                    aria-expanded={open === o.id}
                    onClick={() => setOpen(open === o.id ? null : o.id)}
                  >
                    {o.number}
                  </button>
                </td>
                <td>{dateTime(o.placedAt)}</td>
                <td>{t(`status.${o.status}`, { defaultValue: o.status })}</td>
                <td className="num">{money(o.total)}</td>
                <td>{o.deliveredAt ? dateTime(o.deliveredAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && <OrderDetail key={open} orderId={open} onClose={() => setOpen(null)} />}
    </section>
  );
}

function OrderDetail({ orderId, onClose }: { orderId: string; onClose(): void }) {
  const t = useT('portal');
  const client = useClient();
  const order = useQuery(() => client.call('portal.order', { orderId }), [orderId]);
  const [note, setNote] = useState(false);
  const o = order.data;
  return (
    <section
      className="panel"
      aria-label={o ? t('order.title', { number: o.number }) : t('loading')}
    >
      <ErrorBanner error={order.error} />
      {o && (
        <>
          <h3>{t('order.title', { number: o.number })}</h3>
          <p>
            {t(`status.${o.status}`, { defaultValue: o.status })} · {money(o.total)}
            {o.note ? ` · ${o.note}` : ''}
          </p>
          {o.delivery ? (
            <p data-delivery>
              {t('order.deliveredBy', {
                at: dateTime(o.delivery.deliveredAt),
                signedBy: o.delivery.signedBy,
              })}
              {o.delivery.collected > 0 &&
                ` ${t('order.collected', { amount: money(o.delivery.collected) })}`}
            </p>
          ) : (
            <p className="muted">{t('order.notDelivered')}</p>
          )}
          <div className="table-wrap">
            <table className="table compact" aria-label={t('order.lines')}>
              <thead>
                <tr>
                  <th scope="col">{t('catalog.item')}</th>
                  <th scope="col" className="num">
                    {t('order.ordered')}
                  </th>
                  <th scope="col" className="num">
                    {t('order.deliveredQty')}
                  </th>
                  <th scope="col" className="num">
                    {t('order.damaged')}
                  </th>
                  <th scope="col" className="num">
                    {t('order.short')}
                  </th>
                  <th scope="col">{t('order.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {o.lines.map((l) => (
                  <tr key={l.lineNo} data-line={l.lineNo}>
                    <td>
                      <div className="sku">{l.sku}</div>
                      <div className="muted small">{l.name}</div>
                    </td>
                    <td className="num">{count(l.quantity)}</td>
                    <td className="num" data-col="delivered">
                      {l.delivered === null ? '—' : count(l.delivered)}
                    </td>
                    <td className="num">{l.damaged === null ? '—' : count(l.damaged)}</td>
                    <td className="num">{l.short === null ? '—' : count(l.short)}</td>
                    <td>{l.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="row">
            {o.deliveryNote && !note && (
              <button
                type="button"
                className="btn"
                data-delivery-note
                onClick={() => setNote(true)}
              >
                {t('order.openNote')}
              </button>
            )}
            <button type="button" className="btn" onClick={onClose}>
              {t('order.close')}
            </button>
          </div>
          {note && (
            <PdfPanel
              title={t('order.noteTitle', { number: o.number })}
              loadKey={o.id}
              load={() =>
                client
                  .call('portal.deliveryNote', { orderId: o.id })
                  .then((f) => ({ fileName: f.fileName, contentBase64: f.base64 }))
              }
              words={{
                print: t('note.print'),
                save: t('note.save'),
                close: t('note.close'),
                loading: t('loading'),
              }}
              onClose={() => setNote(false)}
            />
          )}
        </>
      )}
    </section>
  );
}

function Account() {
  const t = useT('portal');
  const client = useClient();
  const account = useQuery(() => client.call('portal.account', {}), []);
  const a = account.data;
  return (
    <section className="panel" aria-labelledby="portal-account">
      <h2 id="portal-account">{t('account.title')}</h2>
      <ErrorBanner error={account.error} />
      {a && (
        <>
          <dl className="facts">
            <div data-balance={a.balance}>
              <dt>{t('account.balance')}</dt>
              <dd>
                {a.balance > 0
                  ? t('account.owe', { amount: money(a.balance) })
                  : a.balance < 0
                    ? t('account.credit', { amount: money(-a.balance) })
                    : t('account.settled')}
              </dd>
            </div>
            <div data-points={a.points.balance}>
              <dt>{t('account.points')}</dt>
              <dd>
                {count(a.points.balance)}
                {a.points.pending > 0 && ` ${t('account.pending', { n: count(a.points.pending) })}`}
              </dd>
            </div>
            <div>
              <dt>{t('account.tier')}</dt>
              <dd>{a.tier ?? '—'}</dd>
            </div>
          </dl>
          <h3>{t('account.rewards')}</h3>
          {a.rewards.length === 0 ? (
            <p className="muted">{t('account.noRewards')}</p>
          ) : (
            <ul className="plain">
              {a.rewards.map((r) => (
                <li key={r.id}>
                  {t('account.reward', { name: r.name, points: count(r.points) })}
                  {a.points.balance >= r.points && ` ${t('account.canHave')}`}
                </li>
              ))}
            </ul>
          )}
          <h3>{t('account.rows')}</h3>
          <AccountRows
            rows={a.rows}
            words={{
              table: t('account.rows'),
              when: t('account.when'),
              what: t('account.what'),
              order: t('account.order'),
              amount: t('account.amount'),
              none: t('account.none'),
              kind: (k) => t(`account.kind.${k}`),
              method: (m) => t(`method.${m}`, { defaultValue: m }),
            }}
          />
        </>
      )}
    </section>
  );
}
