// One order: what was ordered, where it stands, everything that happened to it, its PDFs, and
// the next step for the person looking at it.
import { useState } from 'react';
import { useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { DocumentViewer } from '../../components/DocumentViewer';
import { StatusBadge } from '../../components/StatusBadge';
import { ItemName } from '../../components/Field';
import { count, dateTime, fileSize, money, statusLong, statusShort } from '../../format';
import { OrderActions } from './OrderActions';
import { documentsAvailable, stepLabel } from '../../../../core/vocabulary';

type Order = OutputOf<'orders.get'>;

export function OrderDetail({ orderId, onBack }: { orderId: string; onBack(): void }) {
  const client = useClient();
  const [version, setVersion] = useState(0);
  const order = useQuery(() => client.call('orders.get', { orderId }), [orderId, version]);
  const o = order.data;

  return (
    <div className="screen">
      <header className="screen-head row">
        <button type="button" className="btn" onClick={onBack}>
          ← Back <kbd>Esc</kbd>
        </button>
        {o && (
          <>
            <h1>Order {o.number}</h1>
            <StatusBadge status={o.status} />
            <span className="muted">{statusLong(o.status)}</span>
          </>
        )}
      </header>
      <ErrorBanner error={order.error} />
      {o && (
        <div className="detail">
          <div className="detail-main">
            <OrderFacts order={o} />
            <OrderLines order={o} />
            <Timeline order={o} />
          </div>
          <div className="detail-side">
            {o.status !== 'delivered' && o.status !== 'cancelled' && (
              <OrderActions order={o} onChanged={() => setVersion((v) => v + 1)} />
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
  return (
    <section className="panel">
      <dl className="facts">
        <dt>Shop</dt>
        <dd>{o.shopName}</dd>
        <dt>Factory</dt>
        <dd>{o.factoryName}</dd>
        <dt>Placed</dt>
        <dd>
          {dateTime(o.placedAt)}
          {o.placedByName ? ` by ${o.placedByName}` : ''}
        </dd>
        <dt>Total</dt>
        <dd className="strong">{money(o.total)}</dd>
        {(o.vehicle || o.driverName) && (
          <>
            <dt>Transport</dt>
            <dd>{[o.vehicle, o.driverName].filter(Boolean).join(' · ')}</dd>
          </>
        )}
        {o.plannedDispatchOn && (
          <>
            <dt>Planned</dt>
            <dd>{o.plannedDispatchOn}</dd>
          </>
        )}
        {o.note && (
          <>
            <dt>Note</dt>
            <dd>{o.note}</dd>
          </>
        )}
      </dl>
      {o.rejectionReason && o.status === 'placed' && (
        <Notice kind="warning">Payment rejected: {o.rejectionReason}. Attach a new slip.</Notice>
      )}
      {o.cancelReason && <Notice kind="warning">Cancelled: {o.cancelReason}</Notice>}
    </section>
  );
}

function OrderLines({ order: o }: { order: Order }) {
  const shipped = o.status === 'dispatched' || o.status === 'delivered';
  return (
    <section className="panel">
      <h2>Lines</h2>
      <table className="table compact">
        <thead>
          <tr>
            <th>Item</th>
            <th className="num">Qty</th>
            <th className="num">Unit price</th>
            <th className="num">Total</th>
            {shipped && <th className="num">Dispatched</th>}
            {o.status === 'delivered' && <th className="num">Received</th>}
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
              {shipped && <td className="num">{count(l.dispatchedQty)}</td>}
              {o.status === 'delivered' && (
                <td className="num">{l.receivedQty === null ? '—' : count(l.receivedQty)}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {o.discrepancies.length > 0 && (
        <Notice kind="warning">
          {o.discrepancies.map((d) => (
            <div key={d.lineNo}>
              {d.sku}: {count(d.shortage)} short ({count(d.received)} of {count(d.dispatched)})
              {d.note ? ` — ${d.note}` : ''}
            </div>
          ))}
        </Notice>
      )}
    </section>
  );
}

function Timeline({ order: o }: { order: Order }) {
  return (
    <section className="panel">
      <h2>Timeline</h2>
      <ol className="timeline">
        {o.timeline.map((t, i) => (
          <li key={i} className={`step-${t.step}`}>
            <div className="when">{dateTime(t.at)}</div>
            <div>
              <strong>{stepLabel(t.step)}</strong>
              {t.userName ? ` by ${t.userName}` : ''}
              {t.step !== t.statusAfter ? ` → ${statusShort[t.statusAfter]}` : ''}
              {t.note && <div className="muted">{t.note}</div>}
            </div>
          </li>
        ))}
      </ol>
      {o.slips.length > 0 && (
        <>
          <h3>Payment slips</h3>
          <ul className="plain">
            {o.slips.map((s) => (
              <li key={`${s.fileHash}-${s.attachedAt}`}>
                {s.originalName} · {fileSize(s.size)} · {s.status}
                {s.reason ? ` (${s.reason})` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
