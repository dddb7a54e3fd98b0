// Head office's exchange rates (company units for one unit of a supplier's currency): a draft in
// that currency takes the saved rate when none is typed, and the nightly run's drafts carry it.
// Saving a currency again replaces its rate. Enter saves.
import { useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { companyCurrency } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { focusSoon } from './shared';

const FIELDS = ['currencyCode', 'rate'];

export function ExchangeRates() {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const action = useAction();
  const [tick, setTick] = useState(0);
  const rates = useQuery(() => client.call('purchasing.rates', {}), [tick]);
  const [currency, setCurrency] = useState('');
  const [rate, setRate] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const company = companyCurrency().code;

  const save = async () => {
    setSaved(null);
    const done = await action.run(() =>
      client.call('purchasing.saveRate', { currencyCode: currency, rate }),
    );
    if (done === undefined) return;
    setSaved(t('rates.saved', { currency: currency.trim().toUpperCase() }));
    setCurrency('');
    setRate('');
    setTick((n) => n + 1);
    focusSoon('[data-field="currencyCode"] input');
  };

  return (
    <section className="panel" aria-labelledby="po-rates-title">
      <h2 id="po-rates-title">{t('rates.title')}</h2>
      <p className="muted">{t('rates.intro', { company })}</p>
      {saved && <Notice kind="success">{saved}</Notice>}
      <ErrorBanner error={rates.error} />
      <div className="table-wrap">
        <table
          className="table compact"
          aria-label={t('rates.title')}
          data-testid="rates"
          data-state={rates.loading ? 'loading' : 'ready'}
        >
          <thead>
            <tr>
              <th scope="col">{t('col.currency')}</th>
              <th scope="col" className="num">
                {t('rates.rateCol', { company })}
              </th>
            </tr>
          </thead>
          <tbody>
            {rates.data?.length === 0 && (
              <tr>
                <td colSpan={2} className="empty">
                  {t('rates.none')}
                </td>
              </tr>
            )}
            {rates.data?.map((r) => (
              <tr key={r.currencyCode} data-currency={r.currencyCode}>
                <td>{r.currencyCode}</td>
                <td className="num">{r.rate}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {can(user, 'purchasing.manage') && (
        <form
          className="toolbar wrap"
          aria-label={t('rates.form')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <TextField
            label={t('rates.currency')}
            name="currencyCode"
            error={action.error}
            hint={t('rates.currencyHint')}
            autoComplete="off"
            value={currency}
            onChange={setCurrency}
          />
          <TextField
            label={t('rates.rate', { company })}
            name="rate"
            error={action.error}
            hint={t('draft.rateHint')}
            inputMode="decimal"
            autoComplete="off"
            value={rate}
            onChange={setRate}
          />
          <div className="form-actions">
            <button type="submit" className="btn primary" data-save-rate disabled={action.busy}>
              {t('rates.save')} <kbd>Enter</kbd>
            </button>
          </div>
          <ErrorBanner error={action.error} shown={FIELDS} />
        </form>
      )}
    </section>
  );
}
