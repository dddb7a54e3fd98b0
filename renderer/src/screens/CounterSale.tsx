// Shop clerk: a sale over the counter, scanned line by line; it comes off the shop's stock.
import { useState } from 'react';
import { useAction, useClient } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import {
  addVariant,
  draftTotal,
  lineFields,
  LinesTable,
  useDraftLines,
} from '../components/LinesTable';
import { ProductPicker } from '../components/ProductPicker';
import { money, parseCount } from '../format';
import { useT } from '../i18n';

export function CounterSale() {
  const t = useT('sale');
  const client = useClient();
  const [lines, setLines] = useDraftLines('counterSale');
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();

  const submit = async () => {
    const sale = await action.run(() =>
      client.call('sales.record', {
        lines: lines.map((l) => ({ variantId: l.variantId, quantity: parseCount(l.quantity) })),
      }),
    );
    if (sale) {
      setDone(t('recorded', { number: sale.number, total: money(sale.total) }));
      setLines([]);
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      {done && <Notice kind="success">{done}</Notice>}
      <div className="split">
        <section className="panel" aria-label={t('find')}>
          <ProductPicker
            onPick={(row) => {
              setDone(null);
              setLines((current) => addVariant(current, row));
            }}
          />
        </section>
        <form
          className="panel"
          aria-label={t('lines')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && lines.length > 0) {
              e.preventDefault();
              setLines([]);
            }
          }}
        >
          <ErrorBanner error={action.error} shown={[...lineFields(lines), 'customerId']} />
          <LinesTable
            lines={lines}
            onChange={(next) => {
              setLines(next);
              // Line numbers in the old error may no longer match the lines on screen.
              action.setError(undefined);
            }}
            error={action.error}
          />
          <div className="form-actions">
            <span className="total">
              {t('total')} <strong>{money(draftTotal(lines))}</strong>
            </span>
            <button
              type="submit"
              className="btn primary"
              disabled={action.busy || lines.length === 0}
            >
              {t('record')} <kbd>Enter</kbd>
            </button>
            <span className="muted">{t('escEmpties')}</span>
          </div>
        </form>
      </div>
    </div>
  );
}
