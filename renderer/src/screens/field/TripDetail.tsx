// One trip: its stops in order with each one's status and proof (who signed, when, on time, what
// was collected, each line's delivered / damaged / short), the trip sheet to print, a stop marked
// not delivered with its reason, and the close: the cash the driver hands in counted against what
// the trip's cash collections say, a difference with its reason. A stop its driver cannot record
// (gone, or no way to sign in) a manager records as come back undelivered.
import { useEffect, useRef, useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { FormActions } from '../../components/FormActions';
import { DetailPage, useDetailPage } from '../../components/DetailPage';
import { Dialog } from '../../components/Dialog';
import { ReasonDialog } from '../../components/ReasonDialog';
import { TextField } from '../../components/Field';
import { companyCurrency, count, date, dateTime, money, parseMoney } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';
import type { OutputOf } from '../../client';
import { PdfView } from './shared';
import { TripPlan } from './TripPlan';

type Trip = OutputOf<'trips.get'>;
type Stop = Trip['stops'][number];

/** What the trip's cash collections add up to: what the driver should hand in. */
export const cashExpected = (trip: Trip): number =>
  trip.stops.reduce(
    (sum, s) => sum + (s.proof && s.proof.method === 'cash' ? s.proof.collected : 0),
    0,
  );

/**
 * A stop marked not delivered: by its driver ("fail"), or by a manager of the branch when the
 * driver cannot record it and its goods came back ("cameBack").
 */
function FailDialog({
  trip,
  stop,
  by,
  onDone,
  onClose,
}: {
  trip: Trip;
  stop: Stop;
  by: 'fail' | 'cameBack';
  onDone(): void;
  onClose(): void;
}) {
  const t = useT('field');
  const client = useClient();
  const input = (reason: string) => ({ tripId: trip.id, orderId: stop.orderId, reason });
  return (
    <ReasonDialog
      title={t(`${by}.title`, { number: stop.orderNumber })}
      intro={t(`${by}.intro`)}
      label={t(`${by}.reason`)}
      confirm={t(`${by}.confirm`)}
      keep={t('cancel')}
      submit={(reason) =>
        by === 'fail'
          ? client.call('trips.failStop', input(reason))
          : client.call('trips.cameBack', input(reason))
      }
      onDone={onDone}
      onClose={onClose}
    />
  );
}

function CloseDialog({ trip, onDone, onClose }: { trip: Trip; onDone(): void; onClose(): void }) {
  const t = useT('field');
  const client = useClient();
  const action = useAction();
  const [counted, setCounted] = useState('');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<{ counted?: string; reason?: string }>({});
  const expected = cashExpected(trip);
  const minor = parseMoney(counted);
  const difference = minor === null ? null : minor - expected;

  const save = async () => {
    if (minor === null || minor < 0) {
      setLocal({ counted: t('close.badCounted', { currency: companyCurrency().code }) });
      return;
    }
    if (difference !== 0 && !reason.trim()) {
      setLocal({ reason: t('close.needReason') });
      return;
    }
    setLocal({});
    const done = await action.run(() =>
      client.call('trips.close', {
        tripId: trip.id,
        counted: minor,
        ...(reason.trim() && { reason: reason.trim() }),
      }),
    );
    if (done) onDone();
  };

  return (
    <Dialog title={t('close.title', { number: trip.number })} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <dl className="facts">
          <dt>{t('close.expected')}</dt>
          <dd data-fact="expected" className="strong">
            {money(expected)}
          </dd>
        </dl>
        <TextField
          label={t('close.counted', { currency: companyCurrency().code })}
          name="counted"
          error={action.error}
          localError={local.counted}
          autoFocus
          autoComplete="off"
          inputMode="decimal"
          value={counted}
          onChange={setCounted}
        />
        <p data-testid="cash-difference" role="status">
          {difference === null
            ? t('close.typeCounted')
            : difference === 0
              ? t('close.matches')
              : difference > 0
                ? t('close.over', { amount: money(difference) })
                : t('close.short', { amount: money(-difference) })}
        </p>
        <TextField
          label={t('close.reason')}
          name="reason"
          error={action.error}
          localError={local.reason}
          hint={t('close.reasonHint')}
          autoComplete="off"
          value={reason}
          onChange={setReason}
        />
        <ErrorBanner error={action.error} shown={['counted', 'reason']} />
        <FormActions
          save={t('close.confirm')}
          disabled={action.busy}
          cancel={t('cancel')}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

/** A stop's proof in a few words, and its lines when it has any marked short or damaged. */
function Proof({ stop }: { stop: Stop }) {
  const t = useT('field');
  const p = stop.proof;
  if (stop.status === 'failed')
    return (
      <div>
        <span data-proof="failed">
          {t('stop.failedBecause', { reason: stop.failReason ?? '—' })}
        </span>
        {stop.notDelivered && (
          <div className="small muted" data-recorded-by>
            {t(stop.notDelivered.cameBack ? 'stop.cameBackBy' : 'stop.failedBy', {
              name: stop.notDelivered.by ?? '—',
            })}
          </div>
        )}
      </div>
    );
  if (!p) return <span className="muted">—</span>;
  const marked = p.lines.filter((l) => l.damaged > 0 || l.short > 0);
  return (
    <div data-proof="delivered">
      <div>
        {t('stop.signedBy', { name: p.signedBy, when: dateTime(p.deliveredAt) })}{' '}
        <span className={p.onTime ? '' : 'negative'}>
          {p.onTime ? t('stop.onTime') : t('stop.late')}
        </span>
      </div>
      {p.collected > 0 && (
        <div className="small">
          {t('stop.collected', {
            amount: money(p.collected),
            method: p.method ? t(`method.${p.method}`) : '—',
          })}
          {p.reference && ` · ${p.reference}`}
        </div>
      )}
      {marked.map((l) => (
        <div key={l.lineNo} className="small">
          {t('stop.lineMarked', {
            line: l.lineNo,
            delivered: count(l.delivered),
            damaged: count(l.damaged),
            short: count(l.short),
            reason: l.reason ?? '—',
          })}
        </div>
      ))}
      {p.note && <div className="small muted">{p.note}</div>}
      {p.receivedHlc === null && <div className="small muted">{t('stop.notReceived')}</div>}
    </div>
  );
}

export function TripDetail({
  tripId,
  onBack,
  onChanged,
}: {
  tripId: string;
  onBack(): void;
  onChanged(): void;
}) {
  const t = useT('field');
  const client = useClient();
  const user = useUser();
  const heading = useRef<HTMLHeadingElement>(null);
  const page = useDetailPage('trip-detail');
  const tick = page.tick;
  const [dialog, setDialog] = useState<
    { kind: 'fail' | 'cameBack'; stop: Stop } | { kind: 'close' } | { kind: 'change' } | null
  >(null);
  const [sheet, setSheet] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const trip = useQuery(() => client.call('trips.get', { tripId }), [tripId, tick]);
  useEffect(() => heading.current?.focus(), [tripId]);
  const tr = trip.data;

  const changed = (message: string) => {
    setDialog(null);
    page.changed(message);
    onChanged();
  };
  const planned = tr?.status === 'planned';
  const anyDelivered = tr?.stops.some((s) => s.status === 'delivered') ?? false;
  const pending = tr?.stops.filter((s) => s.status === 'pending').length ?? 0;
  // The trip's own driver marks a stop not delivered (the core checks it when applied); when the
  // driver cannot, a manager of the branch records that its goods came back.
  const markBy =
    can(user, 'trips.drive') && tr?.driverId === user.userId
      ? ('fail' as const)
      : can(user, 'trips.manage')
        ? ('cameBack' as const)
        : null;

  if (tr && dialog?.kind === 'change')
    return (
      <TripPlan
        branchId={tr.branchId}
        trip={{
          id: tr.id,
          number: tr.number,
          day: tr.day,
          driverId: tr.driverId,
          vehicle: tr.vehicle,
          stops: tr.stops.map((s) => ({
            orderId: s.orderId,
            number: s.orderNumber,
            customerName: s.customerName,
            address: s.address,
            located: s.latE6 !== null && s.lngE6 !== null,
            total: s.orderTotal,
          })),
        }}
        onCancel={() => setDialog(null)}
        onSaved={(_id, number) => changed(t('trip.changed', { number }))}
      />
    );

  return (
    <DetailPage
      pageClass="trip-detail"
      headingId="trip-title"
      headingRef={heading}
      title={
        tr ? (
          <>
            {t('trip.title', { number: tr.number })}{' '}
            <span className="badge" data-status={tr.status}>
              {t(`tripStatus.${tr.status}`)}
            </span>
          </>
        ) : (
          t('loading')
        )
      }
      back={t('back')}
      onBack={onBack}
      said={page.said}
      error={trip.error}
    >
      {tr && (
        <>
          <section className="panel">
            <dl className="facts">
              <dt>{t('plan.day')}</dt>
              <dd data-fact="day">{date(tr.day)}</dd>
              <dt>{t('plan.driver')}</dt>
              <dd data-fact="driver">{tr.driverName ?? '—'}</dd>
              <dt>{t('plan.vehicle')}</dt>
              <dd data-fact="vehicle">{tr.vehicle}</dd>
              <dt>{t('trip.progress')}</dt>
              <dd data-fact="progress">
                {t('trip.progressCell', {
                  delivered: tr.delivered,
                  failed: tr.failed,
                  stops: tr.stops.length,
                })}
              </dd>
              <dt>{t('close.expected')}</dt>
              <dd data-fact="expected">{money(tr.cashExpected ?? cashExpected(tr))}</dd>
              {tr.status === 'closed' && (
                <>
                  <dt>{t('close.countedShort')}</dt>
                  <dd data-fact="counted">
                    {tr.cashCounted === null ? '—' : money(tr.cashCounted)}
                  </dd>
                  <dt>{t('close.reason')}</dt>
                  <dd data-fact="cashReason">{tr.cashReason ?? '—'}</dd>
                </>
              )}
            </dl>
            <div className="actions toolbar">
              <button
                type="button"
                className="btn"
                aria-expanded={sheet}
                onClick={() => setSheet((s) => !s)}
              >
                {t('trip.sheet')}
              </button>
              {planned && !anyDelivered && (
                <button type="button" className="btn" onClick={() => setDialog({ kind: 'change' })}>
                  {t('trip.change')}
                </button>
              )}
              {planned && pending === 0 && (
                <button
                  type="button"
                  className="btn primary"
                  onClick={() => setDialog({ kind: 'close' })}
                >
                  {t('trip.close')}
                </button>
              )}
            </div>
            {planned && pending > 0 && (
              <p className="muted small" data-testid="close-later">
                {t('trip.closeLater', { n: pending })}
              </p>
            )}
          </section>
          <div className="table-wrap">
            <table className="table compact" aria-label={t('trip.stops')} data-testid="trip-stops">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">{t('col.number')}</th>
                  <th scope="col">{t('col.customer')}</th>
                  <th scope="col">{t('col.status')}</th>
                  <th scope="col">{t('trip.proof')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tr.stops.map((s) => (
                  <tr key={s.orderId} data-stop={s.orderNumber} data-status={s.status}>
                    <td className="num">{s.seq}</td>
                    <td>
                      {s.orderNumber}
                      <div className="muted small">{money(s.orderTotal)}</div>
                    </td>
                    <td>
                      {s.customerName ?? '—'}
                      <div className="muted small">{s.address ?? '—'}</div>
                    </td>
                    <td>{t(`stopStatus.${s.status}`)}</td>
                    <td>
                      <Proof stop={s} />
                    </td>
                    <td>
                      {s.status === 'pending' && planned && markBy && (
                        <button
                          type="button"
                          className="btn"
                          aria-label={t(`${markBy}.button`, { number: s.orderNumber })}
                          onClick={() => setDialog({ kind: markBy, stop: s })}
                        >
                          {t(`${markBy}.short`)}
                        </button>
                      )}
                      {s.proof && (
                        <button
                          type="button"
                          className="btn"
                          aria-label={t('stop.noteOf', { number: s.orderNumber })}
                          aria-expanded={note === s.orderId}
                          onClick={() => setNote(note === s.orderId ? null : s.orderId)}
                        >
                          {t('order.deliveryNote')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {sheet && (
            <PdfView
              title={t('trip.sheetTitle', { number: tr.number })}
              version={`${tr.id}-${tick}`}
              load={() => client.call('trips.sheetPdf', { tripId: tr.id })}
            />
          )}
          {note && (
            <PdfView
              title={t('order.deliveryNote')}
              version={note}
              load={() => client.call('trips.deliveryNote', { orderId: note })}
            />
          )}
          {(dialog?.kind === 'fail' || dialog?.kind === 'cameBack') && (
            <FailDialog
              trip={tr}
              stop={dialog.stop}
              by={dialog.kind}
              onClose={() => setDialog(null)}
              onDone={() => changed(t(`${dialog.kind}.done`, { number: dialog.stop.orderNumber }))}
            />
          )}
          {dialog?.kind === 'close' && (
            <CloseDialog
              trip={tr}
              onClose={() => setDialog(null)}
              onDone={() => changed(t('close.done', { number: tr.number }))}
            />
          )}
        </>
      )}
    </DetailPage>
  );
}
