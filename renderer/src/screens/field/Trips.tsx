// Trips (issue 16, decision 0034): the dispatcher's list of the branch's delivery trips, F2 plans
// a new one (day, driver, vehicle, open orders as stops, ordered by hand or nearest first), and
// each trip opens to print its sheet, follow its stops' proofs and close it with the cash counted.
// Head office chooses the branch first.
import { useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { ListTable } from '../../components/ListTable';
import { SelectField } from '../../components/Field';
import { useListViews } from '../../components/list-views';
import { date } from '../../format';
import { useT } from '../../i18n';
import { actsForAnyBranch } from '../../roles';
import { tripStatuses, type TripStatus } from '../../../../core/vocabulary';
import { TripDetail } from './TripDetail';
import { TripPlan } from './TripPlan';

type View = { kind: 'list' } | { kind: 'plan' } | { kind: 'trip'; tripId: string };

export function Trips() {
  const t = useT('field');
  const client = useClient();
  const user = useUser();
  const anyBranch = actsForAnyBranch(user.role);
  const [branchId, setBranchId] = useState<string>('');
  const [status, setStatus] = useState<TripStatus | ''>('');
  const { view, setView, open, back } = useListViews<View>({ kind: 'list' }, '.trips h1');
  const [tick, setTick] = useState(0);
  const [said, setSaid] = useState<string | null>(null);
  const branches = useQuery(
    () => (anyBranch ? client.call('branches.list', {}) : Promise.resolve([])),
    [anyBranch],
  );
  const places = (branches.data ?? []).filter((b) => b.kind !== 'head_office');
  const branch = anyBranch ? branchId || undefined : undefined;
  const trips = useQuery(
    () =>
      client.call('trips.list', { ...(branch && { branchId: branch }), ...(status && { status }) }),
    [branch, status, tick],
  );
  const rows = trips.data ?? [];

  const backToList = () => {
    back();
    setTick((n) => n + 1);
  };
  const plan = () => {
    setSaid(null);
    open({ kind: 'plan' });
  };
  const mayPlan = !anyBranch || Boolean(branch);

  return (
    <div
      className="screen trips"
      onKeyDown={(e) => {
        if (e.key === 'F2' && view.kind === 'list' && mayPlan && !e.defaultPrevented) {
          e.preventDefault();
          plan();
        }
      }}
    >
      {/* An open trip is a page of its own, with its own heading. */}
      {view.kind !== 'trip' && (
        <header className="screen-head row">
          <div>
            <h1 tabIndex={-1}>{t('trips.title')}</h1>
            <p className="muted">{t('trips.intro')}</p>
          </div>
          <span className="grow" />
          {view.kind === 'list' && (
            <button type="button" className="btn primary" disabled={!mayPlan} onClick={plan}>
              {t('trips.new')} <kbd>F2</kbd>
            </button>
          )}
        </header>
      )}
      {said && view.kind === 'list' && <Notice kind="success">{said}</Notice>}
      {view.kind === 'plan' && (
        <TripPlan
          branchId={branch}
          onCancel={backToList}
          onSaved={(tripId, number) => {
            setSaid(t('trips.planned', { number }));
            setTick((n) => n + 1);
            setView({ kind: 'trip', tripId });
          }}
        />
      )}
      {view.kind === 'trip' && (
        <TripDetail
          key={view.tripId}
          tripId={view.tripId}
          onBack={backToList}
          onChanged={() => setTick((n) => n + 1)}
        />
      )}
      <div hidden={view.kind !== 'list'}>
        <div className="toolbar">
          {anyBranch && (
            <SelectField
              label={t('trips.branch')}
              name="branchId"
              error={branches.error}
              none={t('trips.allBranches')}
              choices={places.map((b) => ({ value: b.id, label: b.name }))}
              value={branchId}
              onChange={setBranchId}
            />
          )}
          <SelectField
            label={t('filter.status')}
            name="status"
            error={undefined}
            none={t('filter.all')}
            choices={tripStatuses.map((s) => ({ value: s, label: t(`tripStatus.${s}`) }))}
            value={status}
            onChange={(v) => setStatus(v as TripStatus | '')}
          />
        </div>
        {anyBranch && !branch && <p className="muted small">{t('trips.chooseBranch')}</p>}
        <ErrorBanner error={trips.error} />
        <ListTable
          label={t('trips.table')}
          columns={[
            { label: t('trips.number') },
            { label: t('plan.day') },
            { label: t('plan.driver') },
            { label: t('plan.vehicle') },
            { label: t('col.status') },
            { label: t('trip.progress') },
          ]}
          loading={trips.loading}
          count={rows.length}
          empty={t('trips.empty')}
        >
          {rows.map((r) => (
            <tr key={r.id} data-trip={r.number} data-status={r.status}>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setSaid(null);
                    open({ kind: 'trip', tripId: r.id });
                  }}
                >
                  {r.number}
                </button>
              </td>
              <td>{date(r.day)}</td>
              <td>{r.driverName ?? '—'}</td>
              <td>{r.vehicle}</td>
              <td>{t(`tripStatus.${r.status}`)}</td>
              <td>
                {t('trip.progressCell', {
                  delivered: r.delivered,
                  failed: r.failed,
                  stops: r.stops,
                })}
              </td>
            </tr>
          ))}
        </ListTable>
      </div>
    </div>
  );
}
