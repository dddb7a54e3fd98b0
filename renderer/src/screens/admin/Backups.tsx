// Admin: this PC's backups (take one now, put one back) and, at head office, the update feed the
// branch PCs install from (hold a version back, turn updates off). Where a host has neither, its
// answer is shown as information.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { bannerMessage, isCode } from '../../errors';
import { ago, dateTime, diskSize } from '../../format';
import { useT } from '../../i18n';

type Backup = OutputOf<'backups.list'>['backups'][number];

/** An answer saying this host does not do it is information, not a failure. */
function NotHere({ error }: { error: unknown }) {
  if (isCode(error, 'INVALID_STATE') && error instanceof Error)
    return <Notice kind="info">{bannerMessage(error)}</Notice>;
  return <ErrorBanner error={error} />;
}

/** What a backup is a copy of: ops.json's `backups.label.<label>`. */
const labels = ['branch', 'store', 'replica', 'postgres', 'before-restore'];

/**
 * Whether the backup agrees with the manifest written with it. Listing compares sizes; the
 * checksum is read when a backup is restored, and a mismatch is refused then.
 */
const statusKey: Record<Backup['status'], string> = {
  complete: 'backups.status.complete',
  'no-manifest': 'backups.status.noManifest',
  damaged: 'backups.status.damaged',
};

export function Backups() {
  const t = useT('ops');
  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('backups.title')}</h1>
        <p className="muted">{t('backups.intro')}</p>
      </header>
      <BackupsPanel />
      <UpdatesPanel />
    </div>
  );
}

function BackupsPanel() {
  const t = useT('ops');
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
        t('backups.made', {
          files:
            made.map((b) => `${b.file} (${diskSize(b.bytes)})`).join(', ') || t('backups.done'),
        }),
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
        t('backups.restored', { file: r.restoredFrom }) +
          (r.safetyCopy ? ` ${t('backups.safetyCopy', { file: r.safetyCopy })}` : ''),
      );
      list.reload();
    }
  };

  return (
    <section className="panel">
      <div className="toolbar">
        <h2>{t('backups.heading')}</h2>
        <span className="grow" />
        {!unavailable && (
          <button
            type="button"
            className="btn primary"
            disabled={take.busy || !o}
            onClick={() => void backUpNow()}
          >
            {take.busy ? t('backups.backingUp') : t('backups.now')}
          </button>
        )}
      </div>
      {message && <Notice kind="success">{message}</Notice>}
      <NotHere error={list.error} />
      <ErrorBanner error={take.error ?? restore.error} />
      {o && (
        <dl className="facts">
          <dt>{t('backups.last')}</dt>
          <dd>
            {o.lastBackupAt
              ? `${dateTime(o.lastBackupAt)} (${ago(o.lastBackupAt)})`
              : t('backups.never')}
          </dd>
          <dt>{t('backups.folder')}</dt>
          <dd className="mono">{o.folder}</dd>
          <dt>{t('backups.schedule')}</dt>
          <dd className="mono">{o.schedule}</dd>
          <dt>{t('backups.keptFor')}</dt>
          <dd>{t('backups.days', { n: o.keepDays })}</dd>
        </dl>
      )}
      {restoring && (
        <div
          className="panel inline-form"
          role="alertdialog"
          aria-label={t('backups.restoreLabel')}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setRestoring(null);
            }
          }}
        >
          <h2>{t('backups.restoreTitle', { file: restoring.file })}</h2>
          <p>{t('backups.restoreText', { at: dateTime(restoring.takenAt) })}</p>
          {restoring.status === 'no-manifest' && (
            <label className="check">
              <input
                type="checkbox"
                checked={withoutManifest}
                onChange={(e) => setWithoutManifest(e.target.checked)}
              />{' '}
              {t('backups.noManifestAnyway')}
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
              {restore.busy ? t('backups.restoring') : t('backups.restoreSubmit')}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setRestoring(null);
                setWithoutManifest(false);
              }}
            >
              {t('backups.cancel')}
            </button>
          </div>
        </div>
      )}
      {o && (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('backups.taken')}</th>
              <th>{t('backups.what')}</th>
              <th>{t('backups.file')}</th>
              <th className="num">{t('backups.size')}</th>
              <th>{t('backups.check')}</th>
              <th className="actions-col">
                <span className="sr-only">{t('backups.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {o.backups.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  {t('backups.none')}
                </td>
              </tr>
            )}
            {o.backups.map((b) => (
              <tr key={b.file}>
                <td>
                  {dateTime(b.takenAt)} <span className="muted">({ago(b.takenAt)})</span>
                </td>
                <td>{labels.includes(b.label) ? t(`backups.label.${b.label}`) : b.label}</td>
                <td className="mono">{b.file}</td>
                <td className="num">{diskSize(b.bytes)}</td>
                <td className={b.status === 'complete' ? undefined : 'negative'}>
                  {t(statusKey[b.status])}
                </td>
                <td className="actions-col">
                  <button
                    type="button"
                    className="btn small danger-outline"
                    disabled={b.status === 'damaged'}
                    title={b.status === 'damaged' ? t('backups.damagedTitle') : undefined}
                    onClick={() => setRestoring(b)}
                  >
                    {t('backups.restore')}
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
  const t = useT('ops');
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
      <h2>{t('updates.title')}</h2>
      <NotHere error={status.error} />
      {s && (
        <>
          <dl className="facts">
            <dt>{t('updates.updates')}</dt>
            <dd>
              {s.enabled ? (
                <span className="badge status-delivered">{t('updates.on')}</span>
              ) : (
                <span className="badge status-cancelled">{t('updates.off')}</span>
              )}
            </dd>
            <dt>{t('updates.heldBack')}</dt>
            <dd>{s.heldBack.join(', ') || t('updates.none')}</dd>
          </dl>
          <ErrorBanner error={configure.error} shown={['heldBack']} />
          <div className="form-actions">
            <button
              type="button"
              className={s.enabled ? 'btn danger-outline' : 'btn primary'}
              disabled={configure.busy}
              onClick={() => void change({ enabled: !s.enabled })}
            >
              {s.enabled ? t('updates.turnOff') : t('updates.turnOn')}
            </button>
          </div>
          <table className="table compact">
            <thead>
              <tr>
                <th>{t('updates.channel')}</th>
                <th>{t('updates.versions')}</th>
                <th>{t('updates.served')}</th>
              </tr>
            </thead>
            <tbody>
              {s.channels.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    {t('updates.noInstallers')}
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
                        {s.heldBack.includes(v) ? ` ${t('updates.heldBackMark')}` : ''}{' '}
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
            aria-label={t('updates.holdLabel')}
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const v = version.trim();
              // First in the list, so the core's complaint (heldBack.0) lands beside the box.
              void change({ heldBack: [v, ...s.heldBack.filter((h) => h !== v)] });
            }}
          >
            <TextField
              label={t('updates.version')}
              name="heldBack.0"
              error={configure.error}
              autoComplete="off"
              placeholder="1.4.0"
              value={version}
              onChange={setVersion}
            />
            <button type="submit" className="btn" disabled={configure.busy || !version.trim()}>
              {t('updates.hold')}
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
                  {t('updates.release', { version: v })}
                </button>
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}
