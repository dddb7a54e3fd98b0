// The counter's payment step: the sale's total taken in one or more payments, from the keyboard.
import { useLayoutEffect, useRef, useState } from 'react';
import { paymentMethods, referencedMethods, type PaymentMethod } from '../../../core/vocabulary';
import { ErrorBanner, Notice } from '../components/Banner';
import { TextField } from '../components/Field';
import { money, parseMoney } from '../format';
import type { Translate } from '../i18n';
import { scanListener } from '../scan-burst';
import { ContractError } from '../transport';

const paymentPath = /^payments\.(\d+)\./;

/** A payment taken at the till, before the sale is recorded. */
export interface Taken {
  method: PaymentMethod;
  amount: number;
  tendered: number | null;
  reference: string | null;
}

/** The key that chooses each method, shown beside it: F1 cash, F2 card, … */
const methodKey = (m: PaymentMethod) => `F${paymentMethods.indexOf(m) + 1}`;
const needsReference = (m: PaymentMethod | null) => m !== null && referencedMethods.includes(m);

/** Where the core's refusal points: a payment (its number), a line, or neither. */
export function refusedAt(error: unknown): { payment: number } | 'lines' | null {
  if (!(error instanceof ContractError)) return null;
  const fields = [error.error.field ?? '', ...(error.error.issues ?? []).map((i) => i.field)];
  for (const f of fields) {
    const at = paymentPath.exec(f);
    if (at) return { payment: Number(at[1]) };
  }
  return fields.some((f) => f.startsWith('lines')) ? 'lines' : null;
}

/** What recording answered: done, or the core's refusal to show where it points. */
export type Outcome = { ok: true } | { ok: false; error: unknown };

interface PaymentStepProps {
  t: Translate;
  total: number;
  busy: boolean;
  error: unknown;
  onRecord: (payments: Taken[]) => Promise<Outcome>;
  /** Back to the cart; with the refusal of a line, which the cart then shows at its line. */
  onBack: (error?: unknown) => void;
}

/**
 * The payment step, from the keyboard alone: F1–F4 choose the method, the amount box holds what
 * is still due, Enter takes the payment and records the sale once nothing is due; Esc goes back
 * to the cart as it was.
 */
export function PaymentStep({ t, total, busy, error, onRecord, onBack }: PaymentStepProps) {
  const [taken, setTaken] = useState<Taken[]>([]);
  const [method, setMethod] = useState<PaymentMethod | null>(null);
  const [amountText, setAmountText] = useState(() => money(total));
  const [tenderedText, setTenderedText] = useState('');
  const [referenceText, setReferenceText] = useState('');
  const [local, setLocal] = useState<{ field: string; message: string } | null>(null);
  const [strayScans] = useState(() => scanListener<{ amount: string; tendered: string }>());
  const box = useRef<HTMLFormElement>(null);
  const due = total - taken.reduce((s, p) => s + p.amount, 0);
  const at = taken.length;
  const name = (key: string) => `payments.${at}.${key}`;
  const amount = parseMoney(amountText);
  const tendered = tenderedText.trim() === '' ? null : parseMoney(tenderedText);
  const change =
    method === 'cash' && amount !== null && tendered !== null && tendered >= amount
      ? tendered - amount
      : null;

  // The box to type in next, once it is on screen (the tendered box appears with cash).
  const [focus, setFocus] = useState({ key: 'amount', n: 0 });
  const focusBox = (key: string) => setFocus((f) => ({ key, n: f.n + 1 }));
  useLayoutEffect(() => {
    box.current
      ?.querySelector<HTMLInputElement>(`[data-field="payments.${at}.${focus.key}"] input`)
      ?.select();
    // Only a new request moves the focus (the payment number changes with one).
  }, [focus]);

  const choose = (m: PaymentMethod) => {
    setMethod(m);
    setLocal(null);
    if (m !== 'cash') setTenderedText('');
    if (!needsReference(m)) setReferenceText('');
    focusBox(m === 'cash' ? 'tendered' : 'amount');
  };

  /** A payment back in the boxes (the core refused it), and what came after it dropped. */
  const reopen = (all: Taken[], i: number) => {
    const p = all[i];
    if (!p) return;
    setTaken(all.slice(0, i));
    setMethod(p.method);
    setAmountText(money(p.amount));
    setTenderedText(p.tendered === null ? '' : money(p.tendered));
    setReferenceText(p.reference ?? '');
  };

  const take = async () => {
    if (busy) return;
    const refuse = (field: string, message: string) => {
      setLocal({ field, message });
      focusBox(field === 'method' ? 'amount' : field);
    };
    if (!method) return refuse('method', t('pay.chooseMethod'));
    if (amount === null || amount <= 0) return refuse('amount', t('pay.amountInvalid'));
    if (amount > due) return refuse('amount', t('pay.tooMuch', { due: money(due) }));
    if (method === 'cash' && tenderedText.trim() !== '') {
      if (tendered === null) return refuse('tendered', t('pay.amountInvalid'));
      if (tendered < amount)
        return refuse('tendered', t('pay.tenderedShort', { amount: money(amount) }));
    }
    setLocal(null);
    const payment: Taken = {
      method,
      amount,
      tendered: method === 'cash' ? tendered : null,
      reference: needsReference(method) && referenceText.trim() ? referenceText.trim() : null,
    };
    const all = [...taken, payment];
    if (amount < due) {
      setTaken(all);
      setMethod(null);
      setAmountText(money(due - amount));
      setTenderedText('');
      setReferenceText('');
      focusBox('amount');
      return;
    }
    const outcome = await onRecord(all);
    if (outcome.ok) return;
    const where = refusedAt(outcome.error);
    if (where === 'lines') onBack(outcome.error);
    else if (where) reopen(all, where.payment);
  };

  const localError = (key: string) => (local?.field === key ? local.message : undefined);
  const shown = ['method', 'amount', 'tendered', 'reference'].map(name);

  return (
    <form
      ref={box}
      className="panel payment-step"
      data-payment-step
      aria-label={t('pay.title')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void take();
      }}
      onKeyDownCapture={(e) => {
        // A scanner's burst in a box of amounts (the clerk reached for the next item) would
        // charge a barcode: the boxes get back what they held, and the clerk is told. A
        // reference box takes scans: a terminal's slip may carry its transaction id as one.
        const field = e.target instanceof HTMLElement ? e.target.closest('[data-field]') : null;
        if (!/\.(amount|tendered)$/.test(field?.getAttribute('data-field') ?? '')) return;
        const scan = strayScans.press(e.key, e.timeStamp, {
          amount: amountText,
          tendered: tenderedText,
        });
        if (!scan) return;
        e.preventDefault();
        e.stopPropagation();
        setAmountText(scan.before.amount);
        setTenderedText(scan.before.tendered);
        setLocal({ field: 'scan', message: t('pay.scanned') });
      }}
      onKeyDown={(e) => {
        const m = paymentMethods.find((p) => methodKey(p) === e.key);
        if (m) {
          e.preventDefault();
          choose(m);
        } else if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onBack();
        }
      }}
    >
      <h2>{t('pay.title')}</h2>
      <p className="pay-due">
        {t('pay.due')} <strong data-testid="due">{money(due)}</strong>
        <span className="muted">
          {' '}
          · {t('total')} {money(total)}
        </span>
      </p>
      {taken.length > 0 && (
        <ul className="pay-taken" aria-label={t('pay.taken')}>
          {taken.map((p, i) => (
            <li key={i}>
              {t(`pay.method.${p.method}`)} {money(p.amount)}
              {p.tendered !== null && ` · ${t('pay.tendered')} ${money(p.tendered)}`}
              {p.reference !== null && ` · ${p.reference}`}
            </li>
          ))}
        </ul>
      )}
      <div className="pay-methods" role="group" aria-label={t('pay.methodLabel')}>
        {paymentMethods.map((m) => (
          <button
            key={m}
            type="button"
            className={method === m ? 'btn primary' : 'btn'}
            aria-pressed={method === m}
            aria-keyshortcuts={methodKey(m)}
            onClick={() => choose(m)}
          >
            <kbd>{methodKey(m)}</kbd> {t(`pay.method.${m}`)}
          </button>
        ))}
      </div>
      {(local?.field === 'method' || local?.field === 'scan') && (
        <Notice kind="warning">{local.message}</Notice>
      )}
      <div className="row-form">
        <TextField
          label={t('pay.amount')}
          name={name('amount')}
          error={error}
          localError={localError('amount')}
          value={amountText}
          onChange={setAmountText}
          inputMode="decimal"
          autoComplete="off"
        />
        {method === 'cash' && (
          <TextField
            label={t('pay.tendered')}
            name={name('tendered')}
            error={error}
            localError={localError('tendered')}
            value={tenderedText}
            onChange={setTenderedText}
            inputMode="decimal"
            autoComplete="off"
          />
        )}
        {needsReference(method) && (
          <TextField
            label={t('pay.reference')}
            name={name('reference')}
            error={error}
            value={referenceText}
            onChange={setReferenceText}
            autoComplete="off"
          />
        )}
      </div>
      {change !== null && (
        <p className="pay-change" aria-live="polite">
          {t('pay.change')} <strong data-testid="change">{money(change)}</strong>
        </p>
      )}
      <ErrorBanner error={error} shown={shown} />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={busy}>
          {t(amount !== null && amount >= due ? 'pay.finish' : 'pay.add')} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={() => onBack()}>
          {t('pay.back')} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
