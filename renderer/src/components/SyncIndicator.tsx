// Always on screen: whether this PC is talking to head office, how much it still has to send,
// and when it last synced. A PC that is not enrolled simply works on its own; head office's
// console shows when it last folded in what the branches sent.
import { useEffect } from 'react';
import { useClient, useQuery } from '../app-context';
import { count, time } from '../format';

const POLL_MS = 5_000;

export function SyncIndicator() {
  const client = useClient();
  const status = useQuery(() => client.call('sync.status', {}), []);
  const { reload } = status;
  useEffect(() => {
    const timer = setInterval(reload, POLL_MS);
    const onFocus = () => reload();
    window.addEventListener('focus', onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
    // reload is a new function each render but always does the same thing.
  }, []);
  const s = status.data;

  let tone = 'standalone';
  let text = 'Works on its own';
  if (status.error && !s) {
    tone = 'offline';
    text = 'Sync status unknown';
  } else if (s?.headOffice) {
    tone = s.syncing ? 'syncing' : s.lastError ? 'offline' : 'online';
    text = s.syncing ? 'Head office · folding' : 'Head office';
  } else if (s?.enrolled) {
    tone = s.syncing ? 'syncing' : s.online ? 'online' : 'offline';
    text = s.syncing
      ? `Syncing${s.progress ? ` ${s.progress.percent}%` : '…'}`
      : s.online
        ? 'Online'
        : 'Offline';
  }
  const details = s?.headOffice
    ? [
        s.lastSyncAt
          ? `branches' work in as of ${time(s.lastSyncAt)}`
          : 'nothing from branches yet',
        ...(s.conflicts > 0 ? [`${count(s.conflicts)} conflicts`] : []),
      ]
    : s?.enrolled
      ? [
          s.pending > 0 ? `${count(s.pending)} waiting` : 'all sent',
          s.lastSyncAt ? `last sync ${time(s.lastSyncAt)}` : 'never synced',
          ...(s.conflicts > 0 ? [`${count(s.conflicts)} conflicts`] : []),
        ]
      : [];

  return (
    <div
      className={`sync sync-${tone}`}
      role="status"
      aria-live="polite"
      title={
        s?.lastError ??
        (s?.headOffice
          ? 'This is head office: branch PCs sync with it'
          : s?.serverUrl
            ? `Head office: ${s.serverUrl}`
            : 'Not enrolled with a head office')
      }
      data-testid="sync-indicator"
    >
      <span className="dot" aria-hidden="true" />
      <span className="strong">{text}</span>
      {details.length > 0 && <span className="muted">· {details.join(' · ')}</span>}
    </div>
  );
}
