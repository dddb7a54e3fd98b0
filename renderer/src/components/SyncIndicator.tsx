// Always on screen: whether this PC is talking to head office, how much it still has to send,
// when it last synced, what went wrong last in words, and a "Sync now" that shows its progress.
// A PC that is not enrolled simply works on its own; head office's console shows when it last
// folded in what the branches sent.
import { useEffect, useState } from 'react';
import { useAction, useClient, useQuery } from '../app-context';
import { count, time } from '../format';
import { bannerMessage } from '../errors';
import { useT } from '../i18n';
import { nextTryWords, problemWords, progressWords } from '../sync-words';

const POLL_MS = 5_000;
/** While a round runs: often enough to see it move. */
const BUSY_POLL_MS = 500;
/** How long "done" stays after a Sync now. */
const DONE_MS = 10_000;

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function SyncIndicator() {
  const t = useT('sync');
  const client = useClient();
  const status = useQuery(() => client.call('sync.status', {}), []);
  const sync = useAction();
  const [done, setDone] = useState<{ pushed: number; pulled: number; at: number } | null>(null);
  const { reload } = status;
  const s = status.data;
  const busy = sync.busy || Boolean(s?.syncing);
  useEffect(() => {
    const timer = setInterval(reload, busy ? BUSY_POLL_MS : POLL_MS);
    const onFocus = () => reload();
    window.addEventListener('focus', onFocus);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    };
    // reload is a new function each render but always does the same thing.
  }, [busy]);

  const syncNow = async () => {
    setDone(null);
    const task = sync.run(() => client.call('sync.now', {}));
    reload();
    const summary = await task;
    if (summary) setDone({ pushed: summary.pushed, pulled: summary.pulled, at: Date.now() });
    reload();
  };

  const branchPc = Boolean(s?.enrolled && !s.headOffice);
  const problem =
    (s && problemWords(s)) ??
    (sync.error ? { short: t('failed'), long: bannerMessage(sync.error) ?? '' } : null);
  let tone = 'standalone';
  let text = t('indicator.standalone');
  if (status.error && !s) {
    tone = 'offline';
    text = t('indicator.unknown');
  } else if (s?.headOffice) {
    tone = s.syncing ? 'syncing' : s.lastError ? 'offline' : 'online';
    text = s.syncing ? t('indicator.folding') : t('indicator.headOffice');
  } else if (s?.enrolled) {
    tone = s.syncing ? 'syncing' : s.online ? 'online' : 'offline';
    text = s.syncing
      ? t('indicator.syncing')
      : s.online
        ? t('indicator.online')
        : t('indicator.offline');
  }
  const recent = done && Date.now() - done.at < DONE_MS ? done : null;
  const details = s?.headOffice
    ? [
        s.lastSyncAt
          ? t('indicator.branchesIn', { time: time(s.lastSyncAt) })
          : t('indicator.nothingYet'),
        ...(s.conflicts > 0 ? [t('indicator.conflicts', { n: count(s.conflicts) })] : []),
      ]
    : s?.enrolled && s.syncing
      ? [progressWords(s.progress)]
      : s?.enrolled
        ? [
            s.pending > 0
              ? t('indicator.waiting', { n: count(s.pending) })
              : t('indicator.allSent'),
            s.lastSyncAt
              ? t('indicator.lastSync', { time: time(s.lastSyncAt) })
              : t('indicator.neverSynced'),
            ...(recent
              ? [
                  t('indicator.done', {
                    sent: count(recent.pushed),
                    received: count(recent.pulled),
                  }),
                ]
              : []),
            ...(s.conflicts > 0 ? [t('indicator.conflicts', { n: count(s.conflicts) })] : []),
          ]
        : [];
  // Under the indicator, in words: what went wrong last, and when the PC tries again by itself.
  const nextTry = s?.enrolled && !s.online ? nextTryWords(s.nextTryAt) : null;
  const trouble =
    s?.enrolled && !s.syncing && !s.online && problem
      ? [problem.short, ...(nextTry ? [nextTry] : [])].join(' · ')
      : null;

  return (
    <div className="sync-bar">
      <div
        className="sync-status"
        role="status"
        aria-live="polite"
        title={
          problem?.long ??
          (s?.headOffice
            ? t('indicator.titleHeadOffice')
            : s?.serverUrl
              ? t('indicator.titleServer', { url: s.serverUrl })
              : t('indicator.titleStandalone'))
        }
        data-testid="sync-indicator"
      >
        <div className={`sync sync-${tone}`}>
          <span className="dot" aria-hidden="true" />
          <span className="strong">{text}</span>
          {details.length > 0 && <span className="muted">· {details.join(' · ')}</span>}
        </div>
        {trouble && <div className="sync-trouble">{capitalized(trouble)}</div>}
      </div>
      {branchPc && (
        <button
          type="button"
          className="btn small"
          disabled={busy}
          title={t('indicator.syncNowTitle')}
          onClick={() => void syncNow()}
        >
          {busy ? t('indicator.syncingNow') : t('indicator.syncNow')}
        </button>
      )}
    </div>
  );
}
