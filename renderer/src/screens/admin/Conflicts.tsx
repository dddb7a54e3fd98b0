// Admin: steps that were no longer valid when they reached head office (two PCs dispatched the
// same order offline). Nothing is dropped silently; an admin reads each and notes what was done.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { dateTime } from '../../format';
import { useT } from '../../i18n';

export function Conflicts() {
  const t = useT('ops');
  const client = useClient();
  const [includeResolved, setIncludeResolved] = useState(false);
  const conflicts = useQuery(
    () => client.call('conflicts.list', { includeResolved }),
    [includeResolved],
  );
  const [resolving, setResolving] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const action = useAction();
  const rows = conflicts.data ?? [];

  const resolve = async (eventId: string) => {
    const ok = await action.run(() => client.call('conflicts.resolve', { eventId, note }));
    if (ok) {
      setResolving(null);
      setNote('');
      conflicts.reload();
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('conflicts.title')}</h1>
        <p className="muted">{t('conflicts.intro')}</p>
      </header>
      <div className="toolbar">
        <label className="check">
          <input
            type="checkbox"
            checked={includeResolved}
            onChange={(e) => setIncludeResolved(e.target.checked)}
          />
          {t('conflicts.showResolved')}
        </label>
      </div>
      <ErrorBanner error={conflicts.error} />
      {rows.length === 0 && !conflicts.loading && (
        <Notice kind="success">{t('conflicts.none')}</Notice>
      )}
      <ul className="conflicts">
        {rows.map((c) => (
          <li key={c.eventId} className="panel">
            <div className="row">
              <strong>
                {c.orderNumber ? t('conflicts.order', { number: c.orderNumber }) : c.eventType}
              </strong>
              <span className="muted">
                {dateTime(c.at)} · {c.branchName ?? c.branchId} · {c.userName ?? c.userId}
              </span>
              <span className="grow" />
              {c.resolvedAt ? (
                <span className="badge status-delivered">{t('conflicts.resolved')}</span>
              ) : (
                <button type="button" className="btn small" onClick={() => setResolving(c.eventId)}>
                  {t('conflicts.resolve')}
                </button>
              )}
            </div>
            <p>{c.message}</p>
            {c.resolvedAt && (
              <p className="muted">
                {t('conflicts.resolvedBy', {
                  who: c.resolvedByName ?? t('conflicts.anAdmin'),
                  at: dateTime(c.resolvedAt),
                  note: c.note ?? '',
                })}
              </p>
            )}
            {resolving === c.eventId && (
              <form
                className="form-row"
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  void resolve(c.eventId);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') {
                    e.preventDefault();
                    setResolving(null);
                  }
                }}
              >
                <TextField
                  label={t('conflicts.note')}
                  name="note"
                  error={action.error}
                  className="grow"
                  autoFocus
                  value={note}
                  onChange={setNote}
                />
                <button type="submit" className="btn primary" disabled={action.busy}>
                  {t('conflicts.markResolved')} <kbd>Enter</kbd>
                </button>
                <ErrorBanner error={action.error} shown={['note']} />
              </form>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
