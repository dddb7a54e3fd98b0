// Reorder rules, per branch and variant: the least a branch should hold, and what to order up to
// when it falls below (a maximum, or enough for so many days of the forecast), from which supplier.
// The nightly run reads them. F2 adds a rule; Enter saves; Esc goes back to the list.
import { useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner, Notice } from '../../components/Banner';
import { Field, ItemName, TextField } from '../../components/Field';
import { count } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { BranchSelect, VariantChoice, type Variant } from './Choices';
import { EditPanel, FormActions } from './Panels';
import { focusSoon, whole } from './shared';

type RuleRow = OutputOf<'reorderRules.list'>[number];
type Branch = OutputOf<'branches.list'>[number];
type Supplier = OutputOf<'suppliers.list'>[number];

const FIELDS = ['branchId', 'variantId', 'min', 'max', 'daysOfCover', 'supplierId'];

function RuleForm({
  rule,
  branchId,
  branches,
  suppliers,
  onSaved,
  onCancel,
}: {
  rule: RuleRow | null;
  branchId: string;
  branches: readonly Branch[];
  suppliers: readonly Supplier[];
  onSaved(sku: string): void;
  onCancel(): void;
}) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const [branch, setBranch] = useState(rule?.branchId ?? branchId);
  const [variant, setVariant] = useState(
    rule ? { id: rule.variantId, sku: rule.sku, name: rule.name } : null,
  );
  const [min, setMin] = useState(rule ? String(rule.min) : '');
  const [upTo, setUpTo] = useState<'max' | 'days'>(rule?.daysOfCover ? 'days' : 'max');
  const [max, setMax] = useState(rule?.max === null || !rule ? '' : String(rule.max));
  const [days, setDays] = useState(rule?.daysOfCover ? String(rule.daysOfCover) : '');
  const [supplier, setSupplier] = useState(rule?.supplierId ?? '');
  const [active, setActive] = useState(rule?.active ?? true);

  const pick = (picked: Variant) => {
    setVariant(picked);
    focusSoon('[data-field="min"] input');
  };
  const save = async () => {
    const done = await action.run(() =>
      client.call('reorderRules.save', {
        ...(rule && { id: rule.id }),
        branchId: branch,
        variantId: variant?.id ?? '',
        min: whole(min),
        max: upTo === 'max' ? whole(max) : null,
        daysOfCover: upTo === 'days' ? whole(days) : null,
        supplierId: supplier || null,
        active,
      }),
    );
    if (done) onSaved(variant?.sku ?? '');
  };

  const title = rule ? t('rules.editTitle', { sku: rule.sku }) : t('rules.newTitle');
  return (
    <EditPanel title={title} onCancel={onCancel}>
      <h2>{title}</h2>
      {rule ? (
        <p>
          <ItemName sku={rule.sku} name={rule.name} />
        </p>
      ) : (
        <VariantChoice variant={variant} error={action.error} onPick={pick} />
      )}
      <form
        noValidate
        aria-label={t('rules.form')}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <ErrorBanner error={action.error} shown={rule ? FIELDS.slice(2) : FIELDS} />
        <div className="form-grid">
          <BranchSelect
            label={t('rules.branch')}
            name="branchId"
            error={action.error}
            branches={branches}
            value={branch}
            onChange={setBranch}
          />
          <TextField
            label={t('rules.min')}
            name="min"
            error={action.error}
            hint={t('rules.minHint')}
            type="number"
            min={0}
            step={1}
            value={min}
            onChange={setMin}
          />
          <Field label={t('rules.upTo')} name="upTo" error={undefined}>
            {(p) => (
              <select
                {...p}
                value={upTo}
                onChange={(e) => setUpTo(e.target.value === 'days' ? 'days' : 'max')}
              >
                <option value="max">{t('rules.upToMax')}</option>
                <option value="days">{t('rules.upToDays')}</option>
              </select>
            )}
          </Field>
          {upTo === 'max' ? (
            <TextField
              label={t('rules.max')}
              name="max"
              error={action.error}
              type="number"
              min={0}
              step={1}
              value={max}
              onChange={setMax}
            />
          ) : (
            <TextField
              label={t('rules.days')}
              name="daysOfCover"
              error={action.error}
              hint={t('rules.daysHint')}
              type="number"
              min={1}
              step={1}
              value={days}
              onChange={setDays}
            />
          )}
          <Field label={t('rules.supplier')} name="supplierId" error={action.error}>
            {(p) => (
              <select {...p} value={supplier} onChange={(e) => setSupplier(e.target.value)}>
                <option value="">{t('rules.anySupplier')}</option>
                {suppliers.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <label className="check">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />{' '}
            {t('rules.active')}
          </label>
        </div>
        <FormActions
          save={t('rules.save')}
          busy={action.busy}
          cancel={t('cancel')}
          onCancel={onCancel}
        />
      </form>
    </EditPanel>
  );
}

export function ReorderRules() {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const manage = can(user, 'purchasing.manage');
  const [branchId, setBranchId] = useState('');
  const [editing, setEditing] = useState<{ rule: RuleRow | null } | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const suppliers = useQuery(() => client.call('suppliers.list', {}), []);
  const rules = useQuery(
    () => client.call('reorderRules.list', { ...(branchId && { branchId }), limit: 500 }),
    [branchId, tick],
  );
  const startNew = () => {
    setSaid(null);
    setEditing({ rule: null });
  };
  const done = () => {
    setEditing(null);
    focusSoon('.reorder-rules [data-new-rule]');
  };

  return (
    <div
      className="screen reorder-rules"
      onKeyDown={(e) => {
        if (e.key === 'F2' && !editing && manage && !e.defaultPrevented) {
          e.preventDefault();
          startNew();
        }
      }}
    >
      <header className="screen-head row">
        <div>
          <h1>{t('rules.title')}</h1>
          <p className="muted">{t('rules.intro')}</p>
        </div>
        <span className="grow" />
        {!editing && manage && (
          <button type="button" className="btn primary" data-new-rule onClick={startNew}>
            {t('rules.new')} <kbd>F2</kbd>
          </button>
        )}
      </header>
      {said && <Notice kind="success">{said}</Notice>}
      <ErrorBanner error={rules.error ?? branches.error} />
      {editing && (
        <RuleForm
          key={editing.rule?.id ?? 'new'}
          rule={editing.rule}
          branchId={branchId || user.branchId || branches.data?.[0]?.id || ''}
          branches={branches.data ?? []}
          suppliers={suppliers.data ?? []}
          onSaved={(sku) => {
            setSaid(t('rules.saved', { sku }));
            setTick((n) => n + 1);
            done();
          }}
          onCancel={done}
        />
      )}
      <div className="toolbar">
        <BranchSelect
          label={t('rules.branchFilter')}
          name="branchFilter"
          error={undefined}
          branches={branches.data}
          none={t('allBranches')}
          value={branchId}
          onChange={setBranchId}
        />
      </div>
      <div className="table-wrap">
        <table
          className="table compact"
          aria-label={t('rules.table')}
          data-state={rules.loading ? 'loading' : 'ready'}
        >
          <thead>
            <tr>
              <th scope="col">{t('col.branch')}</th>
              <th scope="col">{t('col.item')}</th>
              <th scope="col" className="num">
                {t('col.min')}
              </th>
              <th scope="col">{t('col.upTo')}</th>
              <th scope="col">{t('col.supplier')}</th>
              <th scope="col">{t('col.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {rules.data?.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('rules.none')}
                </td>
              </tr>
            )}
            {rules.data?.map((r) => (
              <tr key={r.id} data-sku={r.sku} data-branch={r.branchCode}>
                <td>{r.branchCode}</td>
                <td>
                  <ItemName sku={r.sku} name={r.name} />
                  {!r.active && <span className="muted small">{t('inactive')}</span>}
                </td>
                <td className="num">{count(r.min)}</td>
                <td>
                  {r.max !== null
                    ? t('rules.maxCell', { n: count(r.max) })
                    : t('rules.daysCell', { n: count(r.daysOfCover ?? 0) })}
                </td>
                <td>{r.supplierName ?? t('rules.anySupplier')}</td>
                <td>
                  {manage && (
                    <button
                      type="button"
                      className="btn small"
                      onClick={() => {
                        setSaid(null);
                        setEditing({ rule: r });
                      }}
                    >
                      {t('rules.edit', { sku: r.sku })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
