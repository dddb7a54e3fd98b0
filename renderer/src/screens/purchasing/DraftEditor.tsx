// A draft's lines, supplier, rate and note, changed and saved as a revision (Enter saves): a line
// added by scan or search, quantities, prices, a line removed. A supplier in another currency needs
// the rate; a nightly draft may have none yet, and approving is refused until one is entered, at
// this box (`approvalError`, the refusal of the approval below).
import { useState } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { companyCurrency } from '../../format';
import { useT } from '../../i18n';
import { SupplierOptions } from './Choices';
import { EditLines, lineFields, linesInput, listPricesOf, type EditRow } from './EditLines';
import { WhyButton, WhyRow, useOpenWhys, type Order } from './OrderLines';
import { FormActions, FormPanel } from './Panels';
import { amountText } from './shared';

export function DraftEditor({
  order,
  approvalError,
  onSaved,
}: {
  order: Order;
  approvalError?: unknown;
  onSaved(): void;
}) {
  const t = useT('purchasing');
  const client = useClient();
  const action = useAction();
  const whys = useOpenWhys();
  const suppliers = useQuery(() => client.call('suppliers.list', {}), []);
  const [supplierId, setSupplierId] = useState(order.supplierId);
  const items = useQuery(() => client.call('supplierItems.list', { supplierId }), [supplierId]);
  const [rate, setRate] = useState(order.rate ?? '');
  const [note, setNote] = useState(order.note ?? '');
  const [rows, setRows] = useState<EditRow[]>(() =>
    order.lines.map((line) => ({
      key: String(line.lineNo),
      variantId: line.variantId,
      sku: line.sku,
      name: line.name,
      supplierCode: line.supplierCode,
      packSize: line.packSize,
      quantity: String(line.quantity),
      price: amountText(line.price, order.currencyCode),
    })),
  );
  const supplier = suppliers.data?.find((s) => s.id === supplierId);
  const currency = supplier?.currencyCode ?? order.currencyCode;
  const foreign = currency !== companyCurrency().code;
  const listPrices = listPricesOf(items.data);
  const lineOf = new Map(order.lines.map((l) => [String(l.lineNo), l]));

  const chooseSupplier = (id: string) => {
    setSupplierId(id);
    // Another supplier's prices come from its own list, in its own currency.
    setRows((rs) => rs.map((r) => ({ ...r, price: id === order.supplierId ? r.price : '' })));
  };

  const save = async () => {
    const done = await action.run(() =>
      client.call('purchases.revise', {
        id: order.id,
        ...(supplierId !== order.supplierId && { supplierId }),
        ...(foreign && rate.trim() && { rate: rate.trim() }),
        note,
        lines: linesInput(rows, currency),
      }),
    );
    if (done) onSaved();
  };

  const fields = ['supplierId', 'rate', 'note', 'lines', ...lineFields(rows)];
  return (
    <FormPanel title={t('draft.title')} intro={t('draft.intro')} onSubmit={save}>
      <ErrorBanner error={action.error ?? suppliers.error ?? items.error} shown={fields} />
      <div className="form-grid">
        <Field label={t('draft.supplier')} name="supplierId" error={action.error}>
          {(p) => (
            <select {...p} value={supplierId} onChange={(e) => chooseSupplier(e.target.value)}>
              {!supplier && <option value={order.supplierId}>{order.supplierName}</option>}
              <SupplierOptions suppliers={suppliers.data} />
            </select>
          )}
        </Field>
        {foreign && (
          <TextField
            label={t('draft.rate', { currency, company: companyCurrency().code })}
            name="rate"
            error={action.error ?? approvalError}
            hint={order.rate === null ? t('draft.noRate') : t('draft.rateHint')}
            inputMode="decimal"
            autoComplete="off"
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
        rows={rows}
        currency={currency}
        error={action.error}
        listPrices={listPrices}
        onChange={setRows}
        extra={(r, columns) => {
          const line = lineOf.get(r.key);
          if (!line) return {};
          return {
            buttons: (
              <WhyButton
                line={line}
                open={whys.open.has(line.lineNo)}
                onToggle={() => whys.toggle(line.lineNo)}
              />
            ),
            below: whys.open.has(line.lineNo) && (
              <WhyRow order={order} line={line} columns={columns} />
            ),
          };
        }}
      />
      <FormActions save={t('draft.save')} busy={action.busy} data-save-draft />
    </FormPanel>
  );
}
