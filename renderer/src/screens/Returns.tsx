// Returns and refunds at the counter, from the keyboard: scan or type the receipt number (Enter),
// type how many of each line come back, see the refund and the points it takes and gives back,
// choose how the money goes back (only the methods the sale was paid by), and Enter records it.
// The stock goes back into the ledger and the points follow in the core (sales.return). The
// return's receipt then prints on this PC's printer without holding the clerk up, as the
// counter's does: a printer that is off leaves a notice, the receipt waits (Sales screen), and
// Reprint prints it again.
import { useEffect, useRef, useState } from 'react';
import { useAction, useClient, useQuery } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { Field, FieldError, ItemName, TextField } from '../components/Field';
import type { OutputOf } from '../client';
import { count, dateTime, money, parseMoney } from '../format';
import { useT } from '../i18n';
import { printReturnReceipt, type PrintOutcome } from '../receipts';
import { paymentMethods, type PaymentMethod } from '../../../core/vocabulary';

type Sale = OutputOf<'sales.findForReturn'>;
interface Refund {
  method: PaymentMethod;
  amount: string;
  reference: string;
}

const isMethod = (v: string): v is PaymentMethod => paymentMethods.some((m) => m === v);
/** Methods whose refund needs the transfer or transaction id. */
const referenced: readonly PaymentMethod[] = ['mobile_money', 'bank_transfer'];

export function Returns() {
  const t = useT('returns');
  const sale = useT('sale');
  const client = useClient();
  const [number, setNumber] = useState('');
  const [found, setFound] = useState<Sale | null>(null);
  const [quantities, setQuantities] = useState<Record<number, string>>({});
  const [refunds, setRefunds] = useState<Refund[]>([]);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<OutputOf<'sales.return'> | null>(null);
  /** What became of the last return's receipt, when the clerk should know. */
  const [receiptSaid, setReceiptSaid] = useState<{
    kind: 'success' | 'warning';
    text: string;
  } | null>(null);
  const find = useAction();
  const save = useAction();
  const reprinting = useAction();
  const numberBox = useRef<HTMLInputElement>(null);
  const firstQuantity = useRef<HTMLInputElement>(null);

  // What goes back, in the order the core is told (its errors name this order's index).
  const wanted = (found?.lines ?? [])
    .map((l) => ({ lineNo: l.lineNo, quantity: Number(quantities[l.lineNo] ?? '') }))
    .filter((l) => Number.isInteger(l.quantity) && l.quantity > 0);
  const indexOf = new Map(wanted.map((l, i) => [l.lineNo, i]));
  const quote = useQuery(
    () =>
      found && wanted.length > 0
        ? client.call('sales.quoteReturn', { saleId: found.id, lines: wanted })
        : Promise.resolve(null),
    [found?.id, JSON.stringify(wanted)],
  );
  const error = save.error ?? quote.error;

  useEffect(() => {
    if (found) firstQuantity.current?.focus();
  }, [found]);

  // The screen opens with the focus on its heading (a screen reader says where the clerk is),
  // and the shell sends only a scan of digits to a scan box; a receipt number has letters. So a
  // receipt scanned at once, from the heading or with nothing focused yet, types in the receipt
  // box: moving the focus while its first key is handled makes the key type there.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const typed = /^[^\s/]$/.test(e.key) && !e.ctrlKey && !e.altKey && !e.metaKey;
      const active = document.activeElement;
      const idle = active === null || active === document.body || active.matches('main h1');
      if (typed && idle && !e.defaultPrevented) numberBox.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  /** What the clerk is told of a receipt that did not print (nothing when it did, at the counter). */
  const waitingSaid = (outcome: PrintOutcome, number: string) =>
    outcome.kind === 'none'
      ? null
      : outcome.printed
        ? null
        : {
            kind: 'warning' as const,
            text: t('receiptWaiting', { number, printer: outcome.printer }),
          };

  /** The return's receipt, after it is recorded, without waiting for the printer. */
  const printAfterReturn = (returnId: string, number: string) => {
    setReceiptSaid(null);
    printReturnReceipt(client, returnId).then(
      (outcome) => setReceiptSaid(waitingSaid(outcome, number)),
      () =>
        setReceiptSaid({ kind: 'warning', text: t('receiptWaiting', { number, printer: '—' }) }),
    );
  };

  const reprint = async (returnId: string, number: string) => {
    setReceiptSaid(null);
    const outcome = await reprinting.run(() => printReturnReceipt(client, returnId));
    if (!outcome) return;
    setReceiptSaid(
      outcome.kind === 'none'
        ? { kind: 'warning', text: t('noPrinter') }
        : outcome.printed
          ? { kind: 'success', text: t('receiptPrinted', { number }) }
          : waitingSaid(outcome, number),
    );
  };

  const lookUp = async () => {
    setDone(null);
    setReceiptSaid(null);
    save.setError(undefined);
    const result = await find.run(() => client.call('sales.findForReturn', { number }));
    if (!result) {
      numberBox.current?.select();
      return;
    }
    setFound(result);
    setQuantities({});
    setReason('');
    const first = result.methods.find(isMethod) ?? 'cash';
    setRefunds([{ method: first, amount: '', reference: '' }]);
  };

  const submit = async () => {
    if (!found) return;
    const last = refunds.length - 1;
    const result = await save.run(() =>
      client.call('sales.return', {
        saleId: found.id,
        lines: wanted,
        refunds: refunds.map((r, i) => {
          const typed = r.amount.trim();
          // The last refund may leave its amount out: it takes the rest.
          const amount = typed === '' && i === last ? undefined : (parseMoney(typed) ?? NaN);
          return {
            method: r.method,
            ...(amount !== undefined && { amount }),
            ...(r.reference.trim() && { reference: r.reference.trim() }),
          };
        }),
        ...(reason.trim() && { reason: reason.trim() }),
      }),
    );
    if (!result) return;
    setDone(result);
    setFound(null);
    setNumber('');
    numberBox.current?.focus();
    printAfterReturn(result.id, result.number);
  };

  const setRefund = (i: number, change: Partial<Refund>) =>
    setRefunds((rs) => rs.map((r, n) => (n === i ? { ...r, ...change } : r)));
  const methods = (found?.methods ?? []).filter(isMethod);
  const shownFields = [
    'number',
    'reason',
    ...wanted.map((_, i) => `lines.${i}.quantity`),
    ...refunds.flatMap((_, i) => [
      `refunds.${i}.method`,
      `refunds.${i}.amount`,
      `refunds.${i}.reference`,
    ]),
  ];

  return (
    <div className="screen returns">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      {done && (
        <Notice kind="success">
          {t('done', {
            number: done.number,
            amount: money(done.amount),
            refunds: done.refunds
              .map((r) => `${sale(`pay.method.${r.method}`)} ${money(r.amount)}`)
              .join(', '),
          })}{' '}
          <button
            type="button"
            className="btn small"
            disabled={reprinting.busy}
            aria-label={t('reprintOf', { number: done.number })}
            onClick={() => void reprint(done.id, done.number)}
          >
            {t('reprint')}
          </button>
        </Notice>
      )}
      {receiptSaid && <Notice kind={receiptSaid.kind}>{receiptSaid.text}</Notice>}
      <ErrorBanner error={reprinting.error} />
      <form
        className="toolbar wrap"
        aria-label={t('find')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void lookUp();
        }}
      >
        <Field label={t('number')} name="number" error={find.error} hint={t('numberHint')}>
          {(p) => (
            <input
              {...p}
              ref={numberBox}
              autoFocus
              autoComplete="off"
              data-search
              value={number}
              onChange={(e) => setNumber(e.target.value)}
            />
          )}
        </Field>
        <div className="form-actions">
          <button type="submit" className="btn" disabled={find.busy || number.trim() === ''}>
            {t('findButton')} <kbd>Enter</kbd>
          </button>
        </div>
      </form>
      <ErrorBanner error={find.error} shown={['number']} />

      {found && (
        <form
          className="panel"
          aria-label={t('form')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setFound(null);
              numberBox.current?.select();
            }
          }}
        >
          <p>
            <strong>{t('sale', { number: found.number })}</strong> · {dateTime(found.soldAt)} ·{' '}
            {t('total', { total: money(found.total) })}
            {found.pointsEarned > 0 && ` · ${t('earned', { n: count(found.pointsEarned) })}`}
          </p>
          <ErrorBanner error={error} shown={shownFields} />
          <div className="table-wrap">
            <table className="table compact" aria-label={t('lines')}>
              <thead>
                <tr>
                  <th scope="col">{t('col.item')}</th>
                  <th scope="col" className="num">
                    {t('col.price')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.sold')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.returned')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.left')}
                  </th>
                  <th scope="col">{t('col.back')}</th>
                </tr>
              </thead>
              <tbody>
                {found.lines.map((l, row) => {
                  const left = l.quantity - l.returned;
                  const index = indexOf.get(l.lineNo);
                  const name = index === undefined ? `line.${l.lineNo}` : `lines.${index}.quantity`;
                  return (
                    <tr key={l.lineNo} data-line={l.lineNo} data-sku={l.sku}>
                      <td>
                        <ItemName sku={l.sku} name={l.name} />
                      </td>
                      <td className="num">{money(l.unitPrice)}</td>
                      <td className="num">{count(l.quantity)}</td>
                      <td className="num">{count(l.returned)}</td>
                      <td className="num" data-col="left">
                        {count(left)}
                      </td>
                      <td>
                        <Field
                          label={t('backOf', { item: `${l.sku} ${l.name}` })}
                          hideLabel
                          name={name}
                          error={error}
                        >
                          {(p) => (
                            <input
                              {...p}
                              ref={row === 0 ? firstQuantity : undefined}
                              type="number"
                              min={0}
                              step={1}
                              className="qty-input"
                              value={quantities[l.lineNo] ?? ''}
                              placeholder="0"
                              onChange={(e) =>
                                setQuantities((q) => ({ ...q, [l.lineNo]: e.target.value }))
                              }
                            />
                          )}
                        </Field>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <FieldError error={error} name="lines" />
          <p className="total" data-testid="refund" aria-live="polite">
            {t('refund', { amount: money(quote.data?.amount ?? 0) })}
            {quote.data &&
              (quote.data.pointsTakenBack > 0 || quote.data.pointsGivenBack > 0) &&
              ` · ${t('points', {
                taken: count(quote.data.pointsTakenBack),
                given: count(quote.data.pointsGivenBack),
              })}`}
          </p>
          <fieldset className="refunds">
            <legend>{t('refundsLegend')}</legend>
            <FieldError error={error} name="refunds" />
            {refunds.map((r, i) => (
              <div className="form-grid" key={i}>
                <Field label={t('method')} name={`refunds.${i}.method`} error={error}>
                  {(p) => (
                    <select
                      {...p}
                      value={r.method}
                      onChange={(e) => {
                        const method = e.target.value;
                        if (isMethod(method)) setRefund(i, { method });
                      }}
                    >
                      {methods.map((m) => (
                        <option key={m} value={m}>
                          {sale(`pay.method.${m}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <TextField
                  label={t('amount')}
                  name={`refunds.${i}.amount`}
                  error={error}
                  hint={i === refunds.length - 1 ? t('amountHint') : undefined}
                  inputMode="decimal"
                  autoComplete="off"
                  value={r.amount}
                  onChange={(amount) => setRefund(i, { amount })}
                />
                {referenced.includes(r.method) && (
                  <TextField
                    label={t('reference')}
                    name={`refunds.${i}.reference`}
                    error={error}
                    autoComplete="off"
                    value={r.reference}
                    onChange={(reference) => setRefund(i, { reference })}
                  />
                )}
              </div>
            ))}
            {refunds.length < methods.length && (
              <button
                type="button"
                className="btn small"
                onClick={() =>
                  setRefunds((rs) => [
                    ...rs,
                    {
                      method: methods.find((m) => !rs.some((x) => x.method === m)) ?? 'cash',
                      amount: '',
                      reference: '',
                    },
                  ])
                }
              >
                {t('addMethod')}
              </button>
            )}
          </fieldset>
          <TextField
            label={t('reason')}
            name="reason"
            error={error}
            autoComplete="off"
            value={reason}
            onChange={setReason}
          />
          <div className="form-actions">
            <button
              type="submit"
              className="btn primary"
              disabled={save.busy || wanted.length === 0}
            >
              {t('confirm')} <kbd>Enter</kbd>
            </button>
            <span className="muted">
              <kbd>Esc</kbd> {t('cancel')}
            </span>
          </div>
        </form>
      )}
    </div>
  );
}
