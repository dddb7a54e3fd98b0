// Head office's reorder run, now rather than tonight: the button says it is running while it runs,
// then what it did; the last runs below, a failed one with the core's reason.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { count, dateTime } from '../../format';
import { useT } from '../../i18n';
import { focusSoon } from './shared';

type Result = OutputOf<'purchasing.run'>;

export function RunPanel({ onRan }: { onRan(): void }) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const [tick, setTick] = useState(0);
  const [result, setResult] = useState<Result | null>(null);
  const runs = useQuery(() => client.call('purchasing.runs', {}), [tick]);

  const run = async () => {
    setResult(null);
    const done = await action.run(() => client.call('purchasing.run', {}));
    setTick((n) => n + 1);
    // The button was disabled while it ran, which dropped the focus: give it back somewhere useful.
    if (!done) {
      focusSoon('[data-run-now]');
      return;
    }
    setResult(done);
    onRan();
    focusSoon('[data-run-result]');
  };

  const last = (runs.data ?? []).slice(0, 5);
  // Rules the run could not serve, when the core says (a run of an older core may not).
  const figures: Record<string, unknown> = { ...result };
  const noSupplier = typeof figures.noSupplier === 'number' ? figures.noSupplier : 0;
  return (
    <section className="panel" aria-labelledby="run-title" aria-busy={action.busy}>
      <div className="row panel-head">
        <h2 id="run-title">{t('run.title')}</h2>
        <span className="grow" />
        <button
          type="button"
          className="btn primary"
          data-run-now
          disabled={action.busy}
          onClick={() => void run()}
        >
          {action.busy ? t('run.running') : t('run.now')}
        </button>
      </div>
      <p className="muted">{t('run.intro')}</p>
      {action.busy && <Notice kind="info">{t('run.running')}</Notice>}
      {result && (
        <div tabIndex={-1} data-run-result>
          <Notice kind="success">
            <span data-testid="run-result">
              {t('run.done', {
                rules: count(result.rules),
                lines: count(result.lines),
                orders: count(result.orders),
              })}
            </span>
          </Notice>
          {noSupplier > 0 && (
            <Notice kind="warning">{t('run.noSupplier', { n: count(noSupplier) })}</Notice>
          )}
        </div>
      )}
      <ErrorBanner error={action.error ?? runs.error} />
      <div className="table-wrap">
        <table
          className="table compact"
          aria-label={t('run.table')}
          data-state={runs.loading ? 'loading' : 'ready'}
        >
          <thead>
            <tr>
              <th scope="col">{t('run.started')}</th>
              <th scope="col">{t('run.status')}</th>
              <th scope="col" className="num">
                {t('run.rules')}
              </th>
              <th scope="col" className="num">
                {t('run.lines')}
              </th>
              <th scope="col" className="num">
                {t('run.orders')}
              </th>
            </tr>
          </thead>
          <tbody>
            {last.length === 0 && (
              <tr>
                <td colSpan={5} className="empty">
                  {t('run.none')}
                </td>
              </tr>
            )}
            {last.map((r) => (
              <tr key={r.id} data-run-status={r.status}>
                <td>{dateTime(r.startedAt)}</td>
                <td>
                  {t(`run.statuses.${r.status}`)}
                  {r.error && <div className="field-error">{r.error}</div>}
                </td>
                <td className="num">{count(r.rules)}</td>
                <td className="num">{count(r.lines)}</td>
                <td className="num">{count(r.orders)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
