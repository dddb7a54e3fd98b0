// The dashboard's choices: the days (two date boxes and quick ranges), the branch (for those who
// may see every branch) and which dashboard (for those who may open several). Every control is a
// real input or button, so the keyboard reaches and works all of them.
import { Field } from '../../components/Field';
import type { Translate } from '../../i18n';
import type { Dashboard } from './words';

export interface Choices {
  kind?: Dashboard['kind'];
  from?: string;
  to?: string;
  /** null: all branches. */
  branchId?: string | null;
}

const DAY_MS = 86_400_000;
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Each quick range as how many days back from today it starts. */
export const presets = [
  { id: 'today', back: 0 },
  { id: 'days7', back: 6 },
  { id: 'days30', back: 29 },
  { id: 'days90', back: 89 },
  { id: 'months12', back: 364 },
  { id: 'years2', back: 729 },
] as const;

export function RangeBar({
  t,
  answer,
  choices,
  today,
  error,
  onChange,
}: {
  t: Translate;
  answer: Dashboard;
  /** What the person chose: shown at once, before the answer for it arrives. */
  choices: Choices;
  /** The company's day today (the range the core chose by itself ends on it). */
  today: string;
  error: unknown;
  onChange(next: Choices): void;
}) {
  const from = choices.from ?? answer.range.from;
  const to = choices.to ?? answer.range.to;
  const branchId = choices.branchId !== undefined ? choices.branchId : answer.branchId;
  const kind = choices.kind ?? answer.kind;
  // A year typed digit by digit passes through 0002, 0020, 0202: only a whole year is a choice.
  const day = (v: string) => /^(19|20)\d\d-\d\d-\d\d$/.test(v);
  const branchChoice = answer.branches.length > 0;
  return (
    <div className="range-bar toolbar" role="group" aria-label={t('range.group')}>
      <Field label={t('range.from')} name="from" error={error}>
        {(p) => (
          <input
            {...p}
            type="date"
            value={from}
            max={to}
            data-range="from"
            onChange={(e) => day(e.target.value) && onChange({ from: e.target.value, to })}
          />
        )}
      </Field>
      <Field label={t('range.to')} name="to" error={error}>
        {(p) => (
          <input
            {...p}
            type="date"
            value={to}
            min={from}
            max={today}
            data-range="to"
            onChange={(e) => day(e.target.value) && onChange({ from, to: e.target.value })}
          />
        )}
      </Field>
      <div className="range-presets" role="group" aria-label={t('range.presets')}>
        {presets.map((p) => {
          const start = addDays(today, -p.back);
          const on = from === start && to === today;
          return (
            <button
              key={p.id}
              type="button"
              className={on ? 'btn small primary' : 'btn small'}
              aria-pressed={on}
              data-preset={p.id}
              onClick={() => onChange({ from: start, to: today })}
            >
              {t(`range.${p.id}`)}
            </button>
          );
        })}
      </div>
      {branchChoice && (
        <Field label={t('range.branch')} name="branchId" error={error}>
          {(p) => (
            <select
              {...p}
              value={branchId ?? ''}
              data-range="branch"
              onChange={(e) => onChange({ branchId: e.target.value || null })}
            >
              <option value="">{t('range.allBranches')}</option>
              {answer.branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.code} · {b.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {answer.kinds.length > 1 && (
        <Field label={t('range.kind')} name="kind" error={error}>
          {(p) => (
            <select
              {...p}
              value={kind}
              data-range="kind"
              onChange={(e) =>
                onChange({ kind: answer.kinds.find((k) => k === e.target.value) ?? kind })
              }
            >
              {answer.kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
    </div>
  );
}
