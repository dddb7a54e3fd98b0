// The first screen after sign-in (issue 17, decision 0035): the person's dashboard over a range
// of days, one branch or all, drawn from `dashboard.get`. It follows sync by itself: every 5 s
// (and when the window comes back into focus) it asks `dashboard.stamp`, and when the stamp has
// moved it loads the same choices again, keeping the charts on screen until the new answer is
// drawn in their place. `section.dashboard[data-state="ready"]` marks the moment the answer is
// loaded and every chart drawn (the bench measures first paint with it).
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { useT } from '../../i18n';
import '../../styles/dashboard.css';
import { Cards } from './Cards';
import { ChartTable } from './ChartTable';
import { ChartView } from './ChartView';
import { HeatMap } from './HeatMap';
import { ListTable } from './ListTable';
import { RangeBar, type Choices } from './RangeBar';
import { chartTitle, type DashChart, type Dashboard as Answer } from './words';

/** How often the screen asks whether anything was applied since it loaded. */
const POLL_MS = 5_000;

export function Dashboard() {
  const t = useT('analytics');
  const client = useClient();
  const [choices, setChoices] = useState<Choices>({});
  // Grows each time the stamp moves: the same choices, loaded again.
  const [version, setVersion] = useState(0);
  const [shown, setShown] = useState<{ answer: Answer; choices: Choices } | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [today, setToday] = useState<string | null>(null);
  const stamp = useRef<number | null>(null);
  const latest = useRef(0);
  const drawn = useRef(new WeakSet<DashChart>());
  const [, setDrawTick] = useState(0);

  useEffect(() => {
    const mine = ++latest.current;
    const input = {
      ...(choices.kind && { kind: choices.kind }),
      ...(choices.from && { from: choices.from }),
      ...(choices.to && { to: choices.to }),
      ...(choices.branchId !== undefined && { branchId: choices.branchId }),
    };
    // The stamp first: a sale landing between the two calls makes the next poll load again.
    client
      .call('dashboard.stamp', {})
      .then(async (s) => ({ s, answer: await client.call('dashboard.get', input) }))
      .then(
        ({ s, answer }) => {
          if (latest.current !== mine) return;
          stamp.current = s.stamp;
          // Without an end the core ends the range on the company's today: presets count back from it.
          if (!choices.to) setToday(answer.range.to);
          setShown({ answer, choices });
          setError(undefined);
        },
        (e: unknown) => {
          if (latest.current === mine) setError(e);
        },
      );
  }, [client, choices, version]);

  useEffect(() => {
    let asking = false;
    const check = () => {
      if (asking || stamp.current === null) return;
      asking = true;
      client
        .call('dashboard.stamp', {})
        .then((s) => {
          if (stamp.current !== null && s.stamp !== stamp.current) {
            stamp.current = s.stamp;
            setVersion((v) => v + 1);
          }
        })
        // A missed poll is retried at the next one; the charts on screen stay as they are.
        .catch(() => undefined)
        .finally(() => {
          asking = false;
        });
    };
    const timer = window.setInterval(check, POLL_MS);
    window.addEventListener('focus', check);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', check);
    };
  }, [client]);

  const onDrawn = useCallback((chart: DashChart) => {
    drawn.current.add(chart);
    setDrawTick((n) => n + 1);
  }, []);

  const answer = shown?.answer;
  const current = shown !== null && shown.choices === choices;
  const ready = current && !!answer && answer.charts.every((c) => drawn.current.has(c));
  const title = answer ? t(`titleOf.${answer.kind}`) : t('title');
  const choose = (next: Choices) => setChoices((c) => ({ ...c, ...next }));

  return (
    <section
      className="dashboard screen"
      data-state={ready ? 'ready' : 'loading'}
      data-kind={answer?.kind}
      data-branch={answer ? (answer.branchId ?? 'all') : undefined}
      data-from={answer?.range.from}
      data-to={answer?.range.to}
      aria-label={title}
    >
      <header className="screen-head">
        <h1>{title}</h1>
        <p className="muted">
          {t('intro')}
          {answer && ` (${t(`range.byBucket.${answer.range.bucket}`)})`}
        </p>
      </header>
      <ErrorBanner error={error} shown={['from', 'to', 'branchId', 'kind']} />
      {!answer ? (
        !error && <p className="muted">{t('loading')}</p>
      ) : (
        <>
          <RangeBar
            t={t}
            answer={answer}
            choices={choices}
            today={today ?? answer.range.to}
            error={error}
            onChange={choose}
          />
          <p className="sr-only" aria-live="polite">
            {current ? '' : t('updating')}
          </p>
          <Cards t={t} cards={answer.cards} />
          <div className="dash-charts">
            {answer.charts.map((c, i) => {
              const headingId = `dash-chart-${i}`;
              return (
                <section
                  key={`${c.id}-${i}`}
                  className="panel dash-chart"
                  aria-labelledby={headingId}
                  data-chart={c.id}
                >
                  <h2 id={headingId}>{chartTitle(t, c.id)}</h2>
                  {c.series.every((x) => x.values.every((v) => v === 0)) && (
                    <p className="muted" data-empty>
                      {t('nothing')}
                    </p>
                  )}
                  {c.kind === 'heat' ? (
                    <HeatMap chart={c} onDrawn={onDrawn} />
                  ) : (
                    <ChartView chart={c} onDrawn={onDrawn} />
                  )}
                  <ChartTable t={t} chart={c} range={answer.range} />
                </section>
              );
            })}
          </div>
          {answer.lists.length > 0 && (
            <div className="dash-lists">
              {answer.lists.map((l) => (
                <ListTable key={l.id} t={t} list={l} />
              ))}
            </div>
          )}
        </>
      )}
    </section>
  );
}
