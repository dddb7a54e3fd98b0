// The loyalty program as head office sets it: how much spend earns a point, how long points wait
// before they can be spent and when they expire, what a point is worth, the tiers (by spend over
// the last 12 months, each with its earning rate) and the rewards a customer can take for points.
import { useEffect, useState } from 'react';
import { useAction, useClient, useQuery } from '../../../app-context';
import { ErrorBanner, Notice } from '../../../components/Banner';
import { Field, TextField } from '../../../components/Field';
import type { OutputOf } from '../../../client';
import { money, parseMoney } from '../../../format';
import { useT } from '../../../i18n';
import { bpToPercent, percentToBp, whole } from './percent';

type Program = NonNullable<OutputOf<'loyalty.program'>>;
interface TierRow {
  name: string;
  minSpend: string;
  rate: string;
}
interface RewardRow {
  id: string;
  name: string;
  points: string;
  variantId: string;
}

const amountText = (minor: number) => money(minor).replace(/\u00a0/g, ' ');
const typedMoney = (text: string) => (text.trim() === '' ? NaN : (parseMoney(text) ?? NaN));

export function ProgramForm() {
  const t = useT('loyalty');
  const client = useClient();
  const program = useQuery(() => client.call('loyalty.program', {}), []);
  const catalog = useQuery(() => client.call('catalog.list', { limit: 500 }), []);
  const [spend, setSpend] = useState('');
  const [pendingDays, setPendingDays] = useState('0');
  const [expiryDays, setExpiryDays] = useState('0');
  const [pointValue, setPointValue] = useState('');
  const [tiers, setTiers] = useState<TierRow[]>([]);
  const [rewards, setRewards] = useState<RewardRow[]>([]);
  const [saved, setSaved] = useState(false);
  const action = useAction();

  const fill = (p: Program | null) => {
    if (!p) return;
    setSpend(amountText(p.spendPerPoint));
    setPendingDays(String(p.pendingDays));
    setExpiryDays(String(p.expiryDays));
    setPointValue(amountText(p.pointValue));
    setTiers(
      p.tiers.map((x) => ({
        name: x.name,
        minSpend: amountText(x.minSpend),
        rate: bpToPercent(x.rateBp),
      })),
    );
    setRewards(
      p.rewards.map((r) => ({
        id: r.id,
        name: r.name,
        points: String(r.points),
        variantId: r.variantId,
      })),
    );
  };
  useEffect(() => fill(program.data ?? null), [program.data]);

  const submit = async () => {
    setSaved(false);
    const result = await action.run(() =>
      client.call('loyalty.saveProgram', {
        spendPerPoint: typedMoney(spend),
        pendingDays: whole(pendingDays),
        expiryDays: whole(expiryDays),
        pointValue: typedMoney(pointValue),
        tiers: tiers.map((x) => ({
          name: x.name,
          minSpend: typedMoney(x.minSpend),
          rateBp: percentToBp(x.rate),
        })),
        rewards: rewards.map((r, i) => ({
          id: r.id || `reward-${i + 1}`,
          name: r.name,
          points: whole(r.points),
          variantId: r.variantId,
        })),
      }),
    );
    if (result === undefined) return;
    fill(result);
    setSaved(true);
  };

  const setTier = (i: number, change: Partial<TierRow>) =>
    setTiers((rows) => rows.map((r, n) => (n === i ? { ...r, ...change } : r)));
  const setReward = (i: number, change: Partial<RewardRow>) =>
    setRewards((rows) => rows.map((r, n) => (n === i ? { ...r, ...change } : r)));
  const variants = catalog.data ?? [];
  const fields = [
    'spendPerPoint',
    'pendingDays',
    'expiryDays',
    'pointValue',
    ...tiers.flatMap((_, i) => [`tiers.${i}.name`, `tiers.${i}.minSpend`, `tiers.${i}.rateBp`]),
    ...rewards.flatMap((_, i) => [
      `rewards.${i}.name`,
      `rewards.${i}.points`,
      `rewards.${i}.variantId`,
    ]),
  ];

  return (
    <form
      className="panel"
      aria-labelledby="program-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="program-title">{t('program.title')}</h2>
      {program.data === null && <p className="muted">{t('program.none')}</p>}
      {saved && <Notice kind="success">{t('program.saved')}</Notice>}
      <ErrorBanner error={action.error ?? program.error} shown={fields} />
      <div className="form-grid">
        <TextField
          label={t('program.spendPerPoint')}
          name="spendPerPoint"
          error={action.error}
          hint={t('program.spendPerPointHint')}
          inputMode="decimal"
          value={spend}
          onChange={setSpend}
        />
        <TextField
          label={t('program.pointValue')}
          name="pointValue"
          error={action.error}
          hint={t('program.pointValueHint')}
          inputMode="decimal"
          value={pointValue}
          onChange={setPointValue}
        />
        <TextField
          label={t('program.pendingDays')}
          name="pendingDays"
          error={action.error}
          hint={t('program.pendingDaysHint')}
          type="number"
          min={0}
          step={1}
          value={pendingDays}
          onChange={setPendingDays}
        />
        <TextField
          label={t('program.expiryDays')}
          name="expiryDays"
          error={action.error}
          hint={t('program.expiryDaysHint')}
          type="number"
          min={0}
          step={1}
          value={expiryDays}
          onChange={setExpiryDays}
        />
      </div>

      <fieldset>
        <legend>{t('tiers.title')}</legend>
        {tiers.map((x, i) => (
          <div className="form-grid" key={i} data-tier={i}>
            <TextField
              label={t('tiers.name', { n: i + 1 })}
              name={`tiers.${i}.name`}
              error={action.error}
              value={x.name}
              onChange={(name) => setTier(i, { name })}
            />
            <TextField
              label={t('tiers.minSpend')}
              name={`tiers.${i}.minSpend`}
              error={action.error}
              inputMode="decimal"
              value={x.minSpend}
              onChange={(minSpend) => setTier(i, { minSpend })}
            />
            <TextField
              label={t('tiers.rate')}
              name={`tiers.${i}.rateBp`}
              error={action.error}
              hint={t('tiers.rateHint')}
              inputMode="decimal"
              value={x.rate}
              onChange={(rate) => setTier(i, { rate })}
            />
            <button
              type="button"
              className="btn small"
              onClick={() => setTiers((rows) => rows.filter((_, n) => n !== i))}
            >
              {t('remove', { what: x.name || t('tiers.name', { n: i + 1 }) })}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="btn small"
          onClick={() => setTiers((rows) => [...rows, { name: '', minSpend: '', rate: '100' }])}
        >
          {t('tiers.add')}
        </button>
      </fieldset>

      <fieldset>
        <legend>{t('rewards.title')}</legend>
        {rewards.map((r, i) => (
          <div className="form-grid" key={i} data-reward={i}>
            <TextField
              label={t('rewards.name', { n: i + 1 })}
              name={`rewards.${i}.name`}
              error={action.error}
              value={r.name}
              onChange={(name) => setReward(i, { name })}
            />
            <TextField
              label={t('rewards.points')}
              name={`rewards.${i}.points`}
              error={action.error}
              type="number"
              min={1}
              step={1}
              value={r.points}
              onChange={(points) => setReward(i, { points })}
            />
            <Field
              label={t('rewards.product')}
              name={`rewards.${i}.variantId`}
              error={action.error}
            >
              {(p) => (
                <select
                  {...p}
                  value={r.variantId}
                  onChange={(e) => setReward(i, { variantId: e.target.value })}
                >
                  <option value="">{t('rewards.choose')}</option>
                  {variants.map((v) => (
                    <option key={v.variantId} value={v.variantId}>
                      {v.sku} · {v.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button
              type="button"
              className="btn small"
              onClick={() => setRewards((rows) => rows.filter((_, n) => n !== i))}
            >
              {t('remove', { what: r.name || t('rewards.name', { n: i + 1 }) })}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="btn small"
          onClick={() =>
            setRewards((rows) => [...rows, { id: '', name: '', points: '', variantId: '' }])
          }
        >
          {t('rewards.add')}
        </button>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {t('program.save')} <kbd>Enter</kbd>
        </button>
      </div>
    </form>
  );
}
