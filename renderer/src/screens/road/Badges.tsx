// Badges and leaderboards (issue 16, decision 0034). A driver or sales rep sees their badges
// (withdrawn ones too, saying why), their points this week and month, and their role's board
// for the week or month, ranks shared by ties, or just the people around them. An admin sees
// both boards, anyone's badges (a name on the board), and sets the rules and points.
import { useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { count, dateTime } from '../../format';
import { useT, type Translate } from '../../i18n';
import { can } from '../../roles';
import { BadgeRules } from './BadgeRules';
import { kindsOf, ruleWords } from './rule-words';

type BoardRole = 'driver' | 'sales_rep';
type Period = 'week' | 'month';
type Mine = OutputOf<'badges.mine'>;
/** The core's answer types each badge only partly (a cast in core/badges/operations.ts); its rows carry these. */
type Badge = Mine['badges'][number] & {
  ruleId: string;
  name: string;
  rule: string | null;
  kind: string | null;
  period: string;
  earnedBy: string;
  earnedAt: number;
};

export function Badges() {
  const t = useT('road');
  const user = useUser();
  const client = useClient();
  const admin = can(user, 'badges.manage');
  const ownRole: BoardRole | null =
    user.role === 'driver' || user.role === 'sales_rep' ? user.role : null;
  const [role, setRole] = useState<BoardRole>(ownRole ?? 'driver');
  const [period, setPeriod] = useState<Period>('week');
  const [around, setAround] = useState(false);
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const [tick, setTick] = useState(0);

  const board = useQuery(
    () => client.call('badges.leaderboard', { role, period, around }),
    [role, period, around, tick],
  );
  const rules = useQuery(() => client.call('badges.rules', {}), [tick]);
  const mineFor = person?.id ?? (ownRole ? user.userId : null);
  const mine = useQuery(
    () =>
      mineFor
        ? client.call('badges.mine', person ? { personId: person.id } : {})
        : Promise.resolve(null),
    [mineFor, tick],
  );
  // My points in each period: my row of my role's board.
  const myWeek = useQuery(
    () =>
      ownRole
        ? client.call('badges.leaderboard', { role: ownRole, period: 'week', around: true })
        : Promise.resolve(null),
    [ownRole, tick],
  );
  const myMonth = useQuery(
    () =>
      ownRole
        ? client.call('badges.leaderboard', { role: ownRole, period: 'month', around: true })
        : Promise.resolve(null),
    [ownRole, tick],
  );
  const myRow = (b: OutputOf<'badges.leaderboard'> | null | undefined) =>
    b?.rows.find((r) => r.personId === user.userId);

  return (
    <div className="screen badges">
      <header className="screen-head">
        <h1>{admin ? t('badges.titleAdmin') : t('badges.title')}</h1>
        <p className="muted">{t('badges.intro')}</p>
      </header>

      {ownRole && (
        <section className="panel" aria-labelledby="my-points">
          <h2 id="my-points">{t('badges.myPoints')}</h2>
          <ErrorBanner error={myWeek.error ?? myMonth.error} />
          <dl className="facts">
            {(['week', 'month'] as const).map((p) => {
              const row = myRow(p === 'week' ? myWeek.data : myMonth.data);
              return (
                <div key={p} data-my-points={p}>
                  <dt>{t(`badges.this.${p}`)}</dt>
                  <dd>
                    {row
                      ? t('badges.pointsRank', { points: count(row.points), rank: count(row.rank) })
                      : '—'}
                  </dd>
                </div>
              );
            })}
          </dl>
        </section>
      )}

      {mineFor && (
        <section className="panel" aria-labelledby="my-badges">
          <h2 id="my-badges">
            {person ? t('badges.theirs', { name: person.name }) : t('badges.mine')}
          </h2>
          {person && (
            <button type="button" className="btn" onClick={() => setPerson(null)}>
              {t('badges.closePerson')}
            </button>
          )}
          <ErrorBanner error={mine.error} />
          {mine.data && <MyBadges t={t} mine={mine.data} rules={rules.data ?? []} />}
        </section>
      )}

      <section className="panel" aria-labelledby="board-title">
        <h2 id="board-title">{t('board.title')}</h2>
        <div className="toolbar row" role="group" aria-label={t('board.choose')}>
          {admin && (
            <fieldset className="row">
              <legend>{t('board.role')}</legend>
              {(['driver', 'sales_rep'] as const).map((r) => (
                <label key={r} className="check">
                  <input
                    type="radio"
                    name="board-role"
                    checked={role === r}
                    onChange={() => setRole(r)}
                  />{' '}
                  {t(`role.${r}`)}
                </label>
              ))}
            </fieldset>
          )}
          <fieldset className="row">
            <legend>{t('board.period')}</legend>
            {(['week', 'month'] as const).map((p) => (
              <label key={p} className="check">
                <input
                  type="radio"
                  name="board-period"
                  checked={period === p}
                  onChange={() => setPeriod(p)}
                />{' '}
                {t(`badges.this.${p}`)}
              </label>
            ))}
          </fieldset>
          {ownRole && (
            <label className="check">
              <input
                type="checkbox"
                checked={around}
                data-around
                onChange={(e) => setAround(e.target.checked)}
              />{' '}
              {t('board.around')}
            </label>
          )}
        </div>
        <ErrorBanner error={board.error} />
        {board.data && (
          <p className="muted">
            {t('board.range', {
              period: board.data.period,
              from: board.data.from,
              to: board.data.to,
            })}
          </p>
        )}
        <div className="table-wrap">
          <table
            className="table compact leaderboard"
            aria-label={t('board.table', { role: t(`role.${role}`) })}
            data-state={board.loading ? 'loading' : 'ready'}
          >
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('board.rank')}
                </th>
                <th scope="col">{t('board.name')}</th>
                <th scope="col" className="num">
                  {t('board.points')}
                </th>
                {kindsOf[role].map((k) => (
                  <th key={k} scope="col" className="num">
                    {t(`kind.${k}`)}
                  </th>
                ))}
                <th scope="col" className="num">
                  {t('board.badgePoints')}
                </th>
              </tr>
            </thead>
            <tbody>
              {board.data?.rows.length === 0 && (
                <tr>
                  <td colSpan={4 + kindsOf[role].length} className="empty">
                    {t('board.empty')}
                  </td>
                </tr>
              )}
              {board.data?.rows.map((r) => {
                const me = r.personId === user.userId;
                return (
                  <tr
                    key={r.personId}
                    data-person={r.name}
                    data-rank={r.rank}
                    aria-current={me ? 'true' : undefined}
                    className={me ? 'strong' : undefined}
                  >
                    <td className="num" data-col="rank">
                      {count(r.rank)}
                    </td>
                    <td>
                      {admin ? (
                        <button
                          type="button"
                          className="link"
                          onClick={() => setPerson({ id: r.personId, name: r.name })}
                        >
                          {r.name}
                        </button>
                      ) : (
                        r.name
                      )}
                      {me && <span className="muted small"> {t('board.you')}</span>}
                    </td>
                    <td className="num" data-col="points">
                      {count(r.points)}
                    </td>
                    {kindsOf[role].map((k) => (
                      <td key={k} className="num">
                        {count((r.counts as Record<string, number | undefined>)[k] ?? 0)}
                      </td>
                    ))}
                    <td className="num">{count(r.badgePoints)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <button type="button" className="btn" onClick={() => setTick((n) => n + 1)}>
          {t('board.reload')}
        </button>
      </section>

      {admin && <BadgeRules onSaved={() => setTick((n) => n + 1)} />}
    </div>
  );
}

function MyBadges({
  t,
  mine,
  rules,
}: {
  t: Translate;
  mine: Mine;
  rules: OutputOf<'badges.rules'>;
}) {
  const describe = (b: Badge) => {
    const rule = rules.find((r) => r.id === b.ruleId);
    return ruleWords(t, {
      rule: b.rule,
      kind: b.kind,
      threshold: rule?.threshold ?? null,
      period: b.period,
    });
  };
  const kinds = Object.keys({ ...mine.week.counts, ...mine.month.counts });
  return (
    <>
      {mine.badges.length === 0 ? (
        <p className="muted">{t('badges.none')}</p>
      ) : (
        <ul className="badge-list" style={{ listStyle: 'none', paddingLeft: 0 }}>
          {(mine.badges as Badge[]).map((b) => (
            <li
              key={`${b.ruleId}-${b.period}`}
              className="panel"
              data-badge={b.name}
              data-badge-status={b.status}
            >
              <h3>
                {b.name}{' '}
                <span className={`badge status-${b.status === 'held' ? 'delivered' : 'cancelled'}`}>
                  {t(`badgeStatus.${b.status}`)}
                </span>
              </h3>
              <p>{describe(b)}</p>
              <p className="muted small">
                {t('badges.earned', {
                  period: periodLabel(t, b.period),
                  at: dateTime(b.earnedAt),
                  points: count(b.points),
                })}
                {b.final ? ` ${t('badges.final')}` : ''}
              </p>
              {b.status === 'withdrawn' && <p>{t('badges.withdrawnWhy')}</p>}
            </li>
          ))}
        </ul>
      )}
      {kinds.length > 0 && (
        <table className="table compact" aria-label={t('badges.workTable')}>
          <thead>
            <tr>
              <th scope="col">{t('badges.work')}</th>
              <th scope="col" className="num">
                {t('badges.this.week')}
              </th>
              <th scope="col" className="num">
                {t('badges.this.month')}
              </th>
            </tr>
          </thead>
          <tbody>
            {kinds.map((k) => (
              <tr key={k}>
                <td>{t(`kind.${k}`)}</td>
                <td className="num">
                  {count((mine.week.counts as Record<string, number>)[k] ?? 0)}
                </td>
                <td className="num">
                  {count((mine.month.counts as Record<string, number>)[k] ?? 0)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** 'ever', '2026-W49' or '2026-12' in words. */
export function periodLabel(t: Translate, period: string): string {
  if (period === 'ever') return t('periodLabel.ever');
  const week = /^(\d{4})-W(\d{2})$/.exec(period);
  if (week) return t('periodLabel.week', { week: Number(week[2]), year: week[1] ?? '' });
  return t('periodLabel.month', { month: period });
}
