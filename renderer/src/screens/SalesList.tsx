// The shop's sales of one day (today unless another day is picked): by clerk and payment
// method, the day's totals per method, a Reprint of any sale's receipt, and the receipts this
// PC still owes its printer with a Retry. The PC's receipt printer is set here too.
import { useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { DayField } from '../components/DayField';
import { Field } from '../components/Field';
import { PrinterSettings } from '../components/PrinterSettings';
import { money, time, today } from '../format';
import { useT } from '../i18n';
import { printReceipt, printPdf } from '../receipts';
import { actsForAnyBranch, can } from '../roles';
import { paymentMethods, type PaymentMethod } from '../../../core/vocabulary';

const isMethod = (v: string): v is PaymentMethod => paymentMethods.some((m) => m === v);

export function SalesList() {
  const t = useT('receipts');
  const sale = useT('sale');
  const client = useClient();
  const user = useUser();
  const anyShop = actsForAnyBranch(user.role);
  const mayPrint = can(user, 'sales.record');
  const [day, setDay] = useState(today());
  const [userId, setUserId] = useState('');
  const [method, setMethod] = useState<PaymentMethod | ''>('');
  const [shopId, setShopId] = useState(anyShop ? '' : user.branchId);
  const [said, setSaid] = useState<{ kind: 'success' | 'warning'; text: string } | null>(null);
  const [tick, setTick] = useState(0);
  const action = useAction();

  const shops = useQuery(
    () => (anyShop ? client.call('branches.list', { kind: 'shop' }) : Promise.resolve([])),
    [anyShop],
  );
  const branchId = shopId || (anyShop ? (shops.data?.[0]?.id ?? '') : user.branchId);
  const list = useQuery(
    () =>
      branchId && day
        ? client.call('sales.day', {
            branchId,
            day,
            ...(userId && { userId }),
            ...(method && { method }),
          })
        : Promise.resolve(null),
    [branchId, day, userId, method, tick],
  );
  const waiting = useQuery(
    () => (mayPrint ? client.call('receipts.waiting', {}) : Promise.resolve([])),
    [tick, mayPrint],
  );
  const refresh = () => setTick((n) => n + 1);

  const reprint = async (saleId: string, number: string) => {
    setSaid(null);
    const outcome = await action.run(() => printReceipt(client, saleId));
    if (!outcome) return;
    if (outcome.kind === 'none') setSaid({ kind: 'warning', text: t('noPrinter') });
    else if (outcome.printed) setSaid({ kind: 'success', text: t('printed', { number }) });
    else setSaid({ kind: 'warning', text: t('stillWaiting', { printer: outcome.printer }) });
    refresh();
  };

  const retry = async () => {
    setSaid(null);
    const result = await action.run(() => client.call('receipts.retry', {}));
    if (!result) return;
    for (const pdf of result.pdfs) printPdf(pdf);
    setSaid(
      result.error === null
        ? { kind: 'success', text: t('retried', { n: result.printed }) }
        : { kind: 'warning', text: t('retryFailed', { n: result.waiting, error: result.error }) },
    );
    refresh();
  };

  const data = list.data;
  const waitingCount = waiting.data?.length ?? 0;
  return (
    <div className="screen sales-day">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      {said && <Notice kind={said.kind}>{said.text}</Notice>}
      <ErrorBanner error={action.error ?? list.error ?? waiting.error} shown={['day']} />
      {mayPrint && (
        <section className="panel waiting-receipts" aria-label={t('waiting.title')}>
          <p>
            <strong>{t('waiting.line', { n: waitingCount })}</strong>
            {waiting.data?.[0]?.lastError && (
              <span className="muted"> · {waiting.data[0].lastError}</span>
            )}
          </p>
          {waitingCount > 0 && (
            <button
              type="button"
              className="btn primary"
              disabled={action.busy}
              onClick={() => void retry()}
            >
              {t('waiting.retry')}
            </button>
          )}
        </section>
      )}
      <div className="toolbar wrap">
        {anyShop && (
          <Field label={t('shop')} name="branchId" error={list.error}>
            {(p) => (
              <select {...p} value={branchId} onChange={(e) => setShopId(e.target.value)}>
                {(shops.data ?? []).map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.code} · {b.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <DayField label={t('day')} error={list.error} value={day} onChange={setDay} />
        <Field label={t('clerk')} name="userId" error={undefined}>
          {(p) => (
            <select {...p} value={userId} onChange={(e) => setUserId(e.target.value)}>
              <option value="">{t('allClerks')}</option>
              {(data?.clerks ?? []).map((c) => (
                <option key={c.userId} value={c.userId}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('method')} name="method" error={undefined}>
          {(p) => (
            <select
              {...p}
              value={method}
              onChange={(e) => setMethod(isMethod(e.target.value) ? e.target.value : '')}
            >
              <option value="">{t('allMethods')}</option>
              {paymentMethods.map((m) => (
                <option key={m} value={m}>
                  {sale(`pay.method.${m}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <section className="panel" aria-label={t('totals')}>
        <p className="sales-totals" data-testid="day-totals">
          <strong>
            {t('dayTotal', { n: data?.sales.length ?? 0, total: money(data?.total ?? 0) })}
          </strong>
          {(data?.totals ?? []).map((m) => (
            <span key={m.method}>
              {' · '}
              {sale(`pay.method.${m.method}`)} {money(m.amount)}
            </span>
          ))}
        </p>
      </section>
      <div className="table-wrap">
        <table
          className="table compact"
          aria-label={t('table')}
          data-state={list.loading ? 'loading' : 'ready'}
        >
          <thead>
            <tr>
              <th scope="col">{t('col.number')}</th>
              <th scope="col">{t('col.time')}</th>
              <th scope="col">{t('col.clerk')}</th>
              <th scope="col">{t('col.customer')}</th>
              <th scope="col" className="num">
                {t('col.total')}
              </th>
              <th scope="col">{t('col.payments')}</th>
              <th scope="col">{t('col.receipt')}</th>
            </tr>
          </thead>
          <tbody>
            {data?.sales.length === 0 && (
              <tr>
                <td colSpan={7} className="empty">
                  {t('none')}
                </td>
              </tr>
            )}
            {data?.sales.map((s) => (
              <tr key={s.id} data-sale={s.number}>
                <td>{s.number}</td>
                <td>{time(s.soldAt)}</td>
                <td>{s.clerk}</td>
                <td>{s.customerName ?? '—'}</td>
                <td className="num">{money(s.total)}</td>
                <td>
                  {s.payments
                    .map((p) => `${sale(`pay.method.${p.method}`)} ${money(p.amount)}`)
                    .join(', ')}
                </td>
                <td>
                  {s.receipt === 'waiting' && (
                    <span className="badge receipt-waiting">{t('receipt.waiting')}</span>
                  )}{' '}
                  {mayPrint && (
                    <button
                      type="button"
                      className="btn small"
                      disabled={action.busy}
                      aria-label={t('reprintSale', { number: s.number })}
                      onClick={() => void reprint(s.id, s.number)}
                    >
                      {t('reprint')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {mayPrint && <PrinterSettings />}
    </div>
  );
}
