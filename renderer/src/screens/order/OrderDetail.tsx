// One order: what was ordered, where it stands, everything that happened to it, its PDFs, and
// the next step for the person looking at it.
import { useEffect, useId, useRef, useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { useT } from '../../i18n';
import { can } from '../../roles';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { DocumentViewer } from '../../components/DocumentViewer';
import { StatusBadge } from '../../components/StatusBadge';
import { ItemName } from '../../components/Field';
import { focusIsFree } from '../../focus';
import { count, date, dateTime, fileSize, money, statusLong, statusShort } from '../../format';
import { OrderActions } from './OrderActions';
import { documentsAvailable, stepLabel } from '../../../../core/vocabulary';

type Order = OutputOf<'orders.get'>;

/** The slip states orders.json names (schema: payment_slips.status). */
const slipStatuses = ['pending', 'verified', 'rejected', 'replaced'];

export function OrderDetail({ orderId, onBack }: { orderId: string; onBack(): void }) {
  const client = useClient();
  const t = useT('orders');
  const [version, setVersion] = useState(0);
  const order = useQuery(() => client.call('orders.get', { orderId }), [orderId, version]);
  const o = order.data;
  /** What the last step did, said at the top of the page. */
  const [said, setSaid] = useState<string | null>(null);
  const saidBox = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  /** A step was taken and the order is loading again: its form may leave with the focus. */
  const changing = useRef(false);

  // A step's form goes when the order moves on, and the focus with it: it goes to what was
  // done, or to the heading, unless the clerk already put it somewhere that stayed.
  const changed = (what?: string) => {
    setSaid(what ?? null);
    setVersion((v) => v + 1);
    if (what) window.setTimeout(() => saidBox.current?.focus(), 0);
    else changing.current = true;
  };
  useEffect(() => {
    if (!changing.current || order.loading) return;
    changing.current = false;
    if (focusIsFree()) heading.current?.focus();
  }, [order.loading]);

  return (
    <div className="screen">
      <header className="screen-head row">
        <button type="button" className="btn" onClick={onBack}>
          {t('detail.back')} <kbd>Esc</kbd>
        </button>
        {o && (
          <>
            <h1 ref={heading} tabIndex={-1}>
              {t('detail.title', { number: o.number })}
            </h1>
            <StatusBadge status={o.status} />
            <span className="muted">{statusLong(o.status)}</span>
          </>
        )}
      </header>
      {said && (
        <div tabIndex={-1} ref={saidBox} data-said>
          <Notice kind="success">{said}</Notice>
        </div>
      )}
      <ErrorBanner error={order.error} />
      {o && (
        <div className="detail">
          <div className="detail-main">
            <OrderFacts order={o} />
            <OrderLines order={o} />
            <Timeline order={o} />
          </div>
          <div className="detail-side">
            {/* A delivered order with a backorder still has a step: send or cancel the rest. */}
            {(o.status !== 'delivered' || o.backordered > 0) && o.status !== 'cancelled' && (
              <OrderActions order={o} onChanged={changed} />
            )}
            <DocumentViewer
              key={`${o.id}-${o.status}`}
              orderId={o.id}
              kinds={documentsAvailable(o.status, o.slips.length > 0)}
              version={version}
            />
          </div>
        </div>
      )}
    </div>
  );
}

function OrderFacts({ order: o }: { order: Order }) {
  const t = useT('orders');
  const user = useUser();
  return (
    <section className="panel">
      <dl className="facts">
        <dt>{t('detail.shop')}</dt>
        <dd>{o.shopName}</dd>
        <dt>{t('detail.factory')}</dt>
        <dd>{o.factoryName}</dd>
        <dt>{t('detail.placed')}</dt>
        <dd>
          {dateTime(o.placedAt)}
          {o.placedByName ? ` ${t('detail.by', { name: o.placedByName })}` : ''}
        </dd>
        {o.priced && (
          <>
            <dt>{t('detail.total')}</dt>
            <dd className="strong">{money(o.total)}</dd>
            <dt>{t('list.paid')}</dt>
            <dd data-paid={o.paid}>
              {money(o.paid)}
              {o.paymentFlag && (
                <span className={`badge flag-${o.paymentFlag}`} data-flag={o.paymentFlag}>
                  {t(`flag.${o.paymentFlag}`)}
                </span>
              )}
            </dd>
          </>
        )}
        {(o.vehicle || o.driverName) && (
          <>
            <dt>{t('detail.transport')}</dt>
            <dd>{[o.vehicle, o.driverName].filter(Boolean).join(' · ')}</dd>
          </>
        )}
        {o.plannedDispatchOn && (
          <>
            <dt>{t('detail.planned')}</dt>
            <dd>{date(o.plannedDispatchOn)}</dd>
          </>
        )}
        {o.note && (
          <>
            <dt>{t('detail.note')}</dt>
            <dd>{o.note}</dd>
          </>
        )}
      </dl>
      {o.rejectionReason && o.status === 'placed' && (
        <Notice kind="warning">
          {t('detail.rejected', { reason: o.rejectionReason })}
          {can(user, 'orders.attachSlip') ? ` ${t('detail.attachNew')}` : ''}
        </Notice>
      )}
      {o.payments.length > 0 && (
        <section aria-label={t('payment.history')}>
          <h3>{t('payment.history')}</h3>
          <ul className="payments">
            {o.payments.map((p) => (
              <li key={`${p.recordedAt}-${p.reference}`} data-mismatch={p.amount !== p.due}>
                {p.reference
                  ? t('payment.row', {
                      amount: money(p.amount),
                      date: date(p.receivedOn),
                      reference: p.reference,
                    })
                  : t('payment.rowNoReference', {
                      amount: money(p.amount),
                      date: date(p.receivedOn),
                    })}
                {p.amount !== p.due && (
                  <span className="badge flag-mismatch">
                    {t('payment.mismatchRow', { due: money(p.due) })}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {o.cancelReason && (
        <Notice kind="warning">{t('detail.cancelled', { reason: o.cancelReason })}</Notice>
      )}
    </section>
  );
}

function OrderLines({ order: o }: { order: Order }) {
  const t = useT('orders');
  const shipped = o.status === 'dispatched' || o.status === 'delivered';
  const owed = (l: Order['lines'][number]) => l.quantity - l.dispatchedQty - l.cancelledQty;
  const title = useId();
  return (
    <section className="panel">
      <h2 id={title}>{t('detail.lines')}</h2>
      {/* At 1024×768 a shipped order's columns are wider than the panel: the table scrolls
          sideways, from the keyboard too (the box takes the focus, then the arrow keys). */}
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={title}>
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('detail.item')}</th>
              <th className="num">{t('detail.qty')}</th>
              {o.priced && <th className="num">{t('detail.unitPrice')}</th>}
              {o.priced && <th className="num">{t('detail.lineTotal')}</th>}
              {shipped && <th className="num">{t('detail.dispatched')}</th>}
              {shipped && <th className="num">{t('backorder.title')}</th>}
              {o.status === 'delivered' && <th className="num">{t('detail.received')}</th>}
            </tr>
          </thead>
          <tbody>
            {o.lines.map((l) => (
              <tr key={l.lineNo} data-sku={l.sku}>
                <td>
                  <ItemName sku={l.sku} name={l.name} />
                </td>
                <td className="num">{count(l.quantity)}</td>
                {o.priced && <td className="num">{money(l.unitPrice)}</td>}
                {o.priced && <td className="num">{money(l.lineTotal)}</td>}
                {shipped && <td className="num">{count(l.dispatchedQty)}</td>}
                {shipped && (
                  <td className="num" data-backorder={owed(l)}>
                    {count(owed(l))}
                    {l.cancelledQty > 0 && (
                      <span className="muted">
                        {' '}
                        ({t('backorder.cancelled', { n: count(l.cancelledQty) })})
                      </span>
                    )}
                  </td>
                )}
                {o.status === 'delivered' && (
                  <td className="num">{l.receivedQty === null ? '—' : count(l.receivedQty)}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {o.discrepancies.length > 0 && (
        <Notice kind="warning">
          {o.discrepancies.map((d) => (
            <div key={d.lineNo}>
              {t('detail.short', {
                sku: d.sku,
                shortage: count(d.shortage),
                received: count(d.received),
                dispatched: count(d.dispatched),
              })}
              {d.note ? ` — ${d.note}` : ''}
            </div>
          ))}
        </Notice>
      )}
    </section>
  );
}

function Timeline({ order: o }: { order: Order }) {
  const t = useT('orders');
  return (
    <section className="panel">
      <h2>{t('detail.timeline')}</h2>
      <ol className="timeline">
        {o.timeline.map((e, i) => (
          <li key={i} className={`step-${e.step}`}>
            <div className="when">{dateTime(e.at)}</div>
            <div>
              <strong>{stepLabel(e.step)}</strong>
              {e.userName ? ` ${t('detail.by', { name: e.userName })}` : ''}
              {e.step !== e.statusAfter ? ` › ${statusShort[e.statusAfter]}` : ''}
              {e.note && <div className="muted">{e.note}</div>}
            </div>
          </li>
        ))}
      </ol>
      {o.slips.length > 0 && (
        <>
          <h3>{t('detail.slips')}</h3>
          <ul className="plain">
            {o.slips.map((s) => (
              <li key={`${s.fileHash}-${s.attachedAt}`}>
                {s.originalName} · {fileSize(s.size)} ·{' '}
                {slipStatuses.includes(s.status) ? t(`slipStatus.${s.status}`) : s.status}
                {s.reason ? ` (${s.reason})` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
