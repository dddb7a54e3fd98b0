// A purchase order drafted by hand: the supplier, the branch it goes to, the rate when the supplier
// sells in another currency (empty: head office's saved rate, shown as the box's placeholder), a
// note, and lines picked by scan or search, priced from the supplier's list unless typed. Enter
// drafts it and opens it; Esc gives up.
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { companyCurrency } from '../../format';
import { useT } from '../../i18n';
import { BranchSelect, SupplierOptions } from './Choices';
import { EditLines, lineFields, linesInput, listPricesOf, type EditRow } from './EditLines';
import { FormActions, FormPanel } from './Panels';

export function NewOrderForm({
  onDrafted,
  onCancel,
}: {
  onDrafted(orderId: string): void;
  onCancel(): void;
}) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const suppliers = useQuery(() => client.call('suppliers.list', {}), []);
  const branches = useQuery(() => client.call('branches.list', {}), []);
  const rates = useQuery(() => client.call('purchasing.rates', {}), []);
  const [supplierId, setSupplierId] = useState('');
  const [branchId, setBranchId] = useState('');
  const [rate, setRate] = useState('');
  const [note, setNote] = useState('');
  const [rows, setRows] = useState<EditRow[]>([]);
  const items = useQuery(
    () => (supplierId ? client.call('supplierItems.list', { supplierId }) : Promise.resolve([])),
    [supplierId],
  );
  const supplier = suppliers.data?.find((s) => s.id === supplierId);
  const currency = supplier?.currencyCode ?? companyCurrency().code;
  const foreign = currency !== companyCurrency().code;
  const savedRate = rates.data?.find((r) => r.currencyCode === currency)?.rate;
  const listPrices = listPricesOf(items.data);
  // The supplier's own codes and packs for what it sells, on lines picked before or after it.
  const withTerms = (rs: EditRow[]) =>
    rs.map((r) => {
      const item = items.data?.find((i) => i.variantId === r.variantId && i.active);
      return { ...r, supplierCode: item?.supplierCode ?? null, packSize: item?.packSize ?? null };
    });

  const draft = async () => {
    const done = await action.run(() =>
      client.call('purchases.draft', {
        supplierId,
        branchId,
        ...(foreign && rate.trim() && { rate: rate.trim() }),
        ...(note.trim() && { note: note.trim() }),
        lines: linesInput(rows, currency),
      }),
    );
    if (done) onDrafted(done.id);
  };

  const fields = ['supplierId', 'branchId', 'rate', 'note', 'lines', ...lineFields(rows)];
  return (
    <FormPanel
      title={t('newOrder.title')}
      intro={t('newOrder.intro')}
      onSubmit={draft}
      onCancel={onCancel}
    >
      <ErrorBanner
        error={action.error ?? suppliers.error ?? branches.error ?? items.error}
        shown={fields}
      />
      <div className="form-grid">
        <Field label={t('newOrder.supplier')} name="supplierId" error={action.error}>
          {(p) => (
            <select
              {...p}
              autoFocus
              value={supplierId}
              onChange={(e) => {
                setSupplierId(e.target.value);
                // Prices typed for one supplier mean nothing for another.
                setRows((rs) => rs.map((r) => ({ ...r, price: '' })));
              }}
            >
              <option value="">{t('newOrder.chooseSupplier')}</option>
              <SupplierOptions suppliers={suppliers.data} />
            </select>
          )}
        </Field>
        <BranchSelect
          label={t('newOrder.branch')}
          name="branchId"
          error={action.error}
          branches={branches.data}
          none={t('newOrder.chooseBranch')}
          value={branchId}
          onChange={setBranchId}
        />
        {foreign && (
          <TextField
            label={t('draft.rate', { currency, company: companyCurrency().code })}
            name="rate"
            error={action.error}
            hint={
              savedRate
                ? t('newOrder.savedRate', { rate: savedRate })
                : t('newOrder.noSavedRate', { currency })
            }
            inputMode="decimal"
            autoComplete="off"
            placeholder={savedRate}
            value={rate}
            onChange={setRate}
          />
        )}
        <TextField
          label={t('draft.note')}
          name="note"
          error={action.error}
          autoComplete="off"
          value={note}
          onChange={setNote}
        />
      </div>
      <EditLines
        rows={withTerms(rows)}
        currency={currency}
        error={action.error}
        listPrices={listPrices}
        onChange={setRows}
      />
      <FormActions
        save={t('newOrder.save')}
        busy={action.busy}
        cancel={t('cancel')}
        onCancel={onCancel}
        data-draft-order
      />
    </FormPanel>
  );
}
