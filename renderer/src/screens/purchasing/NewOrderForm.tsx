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
import { EditLines, lineFields, linesInput, type EditRow } from './EditLines';

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
  const listPrices = new Map(
    (items.data ?? []).filter((i) => i.active).map((i) => [i.variantId, i.price]),
  );
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
    <form
      className="panel"
      aria-label={t('newOrder.title')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void draft();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <h2>{t('newOrder.title')}</h2>
      <p className="muted">{t('newOrder.intro')}</p>
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
              {suppliers.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} · {s.currencyCode}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('newOrder.branch')} name="branchId" error={action.error}>
          {(p) => (
            <select {...p} value={branchId} onChange={(e) => setBranchId(e.target.value)}>
              <option value="">{t('newOrder.chooseBranch')}</option>
              {branches.data?.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.code} · {b.name}
                </option>
              ))}
            </select>
          )}
        </Field>
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
      <div className="form-actions">
        <button type="submit" className="btn primary" data-draft-order disabled={action.busy}>
          {t('newOrder.save')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('cancel')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
