// One customer's order: its lines (with what was delivered), its trip, and what may be done to it
// here: Confirm a portal request, Approve a held one, Cancel with a reason, take goods Back after
// delivery, and the customer's payments and account. Esc goes back to the list.
import { useEffect, useRef, useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { FormActions } from '../../components/FormActions';
import { DetailPage, useDetailPage } from '../../components/DetailPage';
import { Dialog } from '../../components/Dialog';
import { ReasonDialog } from '../../components/ReasonDialog';
import { FieldError, ItemName, QuantityField, TextField } from '../../components/Field';
import { count, date, dateTime, money, parseCount } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { Account, PaymentDialog } from './Payment';
import { Fact, Holds, OrderStatus, PdfView } from './shared';

type Open = 'cancel' | 'return' | 'payment' | 'account' | 'note' | null;

function CancelDialog({
  orderId,
  number,
  onDone,
  onClose,
}: {
  orderId: string;
  number: string;
  onDone(): void;
  onClose(): void;
}) {
  const t = useT('field');
  const client = useClient();
  return (
    <ReasonDialog
      title={t('cancelOrder.title', { number })}
      label={t('cancelOrder.reason')}
      confirm={t('cancelOrder.confirm')}
      keep={t('keep')}
      submit={(reason) => client.call('field.cancelOrder', { orderId, reason })}
      onDone={onDone}
      onClose={onClose}
    />
  );
}

interface ReturnLine {
  lineNo: number;
  sku: string;
  name: string;
  delivered: number;
  quantity: string;
}

function ReturnDialog({
  orderId,
  number,
  lines,
  onDone,
  onClose,
}: {
  orderId: string;
  number: string;
  lines: ReturnLine[];
  onDone(credited: number): void;
  onClose(): void;
}) {
  const t = useT('field');
  const client = useClient();
  const action = useAction();
  const [rows, setRows] = useState(lines);
  const [reason, setReason] = useState('');
  const chosen = rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.quantity.trim() !== '' && r.quantity.trim() !== '0');
  return (
    <Dialog title={t('returnOrder.title', { number })} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(() =>
              client.call('field.returnOrder', {
                orderId,
                reason,
                lines: chosen.map(({ r }) => ({
                  lineNo: r.lineNo,
                  quantity: parseCount(r.quantity),
                })),
              }),
            )
            .then((r) => r && onDone(r.credited));
        }}
      >
        <p className="muted">{t('returnOrder.intro')}</p>
        <table className="table compact" aria-label={t('returnOrder.lines')}>
          <thead>
            <tr>
              <th scope="col">{t('col.item')}</th>
              <th scope="col" className="num">
                {t('col.delivered')}
              </th>
              <th scope="col" className="num">
                {t('returnOrder.back')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.lineNo} data-sku={r.sku}>
                <td>
                  <ItemName sku={r.sku} name={r.name} />
                </td>
                <td className="num">{count(r.delivered)}</td>
                <td className="num">
                  <QuantityField
                    label={t('returnOrder.backOf', { sku: r.sku })}
                    name={`lines.${chosen.findIndex((c) => c.i === i)}.quantity`}
                    error={action.error}
                    autoFocus={i === 0}
                    value={r.quantity}
                    onChange={(v) =>
                      setRows((rs) => rs.map((x, j) => (j === i ? { ...x, quantity: v } : x)))
                    }
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <FieldError error={action.error} name="lines" />
        <TextField
          label={t('returnOrder.reason')}
          name="reason"
          error={action.error}
          autoComplete="off"
          value={reason}
          onChange={setReason}
        />
        <ErrorBanner
          error={action.error}
          shown={['reason', 'lines', ...chosen.map((_, k) => `lines.${k}.quantity`)]}
        />
        <FormActions
          save={t('returnOrder.confirm')}
          disabled={action.busy || chosen.length === 0}
          cancel={t('cancel')}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

/**
 * What a clerk weighs before approving, as this PC knows it now: how far the customer's unpaid
 * balance and open orders (this one among them) are over the limit, and which lines the branch
 * has too few of.
 */
function HoldDetails({
  customerId,
  customerName,
  holds,
  lines,
  version,
}: {
  customerId: string;
  customerName: string;
  holds: readonly string[];
  lines: readonly { variantId: string; sku: string; quantity: number }[];
  version: number;
}) {
  const t = useT('field');
  const client = useClient();
  const customer = useQuery(
    () =>
      holds.includes('credit')
        ? client
            .call('field.customers', { search: customerName, limit: 1000 })
            .then((rows) => rows.find((r) => r.id === customerId) ?? null)
        : Promise.resolve(null),
    [customerId, version],
  );
  const prices = useQuery(
    () =>
      holds.includes('stock') ? client.call('field.prices', { customerId }) : Promise.resolve([]),
    [customerId, version],
  );
  const c = customer.data;
  const over = c && c.creditLimit !== null ? c.balance + c.openOrders - c.creditLimit : null;
  const short = lines.filter(
    (l) => (prices.data?.find((p) => p.variantId === l.variantId)?.available ?? 0) < l.quantity,
  );
  return (
    <ul data-testid="hold-details">
      {over !== null && over > 0 && (
        <li data-hold="credit">{t('order.overNow', { amount: money(over) })}</li>
      )}
      {prices.data && short.length > 0 && (
        <li data-hold="stock">
          {t('placed.shortOn', { skus: short.map((l) => l.sku).join(', ') })}
        </li>
      )}
    </ul>
  );
}

export function OrderPanel({
  orderId,
  onBack,
  onChanged,
}: {
  orderId: string;
  onBack(): void;
  onChanged(): void;
}) {
  const t = useT('field');
  const client = useClient();
  const user = useUser();
  const action = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  const page = useDetailPage('field-order');
  const tick = page.tick;
  const [open, setOpen] = useState<Open>(null);
  const order = useQuery(() => client.call('field.order', { orderId }), [orderId, tick]);
  useEffect(() => heading.current?.focus(), [orderId]);
  const o = order.data;

  const changed = (message: string) => {
    setOpen(null);
    page.changed(message);
    onChanged();
  };
  const step = async (name: 'field.confirmOrder' | 'field.approveOrder', words: string) => {
    const done = await action.run(() => client.call(name, { orderId }));
    if (done) changed(words);
  };

  return (
    <DetailPage
      pageClass="field-order"
      headingId="field-order-title"
      headingRef={heading}
      title={
        o ? (
          <>
            {t('order.title', { number: o.number })} <OrderStatus status={o.status} />
          </>
        ) : (
          t('loading')
        )
      }
      back={t('back')}
      onBack={onBack}
      said={page.said}
      error={order.error}
    >
      {o && (
        <>
          <section className="panel">
            {o.status === 'held' && (
              <Notice kind="warning">
                {t('order.heldBecause')} <Holds holds={o.holds} />
                <HoldDetails
                  customerId={o.customerId}
                  customerName={o.customerName ?? ''}
                  holds={o.holds}
                  lines={o.lines}
                  version={tick}
                />
              </Notice>
            )}
            <dl className="facts">
              <Fact label={t('col.customer')} name="customer">
                {o.customerName ?? '—'}
              </Fact>
              <Fact label={t('customer.rep')} name="rep">
                {o.repName ?? '—'}
              </Fact>
              <Fact label={t('col.placed')} name="placed">
                {dateTime(o.placedAt)}
              </Fact>
              <Fact label={t('col.total')} name="total">
                {money(o.total)}
              </Fact>
              {o.trip && (
                <Fact label={t('order.trip')} name="trip">
                  {t('order.tripCell', {
                    number: o.trip.number ?? '—',
                    day: o.trip.day ? date(o.trip.day) : '—',
                    driver: o.trip.driverName ?? '—',
                  })}
                </Fact>
              )}
              {o.note && (
                <Fact label={t('take.note')} name="note">
                  {o.note}
                </Fact>
              )}
              {o.cancelReason && (
                <Fact label={t('cancelOrder.reason')} name="cancelReason">
                  {o.cancelReason}
                </Fact>
              )}
            </dl>
            <div className="actions toolbar">
              {o.status === 'requested' && can(user, 'field.order') && (
                <button
                  type="button"
                  className="btn primary"
                  disabled={action.busy}
                  onClick={() =>
                    void step('field.confirmOrder', t('order.confirmed', { number: o.number }))
                  }
                >
                  {t('order.confirm')}
                </button>
              )}
              {o.status === 'held' && can(user, 'field.approve') && (
                <button
                  type="button"
                  className="btn primary"
                  disabled={action.busy}
                  onClick={() =>
                    void step('field.approveOrder', t('order.approved', { number: o.number }))
                  }
                >
                  {t('order.approve')}
                </button>
              )}
              {['requested', 'held', 'open'].includes(o.status) && (
                <button type="button" className="btn danger" onClick={() => setOpen('cancel')}>
                  {t('order.cancel')}
                </button>
              )}
              {o.status === 'delivered' && can(user, 'field.approve') && (
                <button type="button" className="btn" onClick={() => setOpen('return')}>
                  {t('order.return')}
                </button>
              )}
              {o.proofId && (
                <button
                  type="button"
                  className="btn"
                  aria-expanded={open === 'note'}
                  onClick={() => setOpen(open === 'note' ? null : 'note')}
                >
                  {t('order.deliveryNote')}
                </button>
              )}
              {can(user, 'field.collect') && (
                <button type="button" className="btn" onClick={() => setOpen('payment')}>
                  {t('payment.record')}
                </button>
              )}
              <button
                type="button"
                className="btn"
                aria-expanded={open === 'account'}
                onClick={() => setOpen(open === 'account' ? null : 'account')}
              >
                {t('account.show')}
              </button>
            </div>
            <ErrorBanner error={action.error} />
          </section>
          <div className="table-wrap">
            <table
              className="table compact"
              aria-label={t('order.lines')}
              data-testid="order-lines"
            >
              <thead>
                <tr>
                  <th scope="col">{t('col.item')}</th>
                  <th scope="col" className="num">
                    {t('col.quantity')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.price')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.lineTotal')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.delivered')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {o.lines.map((l) => (
                  <tr key={l.lineNo} data-sku={l.sku}>
                    <td>
                      <ItemName sku={l.sku} name={l.name} />
                    </td>
                    <td className="num">{count(l.quantity)}</td>
                    <td className="num">{money(l.unitPrice)}</td>
                    <td className="num">{money(l.lineTotal)}</td>
                    <td className="num">{l.delivered === null ? '—' : count(l.delivered)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {open === 'note' && (
            <PdfView
              title={t('order.deliveryNote')}
              version={`${o.id}-${tick}`}
              load={() => client.call('trips.deliveryNote', { orderId: o.id })}
            />
          )}
          {open === 'account' && <Account customerId={o.customerId} version={tick} />}
          {open === 'cancel' && (
            <CancelDialog
              orderId={o.id}
              number={o.number}
              onClose={() => setOpen(null)}
              onDone={() => changed(t('cancelOrder.done', { number: o.number }))}
            />
          )}
          {open === 'return' && (
            <ReturnDialog
              orderId={o.id}
              number={o.number}
              lines={o.lines.map((l) => ({
                lineNo: l.lineNo,
                sku: l.sku,
                name: l.name,
                delivered: l.delivered ?? 0,
                quantity: '',
              }))}
              onClose={() => setOpen(null)}
              onDone={(credited) => changed(t('returnOrder.done', { amount: money(credited) }))}
            />
          )}
          {open === 'payment' && (
            <PaymentDialog
              customerId={o.customerId}
              customerName={o.customerName ?? ''}
              onClose={() => setOpen(null)}
              onDone={(balance) => changed(t('payment.done', { balance: money(balance) }))}
            />
          )}
        </>
      )}
    </DetailPage>
  );
}
