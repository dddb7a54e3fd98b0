// Admin: the company's currency (code, symbol, decimals) and the locale its dates and numbers
// are written in, set at head office and synced to every PC. A preview shows an amount and a
// date as every screen will write them before the admin saves.
import { useState } from 'react';
import { useAction, useClient, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { money, dateTime, setCompanyFormat, type CompanyFormat } from '../../format';
import { useT } from '../../i18n';
import { formatMoney } from '../../../../core/locale/amounts';

const fields = ['currencyCode', 'currencySymbol', 'minorUnits', 'locale'];

/** How the preview writes a date in a locale that may not be valid yet (while typing). */
function previewDate(locale: string, ms: number): string {
  try {
    return new Intl.DateTimeFormat(locale, {
      day: '2-digit',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(ms);
  } catch {
    return '—';
  }
}

export function CompanySettings() {
  const t = useT('company');
  const client = useClient();
  const user = useUser();
  const [company, setCompany] = useState<CompanyFormat>(user.company);
  const [code, setCode] = useState(company.currency.code);
  const [symbol, setSymbol] = useState(company.currency.symbol);
  const [minorUnits, setMinorUnits] = useState(String(company.currency.minorUnits));
  const [locale, setLocale] = useState(company.locale);
  const [saved, setSaved] = useState(false);
  const action = useAction();

  const units = Number(minorUnits);
  const sample = 123456789;
  let preview = '—';
  try {
    if (Number.isInteger(units) && units >= 0 && units <= 3)
      preview = formatMoney(sample, { code, symbol, minorUnits: units }, locale);
  } catch {
    // An unfinished locale: the preview waits for a valid one.
  }

  const submit = async () => {
    setSaved(false);
    const result = await action.run(() =>
      client.call('company.save', {
        currencyCode: code,
        currencySymbol: symbol,
        minorUnits: minorUnits.trim() === '' ? NaN : Number(minorUnits),
        locale,
      }),
    );
    if (result) {
      // Every amount and date from now on, on this PC; other PCs when they sync and sign in.
      setCompanyFormat(result);
      setCompany(result);
      setSaved(true);
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      {saved && <Notice kind="success">{t('saved', { amount: money(sample) })}</Notice>}
      <form
        className="panel"
        aria-label={t('title')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ErrorBanner error={action.error} shown={fields} />
        <div className="form-grid">
          <TextField
            label={t('code')}
            name="currencyCode"
            error={action.error}
            hint={t('codeHint')}
            value={code}
            onChange={setCode}
          />
          <TextField
            label={t('symbol')}
            name="currencySymbol"
            error={action.error}
            hint={t('symbolHint')}
            value={symbol}
            onChange={setSymbol}
          />
          <TextField
            label={t('minorUnits')}
            name="minorUnits"
            error={action.error}
            hint={t('minorUnitsHint')}
            type="number"
            step={1}
            value={minorUnits}
            onChange={setMinorUnits}
          />
          <TextField
            label={t('locale')}
            name="locale"
            error={action.error}
            hint={t('localeHint')}
            value={locale}
            onChange={setLocale}
          />
        </div>
        <p>
          {t('preview')} <strong data-testid="company-preview">{preview}</strong> ·{' '}
          {previewDate(locale, Date.now())}
        </p>
        <p className="muted">{t('now', { amount: money(sample), date: dateTime(Date.now()) })}</p>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={action.busy}>
            {t('save')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
    </div>
  );
}
