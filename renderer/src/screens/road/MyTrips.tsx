// My trips (issue 16, decision 0034): the driver's day on the road, on the PC or tablet that
// holds the branch's data, so it works with no network all day. Today's trips and their stops in
// order (customer, address, what to deliver); Enter on a stop opens its proof; a delivered stop
// opens its delivery note. The trip syncs when the device next sees head office.
import { useState } from 'react';
import { useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { useListViews } from '../../components/list-views';
import { count } from '../../format';
import { useT } from '../../i18n';
import { PdfPanel } from './PdfPanel';
import { StopForm, type MyStop, type MyTrip } from './StopForm';

/** A list whose items say their own number (Stop 1…), so no bullets or numbers of its own. */
const bare = { listStyle: 'none', paddingLeft: 0, margin: 0 } as const;

type View =
  | { kind: 'list' }
  | { kind: 'stop'; trip: MyTrip; stop: MyStop }
  | { kind: 'note'; orderId: string; number: string };

export function MyTrips() {
  const t = useT('road');
  const client = useClient();
  const [tick, setTick] = useState(0);
  const trips = useQuery(() => client.call('trips.mine', {}), [tick]);
  const views = useListViews<View>({ kind: 'list' });
  const view = views.view;
  // Kept as words to say, not said: it reads again in a language chosen after.
  const [said, setSaid] = useState<{ key: string; vars: Record<string, string> } | null>(null);

  const backToList = () => {
    views.back();
    setTick((n) => n + 1);
  };
  const open = (next: View) => {
    setSaid(null);
    views.open(next);
  };

  return (
    <div className="screen my-trips">
      <header className="screen-head">
        <h1>{t('trips.title')}</h1>
        <p className="muted">{t('trips.intro')}</p>
      </header>
      {said && <Notice kind="success">{t(said.key, said.vars)}</Notice>}
      <ErrorBanner error={trips.error} />
      {view.kind === 'stop' && (
        <StopForm
          key={view.stop.orderId}
          trip={view.trip}
          stop={view.stop}
          onDone={(outcome) => {
            setSaid({
              key: outcome === 'delivered' ? 'trips.deliveredSaid' : 'trips.failedSaid',
              vars: { seq: count(view.stop.seq), customer: view.stop.customerName ?? '—' },
            });
            backToList();
          }}
          onCancel={backToList}
        />
      )}
      {view.kind === 'note' && (
        <PdfPanel
          title={t('note.title', { number: view.number })}
          loadKey={view.orderId}
          load={() => client.call('trips.deliveryNote', { orderId: view.orderId })}
          words={{
            print: t('note.print'),
            save: t('note.save'),
            close: t('note.close'),
            loading: t('note.loading'),
          }}
          onClose={backToList}
        />
      )}
      <div hidden={view.kind !== 'list'} data-state={trips.loading ? 'loading' : 'ready'}>
        {trips.data?.length === 0 && <p className="muted">{t('trips.none')}</p>}
        {trips.data?.map((trip) => (
          <section
            key={trip.id}
            className="panel"
            aria-label={t('trips.trip', { number: trip.number })}
          >
            <header className="panel-head">
              <h2>{t('trips.trip', { number: trip.number })}</h2>
              <p className="muted">
                {t('trips.facts', {
                  vehicle: trip.vehicle,
                  n: count(trip.stops.length),
                  done: count(trip.stops.filter((s) => s.status !== 'pending').length),
                })}{' '}
                <span className="badge" data-trip-status={trip.status}>
                  {t(`tripStatus.${trip.status}`)}
                </span>
              </p>
            </header>
            <ol className="stops" style={bare} aria-label={t('trips.stops')}>
              {trip.stops.map((stop) => (
                <li
                  key={stop.orderId}
                  className="panel stop"
                  data-stop={stop.seq}
                  data-status={stop.status}
                >
                  <h3>
                    {t('stop.title', { seq: count(stop.seq), customer: stop.customerName ?? '—' })}{' '}
                    <span className={`badge status-${stop.status}`} data-stop-status={stop.status}>
                      {t(`stopStatus.${stop.status}`)}
                    </span>
                  </h3>
                  <p>
                    {stop.address ?? t('stop.noAddress')}
                    {stop.phone ? ` · ${stop.phone}` : ''}
                  </p>
                  <p className="muted small">{stop.orderNumber}</p>
                  <ul style={bare}>
                    {stop.lines.map((l) => (
                      <li key={l.lineNo}>
                        {t('stop.line', { n: count(l.quantity), sku: l.sku, name: l.name })}
                      </li>
                    ))}
                  </ul>
                  <div className="row">
                    {stop.status === 'pending' && (
                      <button
                        type="button"
                        className="btn primary"
                        data-open-stop={stop.seq}
                        onClick={() => open({ kind: 'stop', trip, stop })}
                      >
                        {t('stop.open', { seq: count(stop.seq) })}
                      </button>
                    )}
                    {stop.status === 'delivered' && (
                      <button
                        type="button"
                        className="btn"
                        data-open-note={stop.seq}
                        onClick={() =>
                          open({ kind: 'note', orderId: stop.orderId, number: stop.orderNumber })
                        }
                      >
                        {t('stop.openNote', { number: stop.orderNumber })}
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ol>
          </section>
        ))}
        <button type="button" className="btn" onClick={() => setTick((n) => n + 1)}>
          {t('trips.reload')}
        </button>
      </div>
    </div>
  );
}
