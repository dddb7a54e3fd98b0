// Head office's badge rules and what each kind of work is worth (decision 0034), for the admin:
// a rule is a name, whose work (drivers' or sales reps'), count / streak / top, the kind of work,
// its threshold and period, the points it adds, whether Telegram announces it, and whether it
// is active. Saved rules settle on every replica the same way.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { FormActions } from '../../components/FormActions';
import { SelectField, TextField } from '../../components/Field';
import { FormPanel } from '../../components/FormPanel';
import { count } from '../../format';
import { useT } from '../../i18n';
import { kindsOf, ruleWords } from './rule-words';

type Rule = OutputOf<'badges.rules'>[number];
type BoardRole = 'driver' | 'sales_rep';
const allKinds = ['delivery', 'on_time_trip', 'order_delivered', 'new_customer'] as const;

interface Draft {
  id: string | null;
  name: string;
  role: BoardRole;
  rule: 'count' | 'streak' | 'top';
  kind: string;
  threshold: string;
  period: 'ever' | 'week' | 'month';
  points: string;
  announce: boolean;
  active: boolean;
}

const blank: Draft = {
  id: null,
  name: '',
  role: 'driver',
  rule: 'count',
  kind: 'delivery',
  threshold: '10',
  period: 'week',
  points: '0',
  announce: false,
  active: true,
};

const draftOf = (r: Rule): Draft => ({
  id: r.id,
  name: r.name ?? '',
  role: (r.role as BoardRole | null) ?? 'driver',
  rule: (r.rule as Draft['rule'] | null) ?? 'count',
  kind: r.kind ?? 'delivery',
  threshold: String(r.threshold ?? ''),
  period: (r.period as Draft['period'] | null) ?? 'week',
  points: String(r.points ?? 0),
  announce: r.announce,
  active: r.active,
});

/** A box's whole number, or NaN for the core to name. */
const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN);

export function BadgeRules({ onSaved }: { onSaved(): void }) {
  const t = useT('road');
  const client = useClient();
  const [tick, setTick] = useState(0);
  const rules = useQuery(() => client.call('badges.rules', {}), [tick]);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const action = useAction();

  const save = async () => {
    if (!draft) return;
    const saved = await action.run(() =>
      client.call('badges.saveRule', {
        ...(draft.id && { id: draft.id }),
        name: draft.name,
        role: draft.role,
        rule: draft.rule,
        kind: draft.kind as (typeof allKinds)[number],
        threshold: whole(draft.threshold),
        period: draft.period,
        points: whole(draft.points),
        announce: draft.announce,
        active: draft.active,
      }),
    );
    if (saved !== undefined) {
      setSaid(t('rules.saved', { name: draft.name }));
      setDraft(null);
      setTick((n) => n + 1);
      onSaved();
    }
  };
  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  return (
    <>
      <section className="panel" aria-labelledby="rules-title">
        <header className="panel-head row">
          <h2 id="rules-title">{t('rules.title')}</h2>
          <span className="grow" />
          {!draft && (
            <button
              type="button"
              className="btn primary"
              onClick={() => {
                setSaid(null);
                action.setError(undefined);
                setDraft(blank);
              }}
            >
              {t('rules.new')}
            </button>
          )}
        </header>
        {said && <Notice kind="success">{said}</Notice>}
        <ErrorBanner error={rules.error} />
        {draft && (
          <FormPanel
            title={draft.id ? t('rules.edit', { name: draft.name }) : t('rules.new')}
            heading={false}
            onSubmit={() => void save()}
            onCancel={() => setDraft(null)}
          >
            <ErrorBanner
              error={action.error}
              shown={['name', 'role', 'rule', 'kind', 'threshold', 'period', 'points']}
            />
            <div className="form-grid">
              <TextField
                label={t('rules.name')}
                name="name"
                error={action.error}
                autoFocus
                value={draft.name}
                onChange={(name) => set({ name })}
              />
              <SelectField
                label={t('rules.role')}
                name="role"
                error={action.error}
                choices={(['driver', 'sales_rep'] as const).map((r) => ({
                  value: r,
                  label: t(`role.${r}`),
                }))}
                value={draft.role}
                onChange={(v) => {
                  const role = v as BoardRole;
                  set({ role, kind: kindsOf[role][0] ?? draft.kind });
                }}
              />
              <SelectField
                label={t('rules.rule')}
                name="rule"
                error={action.error}
                choices={(['count', 'streak', 'top'] as const).map((r) => ({
                  value: r,
                  label: t(`ruleKind.${r}`),
                }))}
                value={draft.rule}
                onChange={(v) => set({ rule: v as Draft['rule'] })}
              />
              <SelectField
                label={t('rules.kind')}
                name="kind"
                error={action.error}
                choices={kindsOf[draft.role].map((k) => ({ value: k, label: t(`kind.${k}`) }))}
                value={draft.kind}
                onChange={(kind) => set({ kind })}
              />
              <TextField
                label={t('rules.threshold')}
                name="threshold"
                error={action.error}
                hint={t(`rules.thresholdHint.${draft.rule}`)}
                type="number"
                min={1}
                step={1}
                value={draft.threshold}
                onChange={(threshold) => set({ threshold })}
              />
              <SelectField
                label={t('rules.period')}
                name="period"
                error={action.error}
                choices={(['ever', 'week', 'month'] as const).map((x) => ({
                  value: x,
                  label: t(`periodOf.${x}`),
                }))}
                value={draft.period}
                onChange={(v) => set({ period: v as Draft['period'] })}
              />
              <TextField
                label={t('rules.points')}
                name="points"
                error={action.error}
                type="number"
                min={0}
                step={1}
                value={draft.points}
                onChange={(points) => set({ points })}
              />
            </div>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.announce}
                onChange={(e) => set({ announce: e.target.checked })}
              />{' '}
              {t('rules.announce')}
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.active}
                onChange={(e) => set({ active: e.target.checked })}
              />{' '}
              {t('rules.active')}
            </label>
            <p className="muted">
              {ruleWords(t, {
                rule: draft.rule,
                kind: draft.kind,
                threshold: whole(draft.threshold) || 0,
                period: draft.period,
              })}
            </p>
            <FormActions
              save={t('rules.save')}
              saveKey={null}
              disabled={action.busy}
              cancel={t('rules.cancel')}
              onCancel={() => setDraft(null)}
            />
          </FormPanel>
        )}
        <div className="table-wrap">
          <table className="table compact" aria-label={t('rules.table')}>
            <thead>
              <tr>
                <th scope="col">{t('rules.name')}</th>
                <th scope="col">{t('rules.role')}</th>
                <th scope="col">{t('rules.what')}</th>
                <th scope="col" className="num">
                  {t('rules.points')}
                </th>
                <th scope="col">{t('rules.flags')}</th>
              </tr>
            </thead>
            <tbody>
              {rules.data?.length === 0 && (
                <tr>
                  <td colSpan={5} className="empty">
                    {t('rules.none')}
                  </td>
                </tr>
              )}
              {rules.data?.map((r) => (
                <tr key={r.id} data-rule={r.name ?? r.id}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        setSaid(null);
                        action.setError(undefined);
                        setDraft(draftOf(r));
                      }}
                    >
                      {r.name ?? r.id}
                    </button>
                  </td>
                  <td>{r.role ? t(`role.${r.role}`) : '—'}</td>
                  <td>{ruleWords(t, r)}</td>
                  <td className="num">{count(r.points ?? 0)}</td>
                  <td>
                    {[
                      r.active ? t('rules.isActive') : t('rules.isInactive'),
                      r.announce ? t('rules.isAnnounced') : '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <WorkPoints />
    </>
  );
}

function WorkPoints() {
  const t = useT('road');
  const client = useClient();
  const [tick, setTick] = useState(0);
  const current = useQuery(() => client.call('badges.points', {}), [tick]);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [said, setSaid] = useState(false);
  const action = useAction();
  const value = (k: (typeof allKinds)[number]) =>
    edits[k] ?? (current.data ? String(current.data[k]) : '');
  return (
    <form
      className="panel"
      aria-labelledby="points-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void action
          .run(() =>
            client.call('badges.savePoints', {
              points: Object.fromEntries(Object.entries(edits).map(([k, v]) => [k, whole(v)])),
            }),
          )
          .then((done) => {
            if (done) {
              setEdits({});
              setSaid(true);
              setTick((n) => n + 1);
            }
          });
      }}
    >
      <h2 id="points-title">{t('points.title')}</h2>
      <p className="muted">{t('points.intro')}</p>
      {said && <Notice kind="success">{t('points.saved')}</Notice>}
      <ErrorBanner
        error={action.error ?? current.error}
        shown={allKinds.map((k) => `points.${k}`)}
      />
      <div className="form-grid">
        {allKinds.map((k) => (
          <TextField
            key={k}
            label={t(`kind.${k}`)}
            name={`points.${k}`}
            error={action.error}
            type="number"
            min={0}
            step={1}
            value={value(k)}
            onChange={(v) => {
              setSaid(false);
              setEdits((e) => ({ ...e, [k]: v }));
            }}
          />
        ))}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={action.busy}>
          {t('points.save')}
        </button>
      </div>
    </form>
  );
}
