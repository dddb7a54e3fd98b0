// Planning a trip (or changing a planned one): the day, the driver, the vehicle, and the open
// orders as its stops, in the order the driver takes them. Stops are ordered by hand (Move up /
// Move down, or Alt+↑ / Alt+↓ on a focused stop) or by "Suggest order", nearest first from the
// customers' coordinates; stops without coordinates go last.
import { useState, type KeyboardEvent } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { FormActions } from '../../components/FormActions';
import { Field, FieldError, SelectField, TextField } from '../../components/Field';
import { FormPanel } from '../../components/FormPanel';
import { date, money, today } from '../../format';
import { useT } from '../../i18n';
import { moved } from './shared';

export interface PlanStop {
  orderId: string;
  number: string;
  customerName: string | null;
  address: string | null;
  located: boolean;
  total: number;
}

export interface TripPlanProps {
  branchId: string | undefined;
  /** A planned trip to change; absent, a new one. */
  trip?: {
    id: string;
    number: string;
    day: string;
    driverId: string;
    vehicle: string;
    stops: PlanStop[];
  };
  onSaved(tripId: string, number: string): void;
  onCancel(): void;
}

export function TripPlan({ branchId, trip, onSaved, onCancel }: TripPlanProps) {
  const t = useT('field');
  const client = useClient();
  const action = useAction();
  const suggesting = useAction();
  const [day, setDay] = useState(trip?.day ?? today());
  const [driverId, setDriverId] = useState(trip?.driverId ?? '');
  const [vehicle, setVehicle] = useState(trip?.vehicle ?? '');
  const [stops, setStops] = useState<PlanStop[]>(trip?.stops ?? []);
  const [suggested, setSuggested] = useState(false);
  const drivers = useQuery(() => client.call('users.drivers', {}), []);
  const open = useQuery(
    () => client.call('trips.openOrders', { ...(branchId && { branchId }) }),
    [branchId],
  );
  const onTrip = new Set(stops.map((s) => s.orderId));
  const waiting = (open.data ?? []).filter((o) => !onTrip.has(o.orderId));

  const focusStop = (orderId: string) =>
    setTimeout(
      () =>
        document
          .querySelector<HTMLElement>(`[data-stop="${orderId}"] [data-move]:not(:disabled)`)
          ?.focus(),
      0,
    );
  const move = (at: number, by: -1 | 1) => {
    const id = stops[at]?.orderId;
    setStops((s) => moved(s, at, by));
    setSuggested(false);
    if (id) focusStop(id);
  };
  const onStopKey = (e: KeyboardEvent<HTMLElement>, at: number) => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    e.stopPropagation();
    move(at, e.key === 'ArrowUp' ? -1 : 1);
  };
  const suggest = async () => {
    const answer = await suggesting.run(() =>
      client.call('trips.suggestOrder', { orderIds: stops.map((s) => s.orderId) }),
    );
    if (!answer) return;
    const byId = new Map(stops.map((s) => [s.orderId, s]));
    setStops(answer.orderIds.flatMap((id) => byId.get(id) ?? []));
    setSuggested(true);
  };
  const save = async () => {
    const orderIds = stops.map((s) => s.orderId);
    const done = await action.run(async () => {
      if (trip) {
        await client.call('trips.revise', { tripId: trip.id, day, driverId, vehicle, orderIds });
        return { tripId: trip.id, number: trip.number };
      }
      return client.call('trips.plan', {
        ...(branchId && { branchId }),
        day,
        driverId,
        vehicle,
        orderIds,
      });
    });
    if (done) onSaved(done.tripId, done.number);
  };
  const unlocated = stops.filter((s) => !s.located).length;
  const title = trip ? t('plan.changeTitle', { number: trip.number }) : t('plan.newTitle');

  return (
    <FormPanel className="trip-plan" title={title} onSubmit={() => void save()} onCancel={onCancel}>
      <div className="form-grid">
        <Field label={t('plan.day')} name="day" error={action.error}>
          {(p) => (
            <input
              {...p}
              type="date"
              autoFocus
              value={day}
              onChange={(e) => setDay(e.target.value)}
            />
          )}
        </Field>
        <SelectField
          label={t('plan.driver')}
          name="driverId"
          error={action.error ?? drivers.error}
          none={t('plan.chooseDriver')}
          choices={(drivers.data ?? []).map((d) => ({ value: d.id, label: d.displayName }))}
          value={driverId}
          onChange={setDriverId}
        />
        <TextField
          label={t('plan.vehicle')}
          name="vehicle"
          error={action.error}
          hint={t('plan.vehicleHint')}
          autoComplete="off"
          value={vehicle}
          onChange={setVehicle}
        />
      </div>
      <ErrorBanner error={drivers.error} />

      <h3 id="trip-stops">{t('plan.stops', { n: stops.length })}</h3>
      <p className="muted small">{t('plan.stopsHint')}</p>
      <ol className="stops plain" aria-labelledby="trip-stops" data-testid="plan-stops">
        {stops.length === 0 && <li className="muted">{t('plan.noStops')}</li>}
        {stops.map((s, i) => (
          <li
            key={s.orderId}
            className="stop row"
            data-stop={s.orderId}
            data-number={s.number}
            onKeyDown={(e) => onStopKey(e, i)}
          >
            <span className="strong">{i + 1}.</span>
            <span className="grow">
              {s.number} · {s.customerName ?? '—'}
              <span className="muted small">
                {' '}
                · {s.address ?? t('plan.noAddress')}
                {!s.located && ` · ${t('plan.noCoordinates')}`}
              </span>
            </span>
            <button
              type="button"
              className="btn"
              data-move="up"
              aria-label={t('plan.moveUp', { number: s.number })}
              aria-keyshortcuts="Alt+ArrowUp"
              disabled={i === 0}
              onClick={() => move(i, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="btn"
              data-move="down"
              aria-label={t('plan.moveDown', { number: s.number })}
              aria-keyshortcuts="Alt+ArrowDown"
              disabled={i === stops.length - 1}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
            <button
              type="button"
              className="btn"
              aria-label={t('plan.removeStop', { number: s.number })}
              onClick={() => setStops((list) => list.filter((x) => x.orderId !== s.orderId))}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      <FieldError error={action.error} name="orderIds" />
      <div className="toolbar">
        <button
          type="button"
          className="btn"
          disabled={stops.length < 2 || suggesting.busy}
          onClick={() => void suggest()}
        >
          {t('plan.suggest')}
        </button>
        <span className="muted small">{t('plan.suggestHint')}</span>
      </div>
      <ErrorBanner error={suggesting.error} />
      {suggested && (
        <Notice kind="info">
          {unlocated > 0 ? t('plan.suggestedUnlocated', { n: unlocated }) : t('plan.suggested')}
        </Notice>
      )}

      <h3 id="open-orders">{t('plan.open')}</h3>
      <ErrorBanner error={open.error} />
      <div className="table-wrap">
        <table
          className="table compact"
          aria-labelledby="open-orders"
          data-state={open.loading ? 'loading' : 'ready'}
        >
          <thead>
            <tr>
              <th scope="col">{t('col.number')}</th>
              <th scope="col">{t('col.customer')}</th>
              <th scope="col">{t('customer.address')}</th>
              <th scope="col" className="num">
                {t('col.total')}
              </th>
              <th scope="col">
                <span className="sr-only">{t('col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {!open.loading && waiting.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  {t('plan.noOpen')}
                </td>
              </tr>
            )}
            {waiting.map((o) => (
              <tr key={o.orderId} data-open-order={o.number}>
                <td>{o.number}</td>
                <td>{o.customerName ?? '—'}</td>
                <td>
                  {o.address ?? '—'}
                  {(o.latE6 === null || o.lngE6 === null) && (
                    <span className="muted small"> · {t('plan.noCoordinates')}</span>
                  )}
                </td>
                <td className="num">{money(o.total)}</td>
                <td>
                  <button
                    type="button"
                    className="btn"
                    aria-label={t('plan.addStop', { number: o.number })}
                    onClick={() => {
                      setStops((s) => [
                        ...s,
                        {
                          orderId: o.orderId,
                          number: o.number,
                          customerName: o.customerName,
                          address: o.address,
                          located: o.latE6 !== null && o.lngE6 !== null,
                          total: o.total,
                        },
                      ]);
                      setSuggested(false);
                    }}
                  >
                    {t('plan.add')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorBanner error={action.error} shown={['day', 'driverId', 'vehicle', 'orderIds']} />
      <FormActions
        save={trip ? t('plan.saveChanges') : t('plan.save')}
        disabled={action.busy}
        cancel={t('cancel')}
        onCancel={onCancel}
      >
        <span className="muted small">{t('plan.forDay', { day: day ? date(day) : '—' })}</span>
      </FormActions>
    </FormPanel>
  );
}
