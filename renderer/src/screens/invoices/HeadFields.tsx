// The invoice's head in the review form: kind, supplier (the one matching proposed, its other
// candidates with how each matched, or a new one added from what was read), number, date,
// currency and rate, purchase order, and the totals. Each box says where its value came from.
import { useAction, useClient, useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { Field, TextField } from '../../components/Field';
import { companyCurrency, today } from '../../format';
import { useT } from '../../i18n';
import { evidenceOf, type Draft, type Kit } from './form';
import { Sourced } from './Source';

type Supplier = OutputOf<'suppliers.list'>[number];

const percent = (score: number) => Math.round(score * 100);

/** " (tax id · phone · email)" of a proposed supplier, or nothing. */
const details = (p: { taxId: string | null; phone: string | null; email: string | null }) => {
  const known = [p.taxId, p.phone, p.email].filter(Boolean);
  return known.length > 0 ? ` (${known.join(' · ')})` : '';
};

export function HeadFields({
  kit,
  suppliers,
  onSuppliers,
}: {
  kit: Kit;
  suppliers: readonly Supplier[] | undefined;
  onSuppliers(): void;
}) {
  const t = useT('invoices');
  const client = useClient();
  const { draft: d, found, error } = kit;
  const read = found.reading?.invoice;
  const supplierMatch = found.proposal?.supplier;
  const company = companyCurrency().code;
  const orders = useQuery(
    () =>
      d.supplierId
        ? client.call('purchases.list', { supplierId: d.supplierId })
        : Promise.resolve([]),
    [d.supplierId],
  );
  const adding = useAction();

  const source = (field: string) => ({
    read: evidenceOf(read, field),
    typed: kit.typed.has(field),
    point: kit.point,
  });
  /** A text box of the head, its source under it and its check's message beside it. */
  const box = (field: keyof Draft & string, label: string, extra: { hint?: string } = {}) => (
    <Sourced {...source(field)}>
      <TextField
        label={label}
        name={field}
        error={error}
        localError={kit.check(field)}
        autoComplete="off"
        value={String(d[field])}
        onChange={(value) => kit.change(field, { [field]: value })}
        {...extra}
      />
    </Sourced>
  );

  const addSupplier = async () => {
    const proposed = supplierMatch?.proposeNew;
    if (!proposed?.name) return;
    const saved = await adding.run(() =>
      client.call('suppliers.save', {
        name: proposed.name ?? '',
        taxId: proposed.taxId ?? undefined,
        phone: proposed.phone ?? undefined,
        email: proposed.email ?? undefined,
        currencyCode: d.currencyCode || company,
        leadTimeDays: 0,
      }),
    );
    if (!saved) return;
    onSuppliers();
    kit.change('supplierId', { supplierId: saved.id });
  };

  const candidates = supplierMatch?.candidates ?? [];
  const foundOrder = found.proposal?.order;
  const orderChoices = orders.data ?? [];

  return (
    <>
      <div className="form-grid">
        <Field label={t('form.kind')} name="kind" error={error}>
          {(p) => (
            <select
              {...p}
              value={d.kind}
              onChange={(e) =>
                kit.change('kind', { kind: e.target.value === 'credit' ? 'credit' : 'invoice' })
              }
            >
              <option value="invoice">{t('kind.invoice')}</option>
              <option value="credit">{t('kind.credit')}</option>
            </select>
          )}
        </Field>
        <Sourced {...source('supplierId')} className="wide">
          <Field label={t('form.supplier')} name="supplierId" error={error}>
            {(p) => (
              <select
                {...p}
                value={d.supplierId}
                onChange={(e) =>
                  kit.change('supplierId', { supplierId: e.target.value, orderId: '' })
                }
              >
                <option value="">{t('form.chooseSupplier')}</option>
                {candidates.length > 0 && (
                  <optgroup label={t('form.candidates')}>
                    {candidates.map((c) => (
                      <option key={c.supplierId} value={c.supplierId}>
                        {t('form.candidate', {
                          name: c.name,
                          by: t(`matchBy.${c.by}`),
                          score: percent(c.score),
                        })}
                      </option>
                    ))}
                  </optgroup>
                )}
                <optgroup label={t('form.allSuppliers')}>
                  {suppliers?.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name} · {s.currencyCode}
                    </option>
                  ))}
                </optgroup>
              </select>
            )}
          </Field>
          {read?.supplierName && (
            <p className="muted small" data-testid="read-supplier">
              {t('form.readAs', { name: read.supplierName.value })}
            </p>
          )}
        </Sourced>
      </div>
      {supplierMatch?.proposeNew?.name && !d.supplierId && (
        <div className="propose-new" data-testid="propose-supplier">
          <p>
            {t('form.proposeNew', {
              name: supplierMatch.proposeNew.name,
              details: details(supplierMatch.proposeNew),
            })}
          </p>
          <button
            type="button"
            className="btn"
            disabled={adding.busy}
            onClick={() => void addSupplier()}
          >
            {t('form.addSupplier')}
          </button>
          <ErrorBanner error={adding.error} />
        </div>
      )}
      <div className="form-grid">
        {box('number', t('form.number'))}
        <Sourced {...source('date')}>
          <Field label={t('form.date')} name="date" error={error} localError={kit.check('date')}>
            {(p) => (
              <input
                {...p}
                type="date"
                max={today()}
                value={d.date}
                onChange={(e) => kit.change('date', { date: e.target.value })}
              />
            )}
          </Field>
        </Sourced>
        {box('currencyCode', t('form.currency'))}
        {d.currencyCode.trim().toUpperCase() !== company &&
          box('rate', t('form.rate', { company, currency: d.currencyCode.toUpperCase() }), {
            hint: t('form.rateHint'),
          })}
        <Sourced {...source('orderId')} className="wide">
          <Field label={t('form.order')} name="orderId" error={error}>
            {(p) => (
              <select
                {...p}
                value={d.orderId}
                onChange={(e) => kit.change('orderId', { orderId: e.target.value })}
              >
                <option value="">{t('form.noOrder')}</option>
                {foundOrder?.found && !orderChoices.some((o) => o.id === foundOrder.orderId) && (
                  <option value={foundOrder.orderId}>{foundOrder.number}</option>
                )}
                {orderChoices.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.number ?? t('form.draftOrder')} · {o.branchCode}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {read?.orderReference && (
            <p className="muted small">
              {t('form.orderRead', { reference: read.orderReference.value })}
            </p>
          )}
        </Sourced>
      </div>
      <div className="form-grid totals-grid">
        {box('subtotal', t('form.subtotal'))}
        {box('tax', t('form.tax'))}
        {box('total', t('form.total'))}
      </div>
    </>
  );
}
