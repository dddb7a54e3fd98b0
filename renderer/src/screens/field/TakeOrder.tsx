// Taking a customer's order: choose the customer (a rep sees only their own), then scan or search
// the goods, which come at the customer's prices with what the branch has free; the total as it
// grows; Place. A held order is said at once with its reasons: over the credit limit by how much,
// short of stock on which lines.
import { useEffect, useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { ListTable } from '../../components/ListTable';
import { Field, FieldError, ItemName, QuantityField, TextField } from '../../components/Field';
import { ProductPicker } from '../../components/ProductPicker';
import { count, money, parseCount } from '../../format';
import { useT } from '../../i18n';
import { Fact, type CustomerPrice, type FieldCustomer } from './shared';

interface Line {
  variantId: string;
  sku: string;
  name: string;
  price: number;
  available: number;
  quantity: string;
}

export interface Placed {
  orderId: string;
  number: string;
  status: string;
  holds: readonly string[];
  total: number;
  customer: string;
  /** How far over the credit limit the order took the customer (0 when it did not). */
  over: number;
  /** The SKUs the branch had too few of. */
  short: string[];
}

/** The customer's facts a rep needs before taking the order. */
export function CustomerFacts({ c }: { c: FieldCustomer }) {
  const t = useT('field');
  return (
    <dl className="facts" data-testid="customer-facts">
      <Fact label={t('customer.address')} name="address">
        {c.address ?? '—'}
      </Fact>
      <Fact label={t('customer.phone')} name="phone">
        {c.phone ?? '—'}
      </Fact>
      <Fact label={t('customer.balance')} name="balance">
        {money(c.balance)}
      </Fact>
      <Fact label={t('customer.creditLimit')} name="creditLimit">
        {c.creditLimit === null ? t('customer.noLimit') : money(c.creditLimit)}
      </Fact>
      <Fact label={t('customer.openOrders')} name="openOrders">
        {money(c.openOrders)}
      </Fact>
      <Fact label={t('customer.points')} name="points">
        {c.points ? count(c.points.balance) : '—'}
      </Fact>
      <Fact label={t('customer.rep')} name="rep">
        {c.repName ?? '—'}
      </Fact>
    </dl>
  );
}

/** Step one: the customer, by name or phone. Enter takes the first found. */
function ChooseCustomer({ onChoose }: { onChoose(c: FieldCustomer): void }) {
  const t = useT('field');
  const client = useClient();
  const [search, setSearch] = useState('');
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setTyped(search.trim()), 150);
    return () => clearTimeout(timer);
  }, [search]);
  const found = useQuery(
    () => client.call('field.customers', { ...(typed && { search: typed }), limit: 20 }),
    [typed],
  );
  const rows = found.data ?? [];
  return (
    <section className="panel" aria-label={t('take.chooseTitle')}>
      <h2>{t('take.chooseTitle')}</h2>
      <form
        role="search"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          // What is typed now, not what the list last showed (a fast typist is ahead of it).
          const now = search.trim();
          const found =
            now === typed
              ? Promise.resolve(rows)
              : client.call('field.customers', { ...(now && { search: now }), limit: 1 });
          void found.then(
            (r) => r[0] && onChoose(r[0]),
            () => undefined,
          );
        }}
      >
        <TextField
          label={t('take.customerSearch')}
          name="customerId"
          error={undefined}
          type="search"
          autoFocus
          autoComplete="off"
          hint={t('take.customerHint')}
          value={search}
          onChange={setSearch}
        />
      </form>
      <ErrorBanner error={found.error} />
      <ListTable
        label={t('take.customers')}
        columns={[
          { label: t('col.customer') },
          { label: t('customer.phone') },
          { label: t('customer.address') },
          { label: t('customer.balance'), num: true },
          { label: t('customer.creditLimit'), num: true },
        ]}
        loading={found.loading}
        count={rows.length}
        empty={t('take.noCustomers')}
      >
        {rows.map((c) => (
          <tr key={c.id} data-customer={c.name}>
            <td>
              <button type="button" className="link" onClick={() => onChoose(c)}>
                {c.name}
              </button>
            </td>
            <td>{c.phone ?? '—'}</td>
            <td>{c.address ?? '—'}</td>
            <td className="num">{money(c.balance)}</td>
            <td className="num">{c.creditLimit === null ? '—' : money(c.creditLimit)}</td>
          </tr>
        ))}
      </ListTable>
    </section>
  );
}

export function TakeOrder({
  onPlaced,
  onCancel,
}: {
  onPlaced(placed: Placed): void;
  onCancel(): void;
}) {
  const t = useT('field');
  const client = useClient();
  const action = useAction();
  const [customer, setCustomer] = useState<FieldCustomer | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [note, setNote] = useState('');
  const [unknown, setUnknown] = useState<string | null>(null);
  const prices = useQuery(
    () =>
      customer
        ? client.call('field.prices', { customerId: customer.id })
        : Promise.resolve<CustomerPrice[]>([]),
    [customer?.id],
  );
  const priceOf = (variantId: string) => prices.data?.find((p) => p.variantId === variantId);

  const add = (variantId: string) => {
    const p = priceOf(variantId);
    if (!p) {
      setUnknown(variantId);
      return;
    }
    setUnknown(null);
    setLines((ls) => {
      const at = ls.findIndex((l) => l.variantId === variantId);
      if (at >= 0)
        return ls.map((l, i) =>
          i === at ? { ...l, quantity: String((parseCount(l.quantity) || 0) + 1) } : l,
        );
      return [
        ...ls,
        {
          variantId,
          sku: p.sku,
          name: p.name,
          price: p.price,
          available: p.available,
          quantity: '1',
        },
      ];
    });
  };
  const total = lines.reduce((s, l) => s + (parseCount(l.quantity) || 0) * l.price, 0);

  const place = async () => {
    if (!customer) return;
    const placed = await action.run(() =>
      client.call('field.placeOrder', {
        customerId: customer.id,
        lines: lines.map((l) => ({ variantId: l.variantId, quantity: parseCount(l.quantity) })),
        ...(note.trim() && { note: note.trim() }),
      }),
    );
    if (!placed) return;
    const limit = customer.creditLimit;
    const over =
      limit === null
        ? 0
        : Math.max(0, customer.balance + customer.openOrders + placed.total - limit);
    const short = lines
      .filter((l) => (parseCount(l.quantity) || 0) > l.available)
      .map((l) => l.sku);
    onPlaced({ ...placed, customer: customer.name, over, short });
  };

  if (!customer) return <ChooseCustomer onChoose={setCustomer} />;
  return (
    <form
      className="panel take-order"
      aria-label={t('take.title', { name: customer.name })}
      noValidate
      onSubmit={(e) => e.preventDefault()}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void place();
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <h2>{t('take.title', { name: customer.name })}</h2>
      <CustomerFacts c={customer} />
      <button type="button" className="btn" onClick={() => setCustomer(null)}>
        {t('take.otherCustomer')}
      </button>
      <FieldError error={action.error} name="customerId" />
      <ProductPicker onPick={(row) => add(row.variantId)} />
      {unknown && <Notice kind="warning">{t('take.notSold')}</Notice>}
      <div className="table-wrap">
        <table className="table compact" aria-label={t('take.lines')}>
          <thead>
            <tr>
              <th scope="col">{t('col.item')}</th>
              <th scope="col" className="num">
                {t('col.available')}
              </th>
              <th scope="col" className="num">
                {t('col.price')}
              </th>
              <th scope="col" className="num">
                {t('col.quantity')}
              </th>
              <th scope="col" className="num">
                {t('col.lineTotal')}
              </th>
              <th scope="col">
                <span className="sr-only">{t('col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('take.noLines')}
                </td>
              </tr>
            )}
            {lines.map((l, i) => {
              const q = parseCount(l.quantity) || 0;
              return (
                <tr key={l.variantId} data-sku={l.sku}>
                  <td>
                    <ItemName sku={l.sku} name={l.name} />
                  </td>
                  <td className={`num ${q > l.available ? 'negative' : ''}`}>
                    {count(l.available)}
                  </td>
                  <td className="num">{money(l.price)}</td>
                  <td className="num">
                    <QuantityField
                      label={t('take.quantityOf', { sku: l.sku })}
                      name={`lines.${i}.quantity`}
                      error={action.error}
                      value={l.quantity}
                      onChange={(v) =>
                        setLines((ls) => ls.map((x, j) => (j === i ? { ...x, quantity: v } : x)))
                      }
                    />
                    <FieldError error={action.error} name={`lines.${i}.variantId`} />
                  </td>
                  <td className="num">{money(q * l.price)}</td>
                  <td>
                    <button
                      type="button"
                      className="btn"
                      aria-label={t('take.remove', { sku: l.sku })}
                      onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4} className="num">
                {t('take.total')}
              </th>
              <td className="num strong" data-testid="order-total">
                {money(total)}
              </td>
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
      <FieldError error={action.error} name="lines" />
      <Field label={t('take.note')} name="note" error={action.error}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        )}
      </Field>
      <ErrorBanner
        error={action.error}
        shown={[
          'customerId',
          'note',
          'lines',
          ...lines.flatMap((_, i) => [`lines.${i}.quantity`, `lines.${i}.variantId`]),
        ]}
      />
      <div className="form-actions">
        <button
          type="button"
          className="btn primary"
          disabled={action.busy || lines.length === 0}
          onClick={() => void place()}
        >
          {t('take.place')} <kbd>Ctrl+Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('cancel')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
