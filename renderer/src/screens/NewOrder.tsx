// Shop clerk: put an order to the factory together by scanning or searching, then place it.
// Shortages at the factory do not stop an order (it is produced to order); they are shown.
// Once placed, the scan box has the focus again: the next scan starts the next order, and the
// placed order's notice stays until then.
import { useRef, useState } from 'react';
import { useAction, useClient, useNav, useQuery, useUser } from '../app-context';
import { useT } from '../i18n';
import { can } from '../roles';
import type { OutputOf } from '../client';
import { ErrorBanner, Notice } from '../components/Banner';
import { Field, TextField } from '../components/Field';
import {
  addVariant,
  draftTotal,
  lineFields,
  LinesTable,
  useDraftLines,
} from '../components/LinesTable';
import { ProductPicker } from '../components/ProductPicker';
import { count, money, parseCount } from '../format';

type Placed = OutputOf<'orders.place'>;

export function NewOrder() {
  const user = useUser();
  const t = useT('orders');
  const client = useClient();
  const nav = useNav();
  const [lines, setLines] = useDraftLines('newOrder');
  const [note, setNote] = useState('');
  const [factoryId, setFactoryId] = useState('');
  const [placed, setPlaced] = useState<Placed | null>(null);
  const picker = useRef<HTMLElement>(null);
  const backToScanBox = () => picker.current?.querySelector<HTMLElement>('[data-scan]')?.focus();
  const factories = useQuery(() => client.call('branches.list', { kind: 'factory' }), []);
  const activeFactories = (factories.data ?? []).filter((f) => f.active);
  const chooseFactory = activeFactories.length > 1;
  const action = useAction();
  const shown = [...lineFields(lines), 'note', ...(chooseFactory ? ['factoryId'] : [])];

  const place = async () => {
    const result = await action.run(() =>
      client.call('orders.place', {
        lines: lines.map((l) => ({ variantId: l.variantId, quantity: parseCount(l.quantity) })),
        ...(note.trim() ? { note } : {}),
        ...(chooseFactory && { factoryId }),
      }),
    );
    if (result) {
      setPlaced(result);
      setLines([]);
      setNote('');
      backToScanBox();
    }
  };

  return (
    <div className="screen">
      <header className="screen-head">
        <h1>{t('newOrder.title')}</h1>
        <p className="muted">{t('newOrder.intro')}</p>
      </header>
      {placed && (
        <Notice kind="success">
          <div className="placed">
            <div>
              {t('newOrder.placedPrefix')}{' '}
              <strong data-testid="placed-number">{placed.number}</strong>{' '}
              {t('newOrder.placedSuffix', { total: money(placed.total) })}{' '}
              {/* Only someone who may attach the slip is told to. */}
              {can(user, 'orders.attachSlip') ? t('newOrder.nextSlip') : t('hint.waitSlip')}
            </div>
            {placed.shortages.length > 0 && (
              <ul className="shortages" aria-label={t('newOrder.shortages')}>
                {placed.shortages.map((s) => (
                  <li key={s.lineNo}>
                    {t('newOrder.shortage', {
                      line: s.lineNo,
                      sku: s.sku,
                      requested: count(s.requested),
                      available: count(Math.max(0, s.available)),
                    })}
                  </li>
                ))}
              </ul>
            )}
            <div className="form-actions">
              {/* Not focused: a scanner's Enter would open the order instead of starting the next. */}
              <button
                type="button"
                className="btn primary"
                onClick={() => nav.openOrder(placed.id)}
              >
                {t('newOrder.open', { number: placed.number })}
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setPlaced(null);
                  backToScanBox();
                }}
              >
                {t('newOrder.another')}
              </button>
            </div>
          </div>
        </Notice>
      )}
      <div className="split">
        <section ref={picker} className="panel" aria-label={t('newOrder.findGoods')}>
          <ProductPicker
            onPick={(row) => {
              setPlaced(null);
              setLines((current) => addVariant(current, row));
            }}
          />
        </section>
        <form
          className="panel"
          aria-label={t('newOrder.lines')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void place();
          }}
        >
          <ErrorBanner error={action.error} shown={shown} />
          <LinesTable
            lines={lines}
            onChange={(next) => {
              // A quantity too large to price (a scan's digits landing in its box, say) would
              // break the totals on screen; the box keeps what it had.
              if (!Number.isSafeInteger(draftTotal(next))) return;
              setLines(next);
              // Line numbers in the old error may no longer match the lines on screen.
              action.setError(undefined);
            }}
            error={action.error}
          />
          <div className="form-row">
            {chooseFactory && (
              <Field label={t('newOrder.factory')} name="factoryId" error={action.error}>
                {(p) => (
                  <select {...p} value={factoryId} onChange={(e) => setFactoryId(e.target.value)}>
                    <option value="">{t('newOrder.choose')}</option>
                    {activeFactories.map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
            <TextField
              label={t('newOrder.note')}
              name="note"
              error={action.error}
              className="grow"
              value={note}
              onChange={setNote}
            />
          </div>
          <div className="form-actions">
            <span className="total">
              {t('newOrder.total')} <strong>{money(draftTotal(lines))}</strong>
            </span>
            <button
              type="submit"
              className="btn primary"
              disabled={action.busy || lines.length === 0}
            >
              {action.busy ? t('newOrder.busy') : t('newOrder.submit')} <kbd>Enter</kbd>
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
