// Admin: this PC's connection to head office, and (at head office) the enrolled PCs, what each
// branch still has to send, enrollment codes for new PCs, and revoking a lost one.
import { useEffect, useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field } from '../../components/Field';
import { isCode } from '../../errors';
import { breakAnywhere, RepinCodeButton, RepinThisPc } from './CertificateRepin';
import type { OutputOf } from '../../client';
import { ago, count, counted, dateTime, diskSize } from '../../format';
import { can } from '../../roles';
import { nextTryWords, problemWords, progressWords } from '../../sync-words';

/** Older than a day, a backup is shown in red, as head office warns: backups have stopped. */
const STALE_BACKUP_MS = 24 * 60 * 60 * 1000;

function BackupAge({ at }: { at: number | null }) {
  if (at === null) return <span className="negative">never</span>;
  const stale = Date.now() - at > STALE_BACKUP_MS;
  return (
    <span className={stale ? 'negative' : undefined} title={dateTime(at)}>
      {ago(at)}
    </span>
  );
}

const freeDisk = (bytes: number | null) => (bytes === null ? '—' : diskSize(bytes));

/** A head-office-only answer on a branch PC is information, not a failure. */
function HeadOfficeOnly({ error }: { error: unknown }) {
  if (isCode(error, 'INVALID_STATE') && error instanceof Error)
    return <Notice kind="info">{error.message}</Notice>;
  return <ErrorBanner error={error} />;
}

export function SyncDevices() {
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
        <h1>Sync & devices</h1>
      </header>
      <section className="panel" style={breakAnywhere}>
        <h2>{s?.headOffice ? 'This server' : 'This PC'}</h2>
        <ErrorBanner error={status.error ?? sync.error} />
        {!s || !s.enrolled ? (
          <p>
            This PC <strong>works on its own</strong>: it is not enrolled with a head office, so
            nothing is sent or received.
          </p>
        ) : (
          <dl className="facts">
            {s.headOffice ? (
              <>
                <dt>This is</dt>
                <dd>head office: branch PCs sync with it</dd>
                <dt>Branches' work in as of</dt>
                <dd>{s.lastSyncAt ? dateTime(s.lastSyncAt) : 'nothing yet'}</dd>
              </>
            ) : (
              <>
                <dt>Head office</dt>
                <dd>{s.serverUrl}</dd>
                <dt>Connection</dt>
                <dd>{s.online ? 'Online' : 'Offline'}</dd>
                <dt>Waiting to send</dt>
                <dd>{counted(s.pending, 'event')}</dd>
                <dt>Last sync</dt>
                <dd>{s.lastSyncAt ? dateTime(s.lastSyncAt) : 'never'}</dd>
              </>
            )}
            {problem && (
              <>
                <dt>Last problem</dt>
                <dd>
                  {problem.long}
                  {problem.detail && <div className="muted">{problem.detail}</div>}
                </dd>
              </>
            )}
            {!s.online && nextTryWords(s.nextTryAt) && (
              <>
                <dt>Next try</dt>
                <dd>{nextTryWords(s.nextTryAt)}, by itself</dd>
              </>
            )}
            {s.clockWarning && (
              <>
                <dt>Clock</dt>
                <dd role="alert">{s.clockWarning}</dd>
              </>
            )}
            <dt>Conflicts</dt>
            <dd>{count(s.conflicts)}</dd>
            {s.refused.length > 0 && (
              <>
                <dt>Refused by head office</dt>
                <dd>
                  <ul className="plain">
                    {s.refused.map((r) => (
                      <li key={r.eventId}>
                        {dateTime(r.createdAt)}: {r.message} ({r.code}); taken back here
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
            <dt>Negative stock</dt>
            <dd>{counted(s.negativeStock, 'item')}</dd>
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
            {busy ? `Syncing… ${progressWords(s.progress)}` : 'Sync now'}
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
      <h2>Devices and branches</h2>
      <HeadOfficeOnly error={devices.error} />
    </section>
  ) : (
    <>
      <section className="panel">
        <h2>Enroll a new PC</h2>
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
          <Field label="For branch" name="branchId" error={enroll.error}>
            {(p) => (
              <select {...p} value={branchId} onChange={(e) => setBranchId(e.target.value)}>
                <option value="">Choose…</option>
                {(branches.data ?? []).map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name} ({b.code})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="btn" disabled={enroll.busy}>
            Create enrollment code
          </button>
        </form>
        <HeadOfficeOnly error={enroll.error} />
        {code && (
          <Notice kind="success">
            Code <strong className="mono">{code.code}</strong> — type it on the new PC before{' '}
            {dateTime(code.expiresAt)}.
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
  const { devices, branches } = props;
  const backupOf = new Map(props.backups.map((b) => [b.deviceId, b]));
  return (
    <section className="panel">
      <h2 id="enrolled-pcs">Enrolled PCs</h2>
      <ErrorBanner error={devices.error ?? props.error} />
      {devices.data && (
        <table className="table compact wide-fit" aria-labelledby="enrolled-pcs">
          <thead>
            <tr>
              <th>PC</th>
              <th>Branch</th>
              <th>Enrolled</th>
              <th>Last seen</th>
              <th>Version</th>
              <th className="num">Waiting</th>
              <th>Last backup</th>
              <th className="num">Free disk</th>
              <th />
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
                <td>{d.lastSeenAt ? dateTime(d.lastSeenAt) : 'never'}</td>
                <td>
                  {d.appVersion ?? '—'}
                  {d.updateRefused && (
                    <span className="negative" role="note">
                      {' '}
                      · refused update {d.updateRefused.version} ({d.updateRefused.code},{' '}
                      {dateTime(d.updateRefused.at)}): {d.updateRefused.message}
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
                    'Revoked'
                  ) : d.server ? (
                    <span className="muted">This server</span>
                  ) : (
                    <>
                      <button
                        type="button"
                        className="btn small danger-outline"
                        onClick={() => props.onRevoke(d.id)}
                      >
                        Revoke
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
  const refusals = state.data?.refusals ?? [];
  if (refusals.length === 0) return null;
  return (
    <section className="panel">
      <h2>Events head office refused</h2>
      <p className="hint">
        Each was sent by a branch PC but not allowed for that PC's branch or person; it changed
        nothing anywhere, and the PC took it back.
      </p>
      <table className="table compact wide-fit">
        <thead>
          <tr>
            <th>When</th>
            <th>Branch</th>
            <th>Device</th>
            <th>What</th>
            <th>Why</th>
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
  if (pc.lastBackupAt === null) return <span className="negative">never</span>;
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
  const warnings = [
    ...(state.data?.server?.backupWarning ? [state.data.server.backupWarning] : []),
    ...(state.data?.branches ?? []).flatMap((b) =>
      b.health.backupWarning ? [`${b.name} (${b.code}): ${b.health.backupWarning}`] : [],
    ),
  ];
  return (
    <section className="panel">
      <h2>What each branch still has to send, and its health</h2>
      <ErrorBanner error={state.error} />
      {warnings.length > 0 && (
        <Notice kind="warning">
          <ul className="plain" aria-label="Backup warnings">
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
              <th>Branch</th>
              <th>Last seen</th>
              <th className="num">Events waiting</th>
              <th>App versions</th>
              <th>Oldest last backup</th>
              <th>Each PC's last backup</th>
              <th className="num">Free disk</th>
            </tr>
          </thead>
          <tbody>
            {state.data.branches.map((b) => (
              <tr key={b.id}>
                <td>
                  {b.name} ({b.code})
                </td>
                <td>{b.lastSeenAt ? dateTime(b.lastSeenAt) : 'never'}</td>
                <td className="num">{count(b.eventsWaiting)}</td>
                <td>{b.appVersions.join(', ') || '—'}</td>
                <td>
                  {b.backups.length === 0 ? (
                    <span className="muted">no PCs</span>
                  ) : (
                    <BackupAge at={b.health.lastBackupAt} />
                  )}
                </td>
                <td>
                  <ul className="plain" aria-label={`Backups of ${b.code}'s PCs`}>
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
                <td className="strong">Head-office server</td>
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
