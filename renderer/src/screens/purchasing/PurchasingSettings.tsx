// The company's purchasing settings (admin): the total above which an order needs a second
// approval, how far beyond the ordered quantity a delivery may be received, and when the nightly
// reorder run starts (a daily time; the core keeps it as a cron expression).
import { useEffect, useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { money, parseMoney } from '../../format';
import { useT } from '../../i18n';
import { bpToPercent, percentToBp } from '../admin/loyalty/percent';

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

const FIELDS = ['approvalLimit', 'toleranceBp', 'runSchedule'];

export function PurchasingSettings() {
  const t = useT('purchasing');
  const client = useClient();
  const settings = useQuery(() => client.call('purchasing.settings', {}), []);
  const action = useAction();
  const [limit, setLimit] = useState('');
  const [tolerance, setTolerance] = useState('');
  const [runAt, setRunAt] = useState('');
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const s = settings.data;
    if (!s) return;
    setLimit(s.approvalLimit === null ? '' : money(s.approvalLimit).replace(/\u00a0/g, ' '));
    setTolerance(bpToPercent(s.toleranceBp));
    setRunAt(cronToTime(s.runSchedule) ?? s.runSchedule);
  }, [settings.data]);

  const save = async () => {
    setSaved(false);
    const done = await action.run(() =>
      client.call('purchasing.saveSettings', {
        ...(limit.trim() !== '' && { approvalLimit: parseMoney(limit) ?? NaN }),
        toleranceBp: percentToBp(tolerance),
        runSchedule: timeToCron(runAt),
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
      <div className="form-grid">
        <TextField
          label={t('settings.limit')}
          name="approvalLimit"
          error={action.error}
          hint={t('settings.limitHint')}
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
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {t('settings.save')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
