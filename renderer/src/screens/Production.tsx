// Factory clerk: record what came off the line today; it goes straight into the factory's stock.
import { useRef, useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { FieldError, TextField } from '../components/Field';
import { ProductPicker, type CatalogRow } from '../components/ProductPicker';
import { count, date, dateTime, parseCount, today } from '../format';
import { useT } from '../i18n';

const fields = ['variantId', 'quantity', 'producedOn', 'shift', 'notes', 'branchId'];

export function Production() {
  const t = useT('production');
  const client = useClient();
  const user = useUser();
  const [variant, setVariant] = useState<CatalogRow | null>(null);
  const [quantity, setQuantity] = useState('');
  const [producedOn, setProducedOn] = useState(today());
  const [shift, setShift] = useState(() => t('dayShift'));
  const [notes, setNotes] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const action = useAction();
  const quantityBox = useRef<HTMLInputElement>(null);
  const finder = useRef<HTMLElement>(null);
  const recent = useQuery(
    () => client.call('production.list', { branchId: user.branchId, limit: 15 }),
    [saved],
  );

  const submit = async () => {
    const result = await action.run(() =>
      client.call('production.record', {
        variantId: variant?.variantId ?? '',
        quantity: parseCount(quantity),
        producedOn,
        ...(shift.trim() ? { shift } : {}),
        ...(notes.trim() ? { notes } : {}),
      }),
    );
    if (result && variant) {
      setSaved(
        t('recorded', {
          quantity: count(parseCount(quantity)),
          sku: variant.sku,
          onHand: count(result.balance.onHand),
          free: count(result.balance.available),
        }),
      );
      setQuantity('');
      setNotes('');
      // Ready for the next batch: scan, how many, Enter.
      finder.current?.querySelector<HTMLInputElement>('[data-scan]')?.focus();
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      {saved && <Notice kind="success">{saved}</Notice>}
      <div className="split">
        <section className="panel" aria-label={t('find')} ref={finder}>
          <ProductPicker
            onPick={(row) => {
              setVariant(row);
              setSaved(null);
              // What comes next is how many were made, not another code.
              quantityBox.current?.focus();
            }}
          />
        </section>
        <form
          className="panel"
          aria-label={t('entry')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setVariant(null);
              setQuantity('');
            }
          }}
        >
          <ErrorBanner error={action.error} shown={fields} />
          <div className="picked">
            {variant ? (
              <>
                <span className="sku">{variant.sku}</span> {variant.name}
              </>
            ) : (
              <span className="muted">{t('noItem')}</span>
            )}
            <FieldError name="variantId" error={action.error} />
          </div>
          <div className="form-grid">
            <TextField
              label={t('quantity')}
              name="quantity"
              error={action.error}
              type="number"
              step={1}
              value={quantity}
              onChange={setQuantity}
              ref={quantityBox}
            />
            <TextField
              label={t('producedOn')}
              name="producedOn"
              error={action.error}
              type="date"
              value={producedOn}
              onChange={setProducedOn}
            />
            <TextField
              label={t('shift')}
              name="shift"
              error={action.error}
              value={shift}
              onChange={setShift}
            />
            <TextField
              label={t('notes')}
              name="notes"
              error={action.error}
              value={notes}
              onChange={setNotes}
            />
          </div>
          <div className="form-actions">
            <button type="submit" className="btn primary" disabled={action.busy}>
              {t('record')} <kbd>Enter</kbd>
            </button>
            <span className="muted">{t('escClears')}</span>
          </div>
        </form>
      </div>
      <section className="panel">
        <h2>{t('recent')}</h2>
        <ErrorBanner error={recent.error} />
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('producedOn')}</th>
              <th>{t('sku')}</th>
              <th>{t('item')}</th>
              <th className="num">{t('quantityColumn')}</th>
              <th>{t('shift')}</th>
              <th>{t('recordedColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {(recent.data ?? []).map((b) => (
              <tr key={b.id} className={b.reversedById || b.reversesId ? 'muted' : undefined}>
                <td>{date(b.producedOn)}</td>
                <td className="sku">{b.sku}</td>
                <td>{b.name}</td>
                <td className="num">{count(b.quantity)}</td>
                <td>{b.shift ?? ''}</td>
                <td>
                  {dateTime(b.recordedAt)}
                  {b.userName ? ` · ${b.userName}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
