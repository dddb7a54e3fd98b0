// Shop clerk: a sale over the counter, scanned line by line; it comes off the shop's stock.
// Sold from a scanner and the keyboard, no mouse: the scan box takes the focus back after every
// sale, answer and removed line, so the next customer's first scan is never lost. Enter on the
// cart opens the payment step: F1–F4 choose how each part is paid, Enter takes it, and once
// nothing is due the sale is recorded with its payments (docs/decisions/0028). F6 attaches the
// customer, F7 and F8 give a discount on a line or the sale, F9 redeems points; a discount beyond
// the clerk's limit asks for a supervisor's sign-in before the sale is recorded.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useAction, useClient, useNav, useQuery } from '../app-context';
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
import { focusIsFree } from '../focus';
import { useT } from '../i18n';
import { printReceipt } from '../receipts';
import { scanListener } from '../scan-burst';
import { fieldMessage, isCode } from '../errors';
import { PaymentStep, type Outcome, type Taken } from './CounterPayment';
import { CounterDialogs } from './counter/CounterDialogs';
import { DealSummary } from './counter/DealSummary';
import { ShiftBanner } from './counter/ShiftBanner';
import { SupervisorDialog } from './counter/SupervisorDialog';
import {
  cartInput,
  noDeal,
  pointsAfterSale,
  preview,
  saleInput,
  useDraftDeal,
  type FoundCustomer,
} from './counter/deal';
import { useCounterKeys, type CounterDialog } from './counter/keys';
import { ContractError } from '../transport';

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
  const words = useT('counter');
  const receipts = useT('receipts');
  const client = useClient();
  const [lines, setLines] = useDraftLines('counterSale');
  const [done, setDone] = useState<string | null>(null);
  const [missed, setMissed] = useState<Missed | null>(null);
  const [askingToDrop, setAskingToDrop] = useState(false);
  const [paying, setPaying] = useState(false);
  /** A line refused before payment, at its quantity box. */
  const [refused, setRefused] = useState<{ index: number; message: string } | null>(null);
  /** The last sale's receipt did not print: it waits, and the clerk is told without a stop. */
  const [receiptWaits, setReceiptWaits] = useState<string | null>(null);
  const [strayScans] = useState(() => scanListener<{ index: number; quantity: string }>());
  const picker = useRef<HTMLElement>(null);
  const action = useAction();
  const [deal, setDeal] = useDraftDeal();
  const [dialog, setDialog] = useState<CounterDialog | null>(null);
  const [openingShift, setOpeningShift] = useState(false);
  /** A supervisor is asked to allow the discount; the sale waits on the answer. */
  const [supervisor, setSupervisor] = useState<{
    reason: string;
    answer(approvalId: string | null): void;
  } | null>(null);
  /** Said after a sale with a customer: points earned and the balance now. */
  const [pointsNote, setPointsNote] = useState<string | null>(null);
  const [lastVariant, setLastVariant] = useState<string | null>(null);
  const program = useQuery(() => client.call('loyalty.program', {}), []);
  const settings = useQuery(() => client.call('sales.settings', {}), []);
  // With prices that include tax the preview is what is charged; with tax added on top, the core
  // prices the cart (sales.quote, the same pricing as the sale) and that total is what is paid.
  const taxAdded = settings.data?.pricesIncludeTax === false;
  const [quoted, setQuoted] = useState<{ key: string; total: number; tax: number } | null>(null);
  const cartKey = JSON.stringify(cartInput(lines, deal));
  const local = preview(lines, deal, program.data ?? null);
  const totals =
    taxAdded && quoted?.key === cartKey
      ? { ...local, total: quoted.total, tax: quoted.tax }
      : local;
  useEffect(() => {
    if (!taxAdded || lines.length === 0) return;
    let current = true;
    const timer = setTimeout(() => {
      client.call('sales.quote', cartInput(lines, deal)).then(
        (q) => current && setQuoted({ key: cartKey, total: q.total, tax: q.tax }),
        () => undefined, // a cart the core refuses says why when it is paid
      );
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // cartKey stands for the lines and the deal.
  }, [taxAdded, cartKey]);

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
    setPointsNote(null);
    setMissed(null);
    setLastVariant(row.variantId);
    setRefused(null);
    setLines((current) => addVariant(current, row));
  };

  // A scan made on another screen opened this one: its item goes on the sale as if scanned here.
  const nav = useNav();
  // Opened afresh for each scan (nav.go mounts the screen anew), so this runs once per scan.
  const brought = 'scan' in nav.route ? nav.route.scan : undefined;
  useEffect(() => {
    if (brought === undefined) return;
    client
      .call('catalog.findByCode', { code: brought })
      .then(addToSale, (error: unknown) => setMissed({ code: brought, error }));
  }, [brought]);

  const attach = (customer: FoundCustomer | null) => {
    setDone(null);
    setPointsNote(null);
    // Points belong to the customer they were redeemed from.
    setDeal((d) => ({ ...d, customer, redeem: customer?.id === d.customer?.id ? d.redeem : null }));
    action.setError(undefined);
    // Head office may have set the loyalty program since the screen opened.
    if (customer && !program.data) program.reload();
  };

  /** A code that is no product may be a customer's loyalty card: it attaches the customer. */
  const missedScan = async (code: string): Promise<boolean> => {
    const rows = await client.call('customers.find', { search: code }).catch(() => []);
    const card = rows.find((r) => r.card === code);
    if (card) {
      attach(card);
      return true;
    }
    setMissed({ code });
    return false;
  };

  useCounterKeys({
    enabled: !paying && !dialog && !supervisor && !askingToDrop,
    lines,
    lastVariant,
    customer: deal.customer,
    canRedeem: !!program.data && !!deal.customer?.points,
    open: setDialog,
    detach: () => attach(null),
    openShift: () => setOpeningShift(true),
    pay: () => void submit(),
  });

  /**
   * Closing a dialog: the next scan goes where it belongs. Chromium can leave a box focused in
   * the same task as a modal dialog closes without taking typed text (seen after a shift was
   * opened), so the box is focused afresh once the dialog has left the page.
   */
  const closeDialog = () => {
    setDialog(null);
    backToScanBox();
    window.setTimeout(() => {
      const box = scanBoxIn(picker.current);
      if (!box || document.querySelector('dialog[open]')) return;
      // Keys go before timers: a clerk who already moved on keeps the focus where they put it.
      if (!focusIsFree() && document.activeElement !== box) return;
      if (document.activeElement === box) box.blur();
      box.focus();
    }, 0);
  };

  const askSupervisor = (refusal: unknown) =>
    new Promise<string | null>((resolve) =>
      setSupervisor({
        reason: fieldMessage(refusal, 'discount') ?? words('supervisor.why'),
        answer: (approvalId) => {
          setSupervisor(null);
          resolve(approvalId);
        },
      }),
    );

  /**
   * Records the sale with its payments. The last, if cash, is sent as "the rest": the core
   * resolves it against the total it prices, and the change it answers is the one said.
   */
  const record = async (payments: Taken[]): Promise<Outcome> => {
    let refusal: unknown;
    const attempt = (approvalId?: string) =>
      action.run(() =>
        client
          .call('sales.record', saleInput(lines, deal, payments, approvalId))
          .catch((e: unknown) => {
            refusal = e;
            throw e;
          }),
      );
    let sale = await attempt();
    // Beyond the clerk's limit: a supervisor signs in here and the same sale goes again; Esc
    // takes the clerk back to the cart with the refusal at the discount.
    while (!sale && isCode(refusal, 'DISCOUNT_OVER_LIMIT')) {
      const refused = refusal;
      action.setError(undefined);
      const approvalId = await askSupervisor(refused);
      if (!approvalId) {
        setPaying(false);
        action.setError(refused);
        backToScanBox();
        return { ok: false, error: refused };
      }
      refusal = undefined;
      sale = await attempt(approvalId);
    }
    if (!sale && isCode(refusal, 'POINTS_NOT_AVAILABLE') && refusal instanceof ContractError) {
      // Points spent at another counter meanwhile: the cart shows what is left to redeem.
      const left = refusal.error.details?.available;
      if (typeof left === 'number')
        setDeal((d) =>
          d.customer?.points
            ? {
                ...d,
                customer: { ...d.customer, points: { ...d.customer.points, available: left } },
              }
            : d,
        );
      setPaying(false);
      backToScanBox();
      return { ok: false, error: refusal };
    }
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
      if (deal.customer && sale.points)
        pointsAfterSale(client, words, deal.customer, sale.points).then(setPointsNote, () => {});
      setDeal(noDeal);
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

  const submit = async () => {
    if (lines.length === 0) return;
    // A line with no count (its box cleared) would open a payment of nothing that can never be
    // taken: it is refused at its box, which gets the focus, saying what to type.
    const uncounted = lines.findIndex((l) => {
      const q = parseCount(l.quantity);
      return !(Number.isInteger(q) && q > 0);
    });
    if (uncounted >= 0) {
      setRefused({ index: uncounted, message: t('quantityNeeded') });
      document
        .querySelector<HTMLInputElement>(`form [data-field="lines.${uncounted}.quantity"] input`)
        ?.focus();
      return;
    }
    setRefused(null);
    action.setError(undefined);
    setDone(null);
    setPointsNote(null);
    // Tax added on top: the payment step takes the total the core prices, never a guess.
    if (taxAdded && quoted?.key !== cartKey) {
      const q = await action.run(() => client.call('sales.quote', cartInput(lines, deal)));
      if (!q) return;
      setQuoted({ key: cartKey, total: q.total, tax: q.tax });
    }
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
    const index = at ? Number(at[1]) : -1;
    const line = lines[index];
    if (!line) return;
    const scan = strayScans.press(e.key, e.timeStamp, { index, quantity: line.quantity });
    if (!scan) return;
    e.preventDefault();
    // By the line's place: a variant weighed twice has two lines.
    const before = scan.before;
    setLines((current) =>
      current.map((l, i) => (i === before.index ? { ...l, quantity: before.quantity } : l)),
    );
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
        if (
          e.key === 'Escape' &&
          lines.length > 0 &&
          !askingToDrop &&
          !inSearch &&
          !paying &&
          !dialog &&
          !supervisor
        ) {
          e.preventDefault();
          setAskingToDrop(true);
        }
      }}
    >
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      <ShiftBanner opening={openingShift} onOpening={setOpeningShift} onDone={backToScanBox} />
      {done && <Notice kind="success">{done}</Notice>}
      {pointsNote && <Notice kind="success">{pointsNote}</Notice>}
      {receiptWaits && <Notice kind="warning">{receiptWaits}</Notice>}
      <div className="split">
        <section
          ref={picker}
          className="panel"
          aria-label={t('find')}
          // Typing the next code is moving on from the one that missed.
          onInput={() => setMissed(null)}
        >
          <ProductPicker onPick={addToSale} onMiss={missedScan} />
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
            total={totals.total}
            busy={action.busy}
            error={action.error}
            onRecord={record}
            onBack={(error) => {
              setPaying(false);
              if (!error) action.setError(undefined);
              // A refused line is shown at its box in the cart, which takes the focus once it
              // is on screen again; after Esc the clerk goes on scanning.
              window.setTimeout(() => {
                // Keys go before timers: if the clerk already moved on (back in the cart, or
                // paying again), the focus stays where they put it.
                if (!focusIsFree()) return;
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
            void submit();
          }}
          onKeyDownCapture={catchStrayScan}
        >
          <ErrorBanner
            error={action.error}
            shown={[
              ...lineFields(lines),
              'customerId',
              'discount',
              'redeem.points',
              'redeem.rewardId',
            ]}
          />
          <LinesTable
            lines={lines}
            onChange={(next) => {
              // A quantity too large to price (a scan's digits landing in its box, say) would
              // break the totals on screen; the box keeps what it had.
              if (!Number.isSafeInteger(draftTotal(next))) return;
              setLines(next);
              // Line numbers in the old error may no longer match the lines on screen.
              action.setError(undefined);
              setRefused(null);
              // The removed line's button went with it; the clerk goes on scanning.
              if (next.length < lines.length) backToScanBox();
            }}
            error={action.error}
            refused={refused}
          />
          <DealSummary
            deal={deal}
            totals={totals}
            program={program.data ?? null}
            pricesIncludeTax={settings.data?.pricesIncludeTax ?? true}
            error={action.error}
          />
          <div className="form-actions">
            <span className="total">
              {t('total')} <strong data-testid="total">{money(totals.total)}</strong>
            </span>
            <button
              type="submit"
              className="btn primary"
              disabled={action.busy || lines.length === 0}
            >
              {t('record')} <kbd>F12</kbd>
            </button>
            <span className="muted">{t('escDrops')}</span>
          </div>
        </form>
      </div>
      {askingToDrop && (
        <ConfirmDialog
          title={t('drop.title')}
          text={t('drop.text', { lines: count(lines.length), total: money(totals.total) })}
          keepLabel={t('drop.keep')}
          discardLabel={t('drop.discard')}
          onKeep={() => {
            setAskingToDrop(false);
            backToScanBox();
          }}
          onDiscard={() => {
            setAskingToDrop(false);
            setLines([]);
            setRefused(null);
            setDeal(noDeal);
            action.setError(undefined);
            backToScanBox();
          }}
        />
      )}
      {dialog && (
        <CounterDialogs
          dialog={dialog}
          lines={lines}
          deal={deal}
          program={program.data ?? null}
          onAttach={attach}
          onProduct={addToSale}
          onLines={(next) => {
            setLines(next);
            setRefused(null);
            action.setError(undefined);
          }}
          onDeal={(next) => {
            setDeal(next);
            action.setError(undefined);
          }}
          onClose={closeDialog}
        />
      )}
      {supervisor && (
        <SupervisorDialog
          reason={supervisor.reason}
          onApproved={(approvalId) => {
            supervisor.answer(approvalId);
            closeDialog();
          }}
          onClose={() => {
            supervisor.answer(null);
            closeDialog();
          }}
        />
      )}
    </div>
  );
}
