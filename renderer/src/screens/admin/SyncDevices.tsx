// Admin: this PC's connection to head office, and (at head office) the enrolled PCs, what each
// branch still has to send, enrollment codes for new PCs, and revoking a lost one.
import { useEffect, useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field } from '../../components/Field';
import { bannerMessage, isCode } from '../../errors';
import { breakAnywhere, RepinCodeButton, RepinThisPc } from './CertificateRepin';
import type { OutputOf } from '../../client';
import { ago, count, dateTime, diskSize } from '../../format';
import { useT, type Translate } from '../../i18n';
import { can } from '../../roles';
import { nextTryWords, problemWords, progressWords } from '../../sync-words';

/** Older than a day, a backup is shown in red, as head office warns: backups have stopped. */
const STALE_BACKUP_MS = 24 * 60 * 60 * 1000;

function BackupAge({ at }: { at: number | null }) {
  const t = useT('sync');
  if (at === null) return <span className="negative">{t('devices.backupNever')}</span>;
  const stale = Date.now() - at > STALE_BACKUP_MS;
  return (
    <span className={stale ? 'negative' : undefined} title={dateTime(at)}>
      {ago(at)}
    </span>
  );
}

const freeDisk = (bytes: number | null) => (bytes === null ? '—' : diskSize(bytes));

/** "1 event", "3 events": the count as the company writes numbers, the noun by its number. */
const counted = (t: Translate, n: number, one: string, many: string) =>
  t(n === 1 ? one : many, { n: count(n) });

/** A head-office-only answer on a branch PC is information, not a failure. */
function HeadOfficeOnly({ error }: { error: unknown }) {
  if (isCode(error, 'INVALID_STATE') && error instanceof Error)
    return <Notice kind="info">{bannerMessage(error)}</Notice>;
  return <ErrorBanner error={error} />;
}

export function SyncDevices() {
  const t = useT('sync');
  const client = useClient();
  const user = useUser();
  const status = useQuery(() => client.call('sync.status', {}), []);
  const sync = useAction();
  const s = status.data;
  const busy = sync.busy || Boolean(s?.syncing);
  const problem = s ? problemWords(s) : null;
  const { reload } = status;
  // Kept current as the background sync goes on; while a round runs, its progress as it moves.
  useEffect(() => {
    const timer = setInterval(reload, busy ? 500 : 5_000);
    return () => clearInterval(timer);
    // reload is a new function each render but always does the same thing.
  }, [busy]);

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('devices.title')}</h1>
      </header>
      <section className="panel" style={breakAnywhere}>
        <h2>{s?.headOffice ? t('devices.thisServer') : t('devices.thisPc')}</h2>
        <ErrorBanner error={status.error ?? sync.error} />
        {!s || !s.enrolled ? (
          <p>
            {t('devices.standalone.before')} <strong>{t('devices.standalone.strong')}</strong>
            {t('devices.standalone.after')}
          </p>
        ) : (
          <dl className="facts">
            {s.headOffice ? (
              <>
                <dt>{t('devices.facts.thisIs')}</dt>
                <dd>{t('devices.facts.headOfficeRole')}</dd>
                <dt>{t('devices.facts.branchesIn')}</dt>
                <dd>{s.lastSyncAt ? dateTime(s.lastSyncAt) : t('devices.facts.nothingYet')}</dd>
              </>
            ) : (
              <>
                <dt>{t('devices.facts.headOffice')}</dt>
                <dd>{s.serverUrl}</dd>
                <dt>{t('devices.facts.connection')}</dt>
                <dd>{s.online ? t('devices.facts.online') : t('devices.facts.offline')}</dd>
                <dt>{t('devices.facts.waiting')}</dt>
                <dd>{counted(t, s.pending, 'devices.facts.event', 'devices.facts.events')}</dd>
                <dt>{t('devices.facts.lastSync')}</dt>
                <dd>{s.lastSyncAt ? dateTime(s.lastSyncAt) : t('devices.facts.neverSynced')}</dd>
              </>
            )}
            {problem && (
              <>
                <dt>{t('devices.facts.lastProblem')}</dt>
                <dd>
                  {problem.long}
                  {problem.detail && <div className="muted">{problem.detail}</div>}
                </dd>
              </>
            )}
            {!s.online && nextTryWords(s.nextTryAt) && (
              <>
                <dt>{t('devices.facts.nextTry')}</dt>
                <dd>{t('devices.facts.byItself', { when: nextTryWords(s.nextTryAt) ?? '' })}</dd>
              </>
            )}
            {s.clockWarning && (
              <>
                <dt>{t('devices.facts.clock')}</dt>
                <dd role="alert">{s.clockWarning}</dd>
              </>
            )}
            <dt>{t('devices.facts.conflicts')}</dt>
            <dd>{count(s.conflicts)}</dd>
            {s.refused.length > 0 && (
              <>
                <dt>{t('devices.facts.refused')}</dt>
                <dd>
                  <ul className="plain">
                    {s.refused.map((r) => (
                      <li key={r.eventId}>
                        {t('devices.facts.refusedItem', {
                          at: dateTime(r.createdAt),
                          message: r.message,
                          code: r.code,
                        })}
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
            <dt>{t('devices.facts.negativeStock')}</dt>
            <dd>{counted(t, s.negativeStock, 'devices.facts.item', 'devices.facts.items')}</dd>
          </dl>
        )}
        {s?.enrolled && (
          <button
            type="button"
            className="btn primary"
            disabled={busy}
            onClick={() => {
              const task = sync.run(() => client.call('sync.now', {}));
              reload();
              void task.then(() => status.reload());
            }}
          >
            {busy
              ? t('devices.syncing', { progress: progressWords(s.progress) })
              : t('devices.syncNow')}
          </button>
        )}
      </section>

      {s?.enrolled && (
        <RepinThisPc
          status={s}
          refused={isCode(sync.error, 'CERTIFICATE_CHANGED')}
          onDone={() => {
            // The refusal a failed "Sync now" left on screen no longer holds: the PC has synced.
            sync.setError(undefined);
            status.reload();
          }}
        />
      )}

      {/* Everyone at a PC may see it and re-pin it; the devices of every branch are the admin's. */}
      {can(user, 'branches.manage') && <BranchDevices />}
    </div>
  );
}

type Query<T> = { data: T | undefined; error: unknown };
type Devices = OutputOf<'devices.list'>;
type Branch = OutputOf<'branches.list'>[number];

/** Enrolling, listing and revoking PCs: answered by head office, for those who manage branches. */
function BranchDevices() {
  const t = useT('sync');
  const client = useClient();
  const devices = useQuery(() => client.call('devices.list', {}), []);
  const state = useQuery(() => client.call('devices.syncState', {}), []);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const [branchId, setBranchId] = useState('');
  const [code, setCode] = useState<{ code: string; expiresAt: number } | null>(null);
  const enroll = useAction();
  const revoke = useAction();
  // Every head-office operation gives the same answer on a branch PC: say it once.
  const notHeadOffice = isCode(devices.error, 'INVALID_STATE');
  return notHeadOffice ? (
    <section className="panel">
      <h2>{t('devices.devicesAndBranches')}</h2>
      <HeadOfficeOnly error={devices.error} />
    </section>
  ) : (
    <>
      <section className="panel">
        <h2>{t('devices.enroll.title')}</h2>
        <form
          className="form-row"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void enroll
              .run(() => client.call('devices.enrollmentCode', { branchId }))
              .then((c) => c && setCode(c));
          }}
        >
          <Field label={t('devices.enroll.forBranch')} name="branchId" error={enroll.error}>
            {(p) => (
              <select {...p} value={branchId} onChange={(e) => setBranchId(e.target.value)}>
                <option value="">{t('devices.enroll.choose')}</option>
                {(branches.data ?? []).map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name} ({b.code})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="btn" disabled={enroll.busy}>
            {t('devices.enroll.create')}
          </button>
        </form>
        <HeadOfficeOnly error={enroll.error} />
        {code && (
          <Notice kind="success">
            {t('devices.enroll.code')} <strong className="mono">{code.code}</strong>{' '}
            {t('devices.enroll.typeIt', { before: dateTime(code.expiresAt) })}
          </Notice>
        )}
      </section>
      <DeviceTable
        devices={devices}
        branches={branches.data ?? []}
        backups={state.data?.branches.flatMap((b) => b.backups) ?? []}
        onRevoke={(deviceId) =>
          void revoke
            .run(() => client.call('devices.revoke', { deviceId }))
            .then(() => devices.reload())
        }
        error={revoke.error}
      />
      <BranchStates state={state} />
      <Refusals state={state} />
    </>
  );
}

function DeviceTable(props: {
  devices: Query<Devices>;
  branches: Branch[];
  /** Head office's view of each PC's backup (the server's stands in for its own replica). */
  backups: PcBackup[];
  onRevoke(deviceId: string): void;
  error: unknown;
}) {
  const t = useT('sync');
  const { devices, branches } = props;
  const backupOf = new Map(props.backups.map((b) => [b.deviceId, b]));
  return (
    <section className="panel">
      <h2 id="enrolled-pcs">{t('devices.pcs.title')}</h2>
      <ErrorBanner error={devices.error ?? props.error} />
      {devices.data && (
        <table className="table compact wide-fit" aria-labelledby="enrolled-pcs">
          <thead>
            <tr>
              <th>{t('devices.pcs.pc')}</th>
              <th>{t('devices.pcs.branch')}</th>
              <th>{t('devices.pcs.enrolled')}</th>
              <th>{t('devices.pcs.lastSeen')}</th>
              <th>{t('devices.pcs.version')}</th>
              <th className="num">{t('devices.pcs.waiting')}</th>
              <th>{t('devices.pcs.lastBackup')}</th>
              <th className="num">{t('devices.pcs.freeDisk')}</th>
              <th>
                <span className="sr-only">{t('devices.pcs.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {devices.data.map((d) => (
              <tr key={d.id} className={d.revokedAt ? 'muted' : undefined}>
                <td>
                  {d.name} #{d.number}
                </td>
                <td>{branches.find((b) => b.id === d.branchId)?.name ?? d.branchId}</td>
                <td>{dateTime(d.enrolledAt)}</td>
                <td>{d.lastSeenAt ? dateTime(d.lastSeenAt) : t('devices.pcs.neverSeen')}</td>
                <td>
                  {d.appVersion ?? '—'}
                  {d.updateRefused && (
                    <span className="negative" role="note">
                      {' '}
                      {t('devices.pcs.refusedUpdate', {
                        version: d.updateRefused.version,
                        code: d.updateRefused.code,
                        at: dateTime(d.updateRefused.at),
                        message: d.updateRefused.message,
                      })}
                    </span>
                  )}
                </td>
                <td className="num">{count(d.pending)}</td>
                <td>
                  {d.revokedAt ? (
                    '—'
                  ) : (
                    <PcBackupOrAge pc={backupOf.get(d.id)} at={d.lastBackupAt} />
                  )}
                </td>
                <td className="num">{freeDisk(d.freeDiskBytes)}</td>
                <td>
                  {d.revokedAt ? (
                    t('devices.pcs.revoked')
                  ) : d.server ? (
                    <span className="muted">{t('devices.pcs.thisServer')}</span>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="btn small danger-outline"
                        onClick={() => props.onRevoke(d.id)}
                      >
                        {t('devices.pcs.revoke')}
                      </button>{' '}
                      <RepinCodeButton deviceId={d.id} />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Refusals({ state }: { state: Query<OutputOf<'devices.syncState'>> }) {
  const t = useT('sync');
  const refusals = state.data?.refusals ?? [];
  if (refusals.length === 0) return null;
  return (
    <section className="panel">
      <h2>{t('devices.refusals.title')}</h2>
      <p className="hint">{t('devices.refusals.hint')}</p>
      <table className="table compact wide-fit">
        <thead>
          <tr>
            <th>{t('devices.refusals.when')}</th>
            <th>{t('devices.refusals.branch')}</th>
            <th>{t('devices.refusals.device')}</th>
            <th>{t('devices.refusals.what')}</th>
            <th>{t('devices.refusals.why')}</th>
          </tr>
        </thead>
        <tbody>
          {refusals.map((r) => (
            <tr key={r.eventId}>
              <td>{dateTime(r.at)}</td>
              <td>{state.data?.branches.find((b) => b.id === r.branchId)?.code ?? r.branchId}</td>
              <td>{r.deviceId.slice(0, 8)}</td>
              <td>{r.type}</td>
              <td>
                {r.code}: {r.message}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type PcBackup = OutputOf<'devices.syncState'>['branches'][number]['backups'][number];

/** Head office decides what is stale or never, so every screen shows the same. */
function PcBackupAge({ pc }: { pc: PcBackup }) {
  const t = useT('sync');
  if (pc.lastBackupAt === null) return <span className="negative">{t('devices.backupNever')}</span>;
  return (
    <span
      className={pc.backup === 'stale' ? 'negative' : undefined}
      title={dateTime(pc.lastBackupAt)}
    >
      {ago(pc.lastBackupAt)}
    </span>
  );
}

function PcBackupOrAge({ pc, at }: { pc: PcBackup | undefined; at: number | null }) {
  return pc ? <PcBackupAge pc={pc} /> : <BackupAge at={at} />;
}

function BranchStates({ state }: { state: Query<OutputOf<'devices.syncState'>> }) {
  const t = useT('sync');
  const warnings = [
    ...(state.data?.server?.backupWarning ? [state.data.server.backupWarning] : []),
    ...(state.data?.branches ?? []).flatMap((b) =>
      b.health.backupWarning ? [`${b.name} (${b.code}): ${b.health.backupWarning}`] : [],
    ),
  ];
  return (
    <section className="panel">
      <h2>{t('devices.states.title')}</h2>
      <ErrorBanner error={state.error} />
      {warnings.length > 0 && (
        <Notice kind="warning">
          <ul className="plain" aria-label={t('devices.states.backupWarnings')}>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Notice>
      )}
      {state.data && (
        <table className="table compact wide-fit">
          <thead>
            <tr>
              <th>{t('devices.states.branch')}</th>
              <th>{t('devices.states.lastSeen')}</th>
              <th className="num">{t('devices.states.eventsWaiting')}</th>
              <th>{t('devices.states.appVersions')}</th>
              <th>{t('devices.states.oldestBackup')}</th>
              <th>{t('devices.states.eachBackup')}</th>
              <th className="num">{t('devices.states.freeDisk')}</th>
            </tr>
          </thead>
          <tbody>
            {state.data.branches.map((b) => (
              <tr key={b.id}>
                <td>
                  {b.name} ({b.code})
                </td>
                <td>{b.lastSeenAt ? dateTime(b.lastSeenAt) : t('devices.states.neverSeen')}</td>
                <td className="num">{count(b.eventsWaiting)}</td>
                <td>{b.appVersions.join(', ') || '—'}</td>
                <td>
                  {b.backups.length === 0 ? (
                    <span className="muted">{t('devices.states.noPcs')}</span>
                  ) : (
                    <BackupAge at={b.health.lastBackupAt} />
                  )}
                </td>
                <td>
                  <ul
                    className="plain"
                    aria-label={t('devices.states.backupsOf', { branch: b.code })}
                  >
                    {b.backups.map((pc) => (
                      <li key={pc.deviceId}>
                        {pc.name} #{pc.number}: <PcBackupAge pc={pc} />
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="num">{freeDisk(b.health.freeDiskBytes)}</td>
              </tr>
            ))}
            {state.data.server && (
              <tr>
                <td className="strong">{t('devices.states.server')}</td>
                <td>—</td>
                <td className="num">—</td>
                <td>—</td>
                <td>
                  <BackupAge at={state.data.server.lastBackupAt} />
                </td>
                <td>—</td>
                <td className="num">{freeDisk(state.data.server.freeDiskBytes)}</td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </section>
  );
}
