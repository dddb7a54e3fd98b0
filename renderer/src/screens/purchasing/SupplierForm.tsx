// A supplier as head office keeps it: name, tax id, how to reach them, the currency they sell in,
// their payment terms and how many days their goods take to come. Enter saves, Esc goes back.
import { useState } from 'react';
import { useAction, useClient } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { companyCurrency } from '../../format';
import { useT } from '../../i18n';
import { FormActions, FormPanel } from './Panels';
import { whole } from './shared';

export type SupplierRow = OutputOf<'suppliers.list'>[number];

interface Fields {
  name: string;
  taxId: string;
  phone: string;
  email: string;
  currencyCode: string;
  paymentTerms: string;
  leadTimeDays: string;
  active: boolean;
}

const fieldsOf = (s: SupplierRow | null): Fields => ({
  name: s?.name ?? '',
  taxId: s?.taxId ?? '',
  phone: s?.phone ?? '',
  email: s?.email ?? '',
  currencyCode: s?.currencyCode ?? companyCurrency().code,
  paymentTerms: s?.paymentTerms ?? '',
  leadTimeDays: String(s?.leadTimeDays ?? 7),
  active: s?.active ?? true,
});

const FIELDS = [
  'name',
  'taxId',
  'phone',
  'email',
  'currencyCode',
  'paymentTerms',
  'leadTimeDays',
  'active',
];

export function SupplierForm({
  supplier,
  onSaved,
  onCancel,
}: {
  supplier: SupplierRow | null;
  onSaved(id: string, name: string): void;
  onCancel(): void;
}) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const [f, setF] = useState<Fields>(() => fieldsOf(supplier));
  const set = (key: keyof Fields) => (value: string) => setF((x) => ({ ...x, [key]: value }));

  const save = async () => {
    const done = await action.run(() =>
      client.call('suppliers.save', {
        ...(supplier && { id: supplier.id }),
        name: f.name,
        taxId: f.taxId,
        phone: f.phone,
        email: f.email,
        currencyCode: f.currencyCode,
        paymentTerms: f.paymentTerms,
        leadTimeDays: whole(f.leadTimeDays),
        active: f.active,
      }),
    );
    if (done) onSaved(done.id, f.name.trim());
  };

  const title = supplier
    ? t('supplier.editTitle', { name: supplier.name })
    : t('supplier.newTitle');
  return (
    <FormPanel title={title} onSubmit={save} onCancel={onCancel}>
      <ErrorBanner error={action.error} shown={FIELDS} />
      <div className="form-grid">
        <TextField
          label={t('supplier.name')}
          name="name"
          error={action.error}
          autoFocus
          autoComplete="off"
          value={f.name}
          onChange={set('name')}
        />
        <TextField
          label={t('supplier.taxId')}
          name="taxId"
          error={action.error}
          autoComplete="off"
          value={f.taxId}
          onChange={set('taxId')}
        />
        <TextField
          label={t('supplier.phone')}
          name="phone"
          error={action.error}
          autoComplete="off"
          inputMode="tel"
          value={f.phone}
          onChange={set('phone')}
        />
        <TextField
          label={t('supplier.email')}
          name="email"
          error={action.error}
          autoComplete="off"
          inputMode="email"
          value={f.email}
          onChange={set('email')}
        />
        <TextField
          label={t('supplier.currency')}
          name="currencyCode"
          error={action.error}
          hint={t('supplier.currencyHint')}
          autoComplete="off"
          maxLength={3}
          value={f.currencyCode}
          onChange={set('currencyCode')}
        />
        <TextField
          label={t('supplier.terms')}
          name="paymentTerms"
          error={action.error}
          hint={t('supplier.termsHint')}
          autoComplete="off"
          value={f.paymentTerms}
          onChange={set('paymentTerms')}
        />
        <TextField
          label={t('supplier.leadTime')}
          name="leadTimeDays"
          error={action.error}
          type="number"
          min={0}
          step={1}
          value={f.leadTimeDays}
          onChange={set('leadTimeDays')}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={f.active}
            onChange={(e) => setF((x) => ({ ...x, active: e.target.checked }))}
          />{' '}
          {t('supplier.active')}
        </label>
      </div>
      <FormActions save={t('save')} busy={action.busy} cancel={t('back')} onCancel={onCancel} />
    </FormPanel>
  );
}
