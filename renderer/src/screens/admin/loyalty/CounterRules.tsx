// The counter's rules head office sets for every shop: whether prices are entered with tax in
// them, the tax rate of each product category, and how much discount each role may give
// without a supervisor's sign-in.
import { useState } from 'react';
import { useAction, useClient, useQuery, useSeed } from '../../../app-context';
import { ErrorBanner, Notice } from '../../../components/Banner';
import { TextField } from '../../../components/Field';
import type { OutputOf, Role } from '../../../client';
import { useT } from '../../../i18n';
import { roles } from '../../../../../core/vocabulary';
import { bpToPercent, percentToBp } from './percent';

type Settings = OutputOf<'sales.settings'>;

export function CounterRules() {
  const t = useT('loyalty');
  const shell = useT('shell');
  const client = useClient();
  const settings = useQuery(() => client.call('sales.settings', {}), []);
  const catalog = useQuery(() => client.call('catalog.list', { limit: 500 }), []);
  const [inclusive, setInclusive] = useState(true);
  const [rates, setRates] = useState<Record<string, string>>({});
  const [limits, setLimits] = useState<Partial<Record<Role, string>>>({});
  const [saved, setSaved] = useState(false);
  const action = useAction();

  const fill = (s: Settings) => {
    setInclusive(s.pricesIncludeTax);
    setRates(
      Object.fromEntries(Object.entries(s.categoryTaxRates).map(([c, bp]) => [c, bpToPercent(bp)])),
    );
    setLimits(
      Object.fromEntries(
        Object.entries(s.discountLimits).map(([r, bp]) => [r, bpToPercent(bp ?? 0)]),
      ),
    );
  };
  useSeed(settings.data, fill);

  const categories = [
    ...new Set([
      ...(catalog.data ?? []).map((v) => v.category).filter((c): c is string => !!c),
      ...Object.keys(rates),
    ]),
  ].sort();
  const staff = roles.filter((r) => r !== 'customer');

  const submit = async () => {
    setSaved(false);
    const result = await action.run(() =>
      client.call('sales.saveSettings', {
        pricesIncludeTax: inclusive,
        categoryTaxRates: Object.fromEntries(
          Object.entries(rates)
            .filter(([, v]) => v.trim() !== '')
            .map(([c, v]) => [c, percentToBp(v)]),
        ),
        discountLimits: Object.fromEntries(
          Object.entries(limits)
            .filter(([, v]) => v !== undefined && v.trim() !== '')
            .map(([r, v]) => [r, percentToBp(v ?? '')]),
        ),
      }),
    );
    if (!result) return;
    fill(result);
    setSaved(true);
  };

  return (
    <form
      className="panel"
      aria-labelledby="rules-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="rules-title">{t('rules.title')}</h2>
      {saved && <Notice kind="success">{t('rules.saved')}</Notice>}
      <ErrorBanner
        error={action.error ?? settings.error}
        shown={[
          ...categories.map((c) => `categoryTaxRates.${c}`),
          ...staff.map((r) => `discountLimits.${r}`),
        ]}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={inclusive}
          onChange={(e) => setInclusive(e.target.checked)}
        />
        {t('rules.inclusive')}
      </label>
      <fieldset>
        <legend>{t('rules.taxes')}</legend>
        {categories.length === 0 && <p className="muted">{t('rules.noCategories')}</p>}
        <div className="form-grid">
          {categories.map((c) => (
            <TextField
              key={c}
              label={t('rules.taxOf', { category: c })}
              name={`categoryTaxRates.${c}`}
              error={action.error}
              inputMode="decimal"
              placeholder="0"
              value={rates[c] ?? ''}
              onChange={(v) => setRates((r) => ({ ...r, [c]: v }))}
            />
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('rules.limits')}</legend>
        <div className="form-grid">
          {staff.map((r) => (
            <TextField
              key={r}
              label={t('rules.limitOf', { role: shell(`roles.${r}`) })}
              name={`discountLimits.${r}`}
              error={action.error}
              inputMode="decimal"
              placeholder="0"
              value={limits[r] ?? ''}
              onChange={(v) => setLimits((l) => ({ ...l, [r]: v }))}
            />
          ))}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {t('rules.save')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
