// Admin: this PC's backups (take one now, put one back) and, at head office, the update feed the
// branch PCs install from (hold a version back, turn updates off). Where a host has neither, its
// answer is shown as information.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { isCode } from '../../errors';
import { ago, dateTime, diskSize } from '../../format';

type Backup = OutputOf<'backups.list'>['backups'][number];

/** An answer saying this host does not do it is information, not a failure. */
function NotHere({ error }: { error: unknown }) {
  if (isCode(error, 'INVALID_STATE') && error instanceof Error)
    return <Notice kind="info">{error.message}</Notice>;
  return <ErrorBanner error={error} />;
}

const labelText: Record<string, string> = {
  branch: 'This PC',
  store: 'Head-office store',
  replica: 'Head-office replica',
  postgres: 'Database',
  'before-restore': 'Taken before a restore',
};

/**
 * Whether the backup agrees with the manifest written with it. Listing compares sizes; the
 * checksum is read when a backup is restored, and a mismatch is refused then.
 */
const statusText: Record<Backup['status'], string> = {
  complete: 'Complete',
  'no-manifest': 'No manifest (older backup)',
  damaged: 'Damaged',
};

export function Backups() {
  return (
    <div className="screen">
      <header className="screen-head">
        <h1>Backups & updates</h1>
        <p className="muted">Copies of this PC’s data, and the app versions handed out.</p>
      </header>
      <BackupsPanel />
      <UpdatesPanel />
    </div>
  );
}

function BackupsPanel() {
  const client = useClient();
  const list = useQuery(() => client.call('backups.list', {}), []);
  const [restoring, setRestoring] = useState<Backup | null>(null);
  // A backup without a manifest is restored only when the admin says so (it is checked first).
  const [withoutManifest, setWithoutManifest] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const take = useAction();
  const restore = useAction();
  const o = list.data;
  const unavailable = isCode(list.error, 'INVALID_STATE');

  const backUpNow = async () => {
    setMessage(null);
    const made = await take.run(() => client.call('backups.create', {}));
    if (made) {
      setMessage(
        `Backed up: ${made.map((b) => `${b.file} (${diskSize(b.bytes)})`).join(', ') || 'done'}.`,
      );
      list.reload();
    }
  };

  const restoreIt = async (b: Backup) => {
    setMessage(null);
    const r = await restore.run(() =>
      client.call('backups.restore', { file: b.file, withoutManifest }),
    );
    setRestoring(null);
    setWithoutManifest(false);
    if (r) {
      setMessage(
        `Restored from ${r.restoredFrom}.` +
          (r.safetyCopy ? ` The data from before is kept as ${r.safetyCopy}.` : ''),
      );
      list.reload();
    }
  };

  return (
    <section className="panel">
      <div className="toolbar">
        <h2>Backups</h2>
        <span className="grow" />
        {!unavailable && (
          <button
            type="button"
            className="btn primary"
            disabled={take.busy || !o}
            onClick={() => void backUpNow()}
          >
            {take.busy ? 'Backing up…' : 'Back up now'}
          </button>
        )}
      </div>
      {message && <Notice kind="success">{message}</Notice>}
      <NotHere error={list.error} />
      <ErrorBanner error={take.error ?? restore.error} />
      {o && (
        <dl className="facts">
          <dt>Last backup</dt>
          <dd>
            {o.lastBackupAt ? `${dateTime(o.lastBackupAt)} (${ago(o.lastBackupAt)})` : 'never'}
          </dd>
          <dt>Folder</dt>
          <dd className="mono">{o.folder}</dd>
          <dt>Schedule</dt>
          <dd className="mono">{o.schedule}</dd>
          <dt>Kept for</dt>
          <dd>{o.keepDays} days</dd>
        </dl>
      )}
      {restoring && (
        <div
          className="panel inline-form"
          role="alertdialog"
          aria-label="Restore a backup"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setRestoring(null);
            }
          }}
        >
          <h2>Restore {restoring.file}?</h2>
          <p>
            All data on this PC goes back to how it was on{' '}
            <strong>{dateTime(restoring.takenAt)}</strong>. A backup of the current data is taken
            first, so this can be undone by restoring that copy.
          </p>
          {restoring.status === 'no-manifest' && (
            <label className="check">
              <input
                type="checkbox"
                checked={withoutManifest}
                onChange={(e) => setWithoutManifest(e.target.checked)}
              />{' '}
              This backup has no manifest (it was made before backups carried one), so nothing
              proves it is whole. Restore it anyway; it is checked for integrity first.
            </label>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="btn danger"
              autoFocus
              disabled={restore.busy || (restoring.status === 'no-manifest' && !withoutManifest)}
              onClick={() => void restoreIt(restoring)}
            >
              {restore.busy ? 'Restoring…' : 'Back up current data and restore'}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setRestoring(null);
                setWithoutManifest(false);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      {o && (
        <table className="table compact">
          <thead>
            <tr>
              <th>Taken</th>
              <th>What</th>
              <th>File</th>
              <th className="num">Size</th>
              <th>Check</th>
              <th className="actions-col" />
            </tr>
          </thead>
          <tbody>
            {o.backups.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No backups yet.
                </td>
              </tr>
            )}
            {o.backups.map((b) => (
              <tr key={b.file}>
                <td>
                  {dateTime(b.takenAt)} <span className="muted">({ago(b.takenAt)})</span>
                </td>
                <td>{labelText[b.label] ?? b.label}</td>
                <td className="mono">{b.file}</td>
                <td className="num">{diskSize(b.bytes)}</td>
                <td className={b.status === 'complete' ? undefined : 'negative'}>
                  {statusText[b.status]}
                </td>
                <td className="actions-col">
                  <button
                    type="button"
                    className="btn small danger-outline"
                    disabled={b.status === 'damaged'}
                    title={b.status === 'damaged' ? 'Damaged: choose an older backup' : undefined}
                    onClick={() => setRestoring(b)}
                  >
                    Restore…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function UpdatesPanel() {
  const client = useClient();
  const status = useQuery(() => client.call('updates.status', {}), []);
  const [version, setVersion] = useState('');
  const configure = useAction();
  const [saved, setSaved] = useState<OutputOf<'updates.status'> | null>(null);
  const s = saved ?? status.data;

  const change = async (c: { enabled?: boolean; heldBack?: string[] }) => {
    const r = await configure.run(() => client.call('updates.configure', c));
    if (r) {
      setSaved(r);
      setVersion('');
    }
  };

  return (
    <section className="panel">
      <h2>App updates</h2>
      <NotHere error={status.error} />
      {s && (
        <>
          <dl className="facts">
            <dt>Updates</dt>
            <dd>
              {s.enabled ? (
                <span className="badge status-delivered">On</span>
              ) : (
                <span className="badge status-cancelled">Off — no PC is offered an update</span>
              )}
            </dd>
            <dt>Held back</dt>
            <dd>{s.heldBack.join(', ') || 'none'}</dd>
          </dl>
          <ErrorBanner error={configure.error} shown={['heldBack']} />
          <div className="form-actions">
            <button
              type="button"
              className={s.enabled ? 'btn danger-outline' : 'btn primary'}
              disabled={configure.busy}
              onClick={() => void change({ enabled: !s.enabled })}
            >
              {s.enabled ? 'Turn updates off' : 'Turn updates on'}
            </button>
          </div>
          <table className="table compact">
            <thead>
              <tr>
                <th>Channel</th>
                <th>Versions in the feed</th>
                <th>Handed out</th>
              </tr>
            </thead>
            <tbody>
              {s.channels.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    No installers uploaded yet.
                  </td>
                </tr>
              )}
              {s.channels.map((c) => (
                <tr key={c.channel}>
                  <td>{c.channel}</td>
                  <td>
                    {c.versions.map((v) => (
                      <span key={v} className={s.heldBack.includes(v) ? 'muted' : undefined}>
                        {v}
                        {s.heldBack.includes(v) ? ' (held back)' : ''}{' '}
                      </span>
                    ))}
                  </td>
                  <td className="strong">{c.served ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <form
            className="form-row"
            aria-label="Hold back a version"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const v = version.trim();
              // First in the list, so the core's complaint (heldBack.0) lands beside the box.
              void change({ heldBack: [v, ...s.heldBack.filter((h) => h !== v)] });
            }}
          >
            <TextField
              label="Version"
              name="heldBack.0"
              error={configure.error}
              autoComplete="off"
              placeholder="1.4.0"
              value={version}
              onChange={setVersion}
            />
            <button type="submit" className="btn" disabled={configure.busy || !version.trim()}>
              Hold back version
            </button>
          </form>
          {s.heldBack.length > 0 && (
            <div className="form-actions">
              {s.heldBack.map((v) => (
                <button
                  key={v}
                  type="button"
                  className="btn small"
                  disabled={configure.busy}
                  onClick={() => void change({ heldBack: s.heldBack.filter((h) => h !== v) })}
                >
                  Release {v}
                </button>
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}
