// The invoice's lines as the person corrects them: the supplier's code and description, which of
// our products it is (the candidates matching found, with how each matched and how well; any
// product found with the picker; or not a product at all: freight, a service), the quantity,
// unit price and amount. Lines can be added and removed.
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Field, FieldError, TextField } from '../../components/Field';
import { ProductPicker } from '../../components/ProductPicker';
import { companyCurrency } from '../../format';
import { useT } from '../../i18n';
import { emptyLine, evidenceOf, type Kit, type LineDraft, type LineProduct } from './form';
import { NewProduct } from './NewProduct';
import { Sourced } from './Source';

interface Known {
  sku: string;
  name: string;
}

const productValue = (p: LineProduct) =>
  p.kind === 'variant' ? p.id : p.kind === 'none' ? 'none' : '';

export function LinesEditor({ kit }: { kit: Kit }) {
  const t = useT('invoices');
  const { draft: d, found, error } = kit;
  const read = found.reading?.invoice;
  const [picked, setPicked] = useState<Record<string, Known>>({});
  const [finding, setFinding] = useState<number | null>(null);
  const company = companyCurrency().code;

  /** A product found or made for line `i`: chosen for it, and the focus back on its choice. */
  const choose = (i: number, row: { variantId: string; sku: string; name: string }) => {
    setPicked((all) => ({ ...all, [row.variantId]: { sku: row.sku, name: row.name } }));
    kit.changeLine(i, 'variantId', { product: { kind: 'variant', id: row.variantId } });
    setFinding(null);
    window.setTimeout(
      () =>
        document.querySelector<HTMLElement>(`[data-field="lines.${i}.variantId"] select`)?.focus(),
      0,
    );
  };

  const cell = (
    line: LineDraft,
    i: number,
    field: 'code' | 'description' | 'quantity' | 'unitPrice' | 'amount',
    label: string,
    numeric = false,
  ) => {
    const name = field === 'code' ? `lines.${i}.supplierCode` : `lines.${i}.${field}`;
    return (
      <Sourced
        read={evidenceOf(read, field, line)}
        typed={kit.typed.has(`line-${line.key}.${field}`)}
        point={kit.point}
        short
      >
        <TextField
          label={t(`line.${field}Of`, { n: i + 1 })}
          hideLabel
          name={name}
          error={error}
          localError={kit.check(name)}
          autoComplete="off"
          inputClassName={numeric ? 'num-input' : undefined}
          inputMode={numeric ? 'decimal' : undefined}
          value={line[field]}
          onChange={(value) => kit.changeLine(i, field, { [field]: value })}
        />
      </Sourced>
    );
  };

  return (
    <section className="invoice-lines" aria-labelledby="invoice-lines-title">
      <h3 id="invoice-lines-title">{t('line.title')}</h3>
      <FieldError error={error} name="lines" />
      <div className="table-wrap">
        <table className="table compact" aria-label={t('line.title')} data-testid="invoice-lines">
          <thead>
            <tr>
              <th scope="col">{t('line.what')}</th>
              <th scope="col">{t('line.product')}</th>
              <th scope="col" className="num">
                {t('line.quantity')}
              </th>
              <th scope="col" className="num">
                {t('line.unitPrice')}
              </th>
              <th scope="col" className="num">
                {t('line.amount')}
              </th>
              <th scope="col">
                <span className="sr-only">{t('line.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {d.lines.map((line, i) => {
              const match =
                line.readIndex === null ? undefined : found.proposal?.lines[line.readIndex];
              const candidates = match?.candidates ?? [];
              const chosen = line.product.kind === 'variant' ? line.product.id : null;
              const extra =
                chosen && !candidates.some((c) => c.variantId === chosen)
                  ? picked[chosen]
                  : undefined;
              return (
                <tr key={line.key} data-line={i}>
                  <td className="line-what">
                    {cell(line, i, 'code', t('line.code'))}
                    {cell(line, i, 'description', t('line.description'))}
                  </td>
                  <td className="line-product">
                    <Field
                      label={t('line.productOf', { n: i + 1 })}
                      hideLabel
                      name={`lines.${i}.variantId`}
                      error={error}
                      localError={kit.check(`lines.${i}.variantId`)}
                    >
                      {(p) => (
                        <select
                          {...p}
                          value={productValue(line.product)}
                          onChange={(e) => {
                            const v = e.target.value;
                            kit.changeLine(i, 'variantId', {
                              product:
                                v === ''
                                  ? { kind: 'unset' }
                                  : v === 'none'
                                    ? { kind: 'none' }
                                    : { kind: 'variant', id: v },
                            });
                          }}
                        >
                          <option value="">{t('line.choose')}</option>
                          {candidates.map((c) => (
                            <option key={c.variantId} value={c.variantId}>
                              {t('line.candidate', {
                                sku: c.sku,
                                name: c.name,
                                by: t(`matchBy.${c.by}`),
                                score: Math.round(c.score * 100),
                              })}
                            </option>
                          ))}
                          {chosen && extra && (
                            <option value={chosen}>
                              {extra.sku} · {extra.name}
                            </option>
                          )}
                          {chosen && !extra && !candidates.some((c) => c.variantId === chosen) && (
                            <option value={chosen}>{t('line.chosen')}</option>
                          )}
                          <option value="none">{t('line.notProduct')}</option>
                        </select>
                      )}
                    </Field>
                    <button
                      type="button"
                      className="btn small"
                      data-find-product={i}
                      onClick={() => setFinding(i)}
                    >
                      {t('line.find')}
                    </button>
                  </td>
                  <td className="num line-qty">
                    {cell(line, i, 'quantity', t('line.quantity'), true)}
                  </td>
                  <td className="num line-money">
                    {cell(line, i, 'unitPrice', t('line.unitPrice'), true)}
                  </td>
                  <td className="num line-money">
                    {cell(line, i, 'amount', t('line.amount'), true)}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn small"
                      aria-label={t('line.removeOf', { n: i + 1 })}
                      disabled={d.lines.length === 1}
                      onClick={() => kit.setLines(d.lines.filter((_, j) => j !== i))}
                    >
                      {t('line.remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <button
        type="button"
        className="btn small"
        data-add-line
        onClick={() => {
          kit.setLines([...d.lines, emptyLine()]);
          window.setTimeout(
            () =>
              document
                .querySelector<HTMLElement>(
                  `.invoice-lines tr[data-line="${d.lines.length}"] input`,
                )
                ?.focus(),
            0,
          );
        }}
      >
        {t('line.add')}
      </button>
      {finding !== null && (
        <Dialog title={t('line.findTitle', { n: finding + 1 })} onClose={() => setFinding(null)}>
          <ProductPicker onPick={(row) => choose(finding, row)} />
          <NewProduct
            description={d.lines[finding]?.description ?? ''}
            unitPrice={d.lines[finding]?.unitPrice ?? ''}
            currency={d.currencyCode.trim().toUpperCase() || company}
            company={company}
            onMade={(made) => choose(finding, made)}
          />
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setFinding(null)}>
              {t('line.closeFind')} <kbd>Esc</kbd>
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
