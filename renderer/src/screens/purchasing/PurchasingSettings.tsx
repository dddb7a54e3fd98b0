// The company's purchasing settings (admin): the total above which an order needs a second
// approval (empty: none), how far beyond the ordered quantity a delivery may be received, when the
// nightly reorder run starts (a daily time) and when the demand forecasts are fitted again (a daily
// or weekly time; the core keeps both as cron expressions), and the refit now.
import { useState } from 'react';
import { useAction, useClient, useQuery, useSeed } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { count, money, parseMoney } from '../../format';
import { useT } from '../../i18n';
import { bpToPercent, percentToBp } from '../admin/loyalty/percent';
import { focusSoon } from './shared';

/** "30 3 * * *" → "03:30"; null for a schedule that is not once a day at a time. */
export function cronToTime(cron: string): string | null {
  const m = /^(\d{1,2})\s+(\d{1,2})\s+\*\s+\*\s+\*$/.exec(cron.trim());
  const [, minute = '', hour = ''] = m ?? [];
  if (!m) return null;
  return `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
}

/** "03:30" → "30 3 * * *"; anything else is sent as typed, so the core names what is wrong. */
export function timeToCron(text: string): string {
  const m = /^\s*(\d{1,2})[:.](\d{2})\s*$/.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return text;
  return `${Number(m[2])} ${Number(m[1])} * * *`;
}

/** "0 1 * * 0" → Sunday at "01:00"; "" for every day; null for a schedule of another shape. */
export function cronToWeekly(cron: string): { day: string; time: string } | null {
  const m = /^(\d{1,2})\s+(\d{1,2})\s+\*\s+\*\s+(\*|[0-7])$/.exec(cron.trim());
  const [, minute = '', hour = '', day = '*'] = m ?? [];
  if (!m) return null;
  const time = `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`;
  return { day: day === '*' ? '' : String(Number(day) % 7), time };
}

/** A time on a day ("" every day, "0" Sunday … "6" Saturday) as cron; other text as typed. */
export function weeklyToCron(day: string, text: string): string {
  const daily = timeToCron(text);
  return daily === text || day === '' ? daily : daily.replace(/\*$/, day);
}

const DAYS = ['', '1', '2', '3', '4', '5', '6', '0'];
const FIELDS = ['approvalLimit', 'toleranceBp', 'runSchedule', 'refitSchedule'];

/** Fits every series' forecast again now, rather than at the refit time: it may take a while. */
function RefitNow() {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const [series, setSeries] = useState<number | null>(null);
  const refit = async () => {
    setSeries(null);
    const done = await action.run(() => client.call('purchasing.refit', {}));
    // The button was disabled while it ran, which dropped the focus.
    focusSoon(done ? '[data-refit-result]' : '[data-refit]');
    if (done) setSeries(done.series);
  };
  return (
    <div aria-busy={action.busy}>
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          data-refit
          disabled={action.busy}
          onClick={() => void refit()}
        >
          {action.busy ? t('settings.refitting') : t('settings.refitNow')}
        </button>
      </div>
      {action.busy && <Notice kind="info">{t('settings.refitting')}</Notice>}
      {series !== null && (
        <div tabIndex={-1} data-refit-result>
          <Notice kind="success">
            <span data-testid="refit-result">{t('settings.refitDone', { n: count(series) })}</span>
          </Notice>
        </div>
      )}
      <ErrorBanner error={action.error} />
    </div>
  );
}

export function PurchasingSettings() {
  const t = useT('purchasing');
  const common = useT('common');
  const client = useClient();
  const settings = useQuery(() => client.call('purchasing.settings', {}), []);
  const action = useAction();
  const [limit, setLimit] = useState('');
  const [tolerance, setTolerance] = useState('');
  const [runAt, setRunAt] = useState('');
  const [refitDay, setRefitDay] = useState('');
  const [refitAt, setRefitAt] = useState('');
  const [saved, setSaved] = useState(false);

  useSeed(settings.data, (s) => {
    setLimit(s.approvalLimit === null ? '' : money(s.approvalLimit).replace(/\u00a0/g, ' '));
    setTolerance(bpToPercent(s.toleranceBp));
    setRunAt(cronToTime(s.runSchedule) ?? s.runSchedule);
    const refit = cronToWeekly(s.refitSchedule);
    setRefitDay(refit?.day ?? '');
    setRefitAt(refit?.time ?? s.refitSchedule);
  });

  const save = async () => {
    setSaved(false);
    const done = await action.run(() =>
      client.call('purchasing.saveSettings', {
        // Empty: no limit, one approval is always enough.
        approvalLimit: limit.trim() === '' ? null : (parseMoney(limit) ?? NaN),
        toleranceBp: percentToBp(tolerance),
        runSchedule: timeToCron(runAt),
        refitSchedule: weeklyToCron(refitDay, refitAt),
      }),
    );
    if (done) setSaved(true);
  };

  return (
    <form
      className="panel"
      aria-labelledby="po-settings-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="po-settings-title">{t('settings.title')}</h2>
      {saved && <Notice kind="success">{t('settings.saved')}</Notice>}
      <ErrorBanner error={action.error ?? settings.error} shown={FIELDS} />
      {/* The fields come once the saved settings have, filled with them before they show. */}
      {!settings.data && !settings.error && <p className="muted">{common('loading')}</p>}
      <div className="form-grid" hidden={!settings.data}>
        <TextField
          label={t('settings.limit')}
          name="approvalLimit"
          error={action.error}
          hint={limit.trim() === '' ? t('settings.noLimit') : t('settings.limitHint')}
          inputMode="decimal"
          autoComplete="off"
          value={limit}
          onChange={setLimit}
        />
        <TextField
          label={t('settings.tolerance')}
          name="toleranceBp"
          error={action.error}
          hint={t('settings.toleranceHint')}
          inputMode="decimal"
          autoComplete="off"
          value={tolerance}
          onChange={setTolerance}
        />
        <TextField
          label={t('settings.runAt')}
          name="runSchedule"
          error={action.error}
          hint={t('settings.runAtHint')}
          autoComplete="off"
          value={runAt}
          onChange={setRunAt}
        />
        <Field label={t('settings.refitDay')} name="refitDay" error={undefined}>
          {(p) => (
            <select {...p} value={refitDay} onChange={(e) => setRefitDay(e.target.value)}>
              {DAYS.map((d) => (
                <option key={d} value={d}>
                  {t(`settings.days.${d === '' ? 'daily' : d}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          label={t('settings.refitAt')}
          name="refitSchedule"
          error={action.error}
          hint={t('settings.refitAtHint')}
          autoComplete="off"
          value={refitAt}
          onChange={setRefitAt}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy || !settings.data}>
          {t('settings.save')} <kbd>Enter</kbd>
        </button>
      </div>
      <RefitNow />
    </form>
  );
}
