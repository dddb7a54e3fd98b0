// Shop clerk: a sale over the counter, scanned line by line; it comes off the shop's stock.
// Sold from a scanner and the keyboard, no mouse: the scan box takes the focus back after every
// sale, answer and removed line, so the next customer's first scan is never lost. Enter on the
// cart opens the payment step: F1–F4 choose how each part is paid, Enter takes it, and once
// nothing is due the sale is recorded with its payments (docs/decisions/0028).
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useAction, useClient } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { FieldError } from '../components/Field';
import {
  addVariant,
  draftTotal,
  lineFields,
  LinesTable,
  useDraftLines,
} from '../components/LinesTable';
import { ProductPicker, type CatalogRow } from '../components/ProductPicker';
import { count, money, parseCount } from '../format';
import { useT } from '../i18n';
import { printReceipt } from '../receipts';
import { scanListener } from '../scan-burst';
import { PaymentStep, type Outcome, type Taken } from './CounterPayment';

/** A code that put nothing on the sale; `error` when the counter looked it up itself. */
interface Missed {
  code: string;
  error?: unknown;
}

const quantityPath = /^lines\.(\d+)\.quantity$/;
/** The picker's scan box, where every scan belongs. */
const scanBoxIn = (picker: HTMLElement | null) =>
  picker?.querySelector<HTMLInputElement>('[data-scan]') ?? null;

/** Whether the focused element takes typed characters itself (a box, a list's type-ahead). */
const takesText = (el: Element | null): boolean =>
  el instanceof HTMLInputElement ||
  el instanceof HTMLTextAreaElement ||
  el instanceof HTMLSelectElement ||
  (el instanceof HTMLElement && el.isContentEditable);

export function CounterSale() {
  const t = useT('sale');
  const receipts = useT('receipts');
  const client = useClient();
  const [lines, setLines] = useDraftLines('counterSale');
  const [done, setDone] = useState<string | null>(null);
  const [missed, setMissed] = useState<Missed | null>(null);
  const [askingToDrop, setAskingToDrop] = useState(false);
  const [paying, setPaying] = useState(false);
  /** The last sale's receipt did not print: it waits, and the clerk is told without a stop. */
  const [receiptWaits, setReceiptWaits] = useState<string | null>(null);
  const [strayScans] = useState(() => scanListener<{ variantId: string; quantity: string }>());
  const picker = useRef<HTMLElement>(null);
  const action = useAction();

  const backToScanBox = () => scanBoxIn(picker.current)?.focus();

  // Opening the screen puts the focus on its heading (a screen reader says where the clerk is),
  // and Tab or a click can leave it on a button, whose Enter would record or remove. A scan
  // typed there still lands in the scan box: moving the focus while its first key is handled
  // makes the key type there.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const typed = /^[^\s/]$/.test(e.key) && !e.ctrlKey && !e.altKey && !e.metaKey;
      const box = scanBoxIn(picker.current);
      const inPayment = document.activeElement?.closest('[data-payment-step]');
      if (typed && box && !e.defaultPrevented && !inPayment && !takesText(document.activeElement))
        box.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const addToSale = (row: CatalogRow) => {
    setDone(null);
    setMissed(null);
    setLines((current) => addVariant(current, row));
  };

  /**
   * Records the sale with its payments. The last, if cash, is sent as "the rest": the core
   * resolves it against the total it prices, and the change it answers is the one said.
   */
  const record = async (payments: Taken[]): Promise<Outcome> => {
    const last = payments.length - 1;
    let refusal: unknown;
    const sale = await action.run(() =>
      client
        .call('sales.record', {
          lines: lines.map((l) => ({ variantId: l.variantId, quantity: parseCount(l.quantity) })),
          payments: payments.map((p, i) => ({
            method: p.method,
            ...((i !== last || p.method !== 'cash') && { amount: p.amount }),
            ...(p.tendered !== null && { tendered: p.tendered }),
            ...(p.reference !== null && { reference: p.reference }),
          })),
        })
        .catch((e: unknown) => {
          refusal = e;
          throw e;
        }),
    );
    if (sale) {
      const paid = sale.payments.map((p) => `${t(`pay.method.${p.method}`)} ${money(p.amount)}`);
      setDone(
        t('recordedPaid', {
          number: sale.number,
          total: money(sale.total),
          paid: paid.join(', '),
          change: money(sale.change),
        }),
      );
      setMissed(null);
      setLines([]);
      setPaying(false);
      backToScanBox();
      printAfterSale(sale.id, sale.number);
      return { ok: true };
    }
    return { ok: false, error: refusal };
  };

  /**
   * The receipt, by this PC's printer settings (none: nothing), after the sale is recorded and
   * without waiting for it: the clerk scans on while it prints, and a printer that is off only
   * leaves a notice (the receipt waits on the Sales screen), never the scan box.
   */
  const printAfterSale = (saleId: string, number: string) => {
    setReceiptWaits(null);
    printReceipt(client, saleId, backToScanBox).then(
      (outcome) => {
        if (!outcome.printed && outcome.kind !== 'none')
          setReceiptWaits(receipts('counterWaiting', { number, printer: outcome.printer }));
      },
      () => setReceiptWaits(receipts('counterWaiting', { number, printer: '—' })),
    );
  };

  const submit = () => {
    if (lines.length === 0) return;
    action.setError(undefined);
    setDone(null);
    setPaying(true);
  };

  // A scan that lands in a quantity box (the clerk was correcting a count) is still a scan: the
  // box gets back what it held before the burst, the item goes on the sale, and the scanner's
  // Enter records nothing. Keys typed by hand are too slow to be taken for one.
  const catchStrayScan = (e: KeyboardEvent<HTMLFormElement>) => {
    if (!(e.target instanceof HTMLInputElement)) return;
    const at = quantityPath.exec(
      e.target.closest('[data-field]')?.getAttribute('data-field') ?? '',
    );
    const line = at && lines[Number(at[1])];
    if (!line) return;
    const scan = strayScans.press(e.key, e.timeStamp, line);
    if (!scan) return;
    e.preventDefault();
    const { variantId, quantity } = scan.before;
    setLines((current) => current.map((l) => (l.variantId === variantId ? { ...l, quantity } : l)));
    backToScanBox();
    client
      .call('catalog.findByCode', { code: scan.code })
      .then(addToSale, (error: unknown) => setMissed({ code: scan.code, error }));
  };

  return (
    <div
      className="screen"
      onKeyDown={(e) => {
        // Esc in the search box clears the search, as it does everywhere.
        const inSearch = e.target instanceof HTMLElement && e.target.closest('[data-search]');
        if (e.key === 'Escape' && lines.length > 0 && !askingToDrop && !inSearch && !paying) {
          e.preventDefault();
          setAskingToDrop(true);
        }
      }}
    >
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      {done && <Notice kind="success">{done}</Notice>}
      {receiptWaits && <Notice kind="warning">{receiptWaits}</Notice>}
      <div className="split">
        <section
          ref={picker}
          className="panel"
          aria-label={t('find')}
          // Typing the next code is moving on from the one that missed.
          onInput={() => setMissed(null)}
        >
          <ProductPicker onPick={addToSale} onMiss={(code) => setMissed({ code })} />
          {missed && (
            <>
              <FieldError name="code" error={missed.error} />
              <ErrorBanner error={missed.error} shown={['code']} />
              <Notice kind="warning">{t('missed', { code: missed.code })}</Notice>
            </>
          )}
        </section>
        {paying && (
          <PaymentStep
            t={t}
            total={draftTotal(lines)}
            busy={action.busy}
            error={action.error}
            onRecord={record}
            onBack={(error) => {
              setPaying(false);
              if (!error) action.setError(undefined);
              // A refused line is shown at its box in the cart, which takes the focus once it
              // is on screen again; after Esc the clerk goes on scanning.
              window.setTimeout(() => {
                const invalid = document.querySelector<HTMLElement>(
                  'form[aria-label] [aria-invalid="true"]',
                );
                if (error && invalid) invalid.focus();
                else backToScanBox();
              }, 0);
            }}
          />
        )}
        <form
          className="panel"
          hidden={paying}
          aria-label={t('lines')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
          onKeyDownCapture={catchStrayScan}
        >
          <ErrorBanner error={action.error} shown={[...lineFields(lines), 'customerId']} />
          <LinesTable
            lines={lines}
            onChange={(next) => {
              // A quantity too large to price (a scan's digits landing in its box, say) would
              // break the totals on screen; the box keeps what it had.
              if (!Number.isSafeInteger(draftTotal(next))) return;
              setLines(next);
              // Line numbers in the old error may no longer match the lines on screen.
              action.setError(undefined);
              // The removed line's button went with it; the clerk goes on scanning.
              if (next.length < lines.length) backToScanBox();
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
            <span className="muted">{t('escDrops')}</span>
          </div>
        </form>
      </div>
      {askingToDrop && (
        <ConfirmDialog
          title={t('drop.title')}
          text={t('drop.text', { lines: count(lines.length), total: money(draftTotal(lines)) })}
          keepLabel={t('drop.keep')}
          discardLabel={t('drop.discard')}
          onKeep={() => {
            setAskingToDrop(false);
            backToScanBox();
          }}
          onDiscard={() => {
            setAskingToDrop(false);
            setLines([]);
            action.setError(undefined);
            backToScanBox();
          }}
        />
      )}
    </div>
  );
}
