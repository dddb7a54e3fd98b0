// The day's close at this till: the shift open on it (its float, cash taken and refunded, what the
// drawer should hold), opening one with a float, or closing it by counting the drawer (the
// difference shown as it is typed, a reason required when it is not zero); and the day's Z report
// of this till, on screen, as a PDF to download and on the receipt printer, for any day picked.
import { useRef, useState } from 'react';
import { useAction, useClient, useQuery } from '../app-context';
import { ErrorBanner, Notice } from '../components/Banner';
import { DayField } from '../components/DayField';
import { Field, TextField } from '../components/Field';
import { download } from '../files';
import { count, dateTime, money, parseMoney, today } from '../format';
import { useT } from '../i18n';
import { printZReport } from '../receipts';

export function DayClose() {
  const t = useT('dayclose');
  const sale = useT('sale');
  const client = useClient();
  const [tick, setTick] = useState(0);
  const [float, setFloat] = useState('');
  const [counted, setCounted] = useState('');
  const [reason, setReason] = useState('');
  const [day, setDay] = useState(today());
  const [said, setSaid] = useState<string | null>(null);
  const [printSaid, setPrintSaid] = useState<{ kind: 'success' | 'warning'; text: string } | null>(
    null,
  );
  const action = useAction();
  const pdf = useAction();
  const printing = useAction();
  const countBox = useRef<HTMLInputElement>(null);
  const saidBox = useRef<HTMLDivElement>(null);
  /**
   * Opening or closing the shift takes its form off the page, and the focus with it: the focus
   * goes to what was done instead, so it is read out and Tab goes on from the top of the screen.
   */
  const say = (text: string) => {
    setSaid(text);
    window.setTimeout(() => saidBox.current?.focus(), 0);
  };

  const shift = useQuery(() => client.call('shifts.current', {}), [tick]);
  const report = useQuery(
    () => (day ? client.call('shifts.zReport', { day }) : Promise.resolve(null)),
    [day, tick],
  );
  const refresh = () => setTick((n) => n + 1);

  const open = async () => {
    setSaid(null);
    const amount = float.trim() === '' ? 0 : (parseMoney(float) ?? NaN);
    const result = await action.run(() => client.call('shifts.open', { openingFloat: amount }));
    if (!result) return;
    setFloat('');
    say(t('opened', { amount: money(amount) }));
    refresh();
  };

  const countedCash = counted.trim() === '' ? null : parseMoney(counted);
  const current = shift.data;
  const difference = current && countedCash !== null ? countedCash - current.expectedCash : null;

  const close = async () => {
    setSaid(null);
    const result = await action.run(() =>
      client.call('shifts.close', {
        countedCash: countedCash ?? NaN,
        ...(reason.trim() && { reason: reason.trim() }),
      }),
    );
    if (!result) return;
    setCounted('');
    setReason('');
    say(
      t('closed', {
        counted: money(result.countedCash),
        difference: money(result.difference),
      }),
    );
    refresh();
  };

  const downloadPdf = async () => {
    const file = await pdf.run(() => client.call('shifts.zReportPdf', { day }));
    if (file) download(file);
  };

  const printOnPrinter = async () => {
    setPrintSaid(null);
    const outcome = await printing.run(() => printZReport(client, day));
    if (!outcome) return;
    setPrintSaid(
      outcome.kind === 'none'
        ? { kind: 'warning', text: t('z.noPrinter') }
        : outcome.printed
          ? { kind: 'success', text: t('z.printed', { day }) }
          : { kind: 'warning', text: t('z.printWaiting', { printer: outcome.printer }) },
    );
  };

  const z = report.data;
  return (
    <div className="screen day-close">
      <header className="screen-head">
        <h1>{t('title')}</h1>
        <p className="muted">{t('intro')}</p>
      </header>
      {said && (
        <div tabIndex={-1} ref={saidBox} data-said>
          <Notice kind="success">{said}</Notice>
        </div>
      )}
      <ErrorBanner error={shift.error} />

      <section className="panel" aria-labelledby="shift-title">
        <h2 id="shift-title">{t('shift.title')}</h2>
        {shift.loading && !current && <p className="muted">{t('loading')}</p>}
        {!shift.loading && !current && (
          <form
            className="toolbar wrap"
            aria-label={t('shift.open')}
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void open();
            }}
          >
            <p className="muted">{t('shift.none')}</p>
            <TextField
              label={t('shift.float')}
              name="openingFloat"
              error={action.error}
              hint={t('shift.floatHint')}
              inputMode="decimal"
              autoComplete="off"
              value={float}
              onChange={setFloat}
            />
            <div className="form-actions">
              <button type="submit" className="btn primary" disabled={action.busy}>
                {t('shift.open')} <kbd>Enter</kbd>
              </button>
            </div>
            <ErrorBanner error={action.error} shown={['openingFloat']} />
          </form>
        )}
        {current && (
          <>
            <dl className="facts" data-testid="shift">
              <dt>{t('shift.openedAt')}</dt>
              <dd>
                {dateTime(current.openedAt)}
                {current.openedByName && ` · ${current.openedByName}`}
              </dd>
              <dt>{t('shift.float')}</dt>
              <dd>{money(current.openingFloat)}</dd>
              <dt>{t('shift.taken')}</dt>
              <dd>{money(current.taken)}</dd>
              <dt>{t('shift.refunded')}</dt>
              <dd>{money(current.refunded)}</dd>
              <dt>{t('shift.expected')}</dt>
              <dd data-testid="expected">
                <strong>{money(current.expectedCash)}</strong>
              </dd>
            </dl>
            <form
              className="form-grid"
              aria-label={t('shift.close')}
              noValidate
              onSubmit={(e) => {
                e.preventDefault();
                void close();
              }}
            >
              <Field
                label={t('shift.counted')}
                name="countedCash"
                error={action.error}
                hint={t('shift.countedHint')}
              >
                {(p) => (
                  <input
                    {...p}
                    ref={countBox}
                    inputMode="decimal"
                    autoComplete="off"
                    value={counted}
                    onChange={(e) => setCounted(e.target.value)}
                  />
                )}
              </Field>
              <p className="total" data-testid="difference" aria-live="polite">
                {difference === null
                  ? t('shift.differenceNone')
                  : difference === 0
                    ? t('shift.balanced')
                    : t(difference > 0 ? 'shift.over' : 'shift.short', {
                        amount: money(Math.abs(difference)),
                      })}
              </p>
              <TextField
                label={t('shift.reason')}
                name="reason"
                error={action.error}
                hint={difference !== null && difference !== 0 ? t('shift.reasonHint') : undefined}
                autoComplete="off"
                value={reason}
                onChange={setReason}
              />
              <div className="form-actions">
                <button type="submit" className="btn primary" disabled={action.busy}>
                  {t('shift.close')} <kbd>Enter</kbd>
                </button>
              </div>
              <ErrorBanner error={action.error} shown={['countedCash', 'reason']} />
            </form>
          </>
        )}
      </section>

      <section className="panel" aria-labelledby="z-title">
        <h2 id="z-title">{t('z.title')}</h2>
        <div className="toolbar wrap">
          <DayField label={t('z.day')} error={report.error} value={day} onChange={setDay} />
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              disabled={pdf.busy || !z}
              onClick={() => void downloadPdf()}
            >
              {t('z.pdf')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={printing.busy || !z}
              onClick={() => void printOnPrinter()}
            >
              {t('z.print')}
            </button>
          </div>
        </div>
        {printSaid && <Notice kind={printSaid.kind}>{printSaid.text}</Notice>}
        <ErrorBanner error={report.error ?? pdf.error ?? printing.error} shown={['day']} />
        {z && (
          <div data-testid="z-report" data-state={report.loading ? 'loading' : 'ready'}>
            <p>
              {t('z.till', {
                shop: z.branchName,
                till: z.deviceNumber === null ? '—' : count(z.deviceNumber),
              })}
              {z.firstNumber &&
                ` · ${t('z.receipts', { first: z.firstNumber, last: z.lastNumber ?? z.firstNumber })}`}
            </p>
            <dl className="facts">
              <dt>{t('z.sales')}</dt>
              <dd data-testid="z-sales">
                {t('z.salesLine', { n: count(z.sales.count), total: money(z.sales.total) })}
              </dd>
              <dt>{t('z.discounts')}</dt>
              <dd>{money(z.sales.discount + z.sales.rewards)}</dd>
              <dt>{t('z.tax')}</dt>
              <dd>{money(z.sales.tax)}</dd>
              <dt>{t('z.returns')}</dt>
              <dd data-testid="z-returns">
                {t('z.salesLine', { n: count(z.returns.count), total: money(z.returns.amount) })}
              </dd>
              <dt>{t('z.expected')}</dt>
              <dd data-testid="z-expected">{money(z.expectedCash)}</dd>
              <dt>{t('z.points')}</dt>
              <dd>
                {t('z.pointsLine', {
                  earned: count(z.points.earned),
                  redeemed: count(z.points.redeemed),
                })}
              </dd>
            </dl>
            <div className="table-wrap">
              <table className="table compact" aria-label={t('z.methods')}>
                <thead>
                  <tr>
                    <th scope="col">{t('z.method')}</th>
                    <th scope="col" className="num">
                      {t('z.taken')}
                    </th>
                    <th scope="col" className="num">
                      {t('z.refunded')}
                    </th>
                    <th scope="col" className="num">
                      {t('z.net')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {z.methods.length === 0 && (
                    <tr>
                      <td colSpan={4} className="empty">
                        {t('z.noPayments')}
                      </td>
                    </tr>
                  )}
                  {z.methods.map((m) => (
                    <tr key={m.method} data-method={m.method}>
                      <td>{sale(`pay.method.${m.method}`)}</td>
                      <td className="num">{money(m.taken)}</td>
                      <td className="num">{money(m.refunded)}</td>
                      <td className="num">{money(m.net)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="table-wrap">
              <table className="table compact" aria-label={t('z.shifts')}>
                <thead>
                  <tr>
                    <th scope="col">{t('z.opened')}</th>
                    <th scope="col">{t('z.closed')}</th>
                    <th scope="col" className="num">
                      {t('shift.float')}
                    </th>
                    <th scope="col" className="num">
                      {t('z.counted')}
                    </th>
                    <th scope="col" className="num">
                      {t('z.difference')}
                    </th>
                    <th scope="col">{t('shift.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {z.shifts.length === 0 && (
                    <tr>
                      <td colSpan={6} className="empty">
                        {t('z.noShifts')}
                      </td>
                    </tr>
                  )}
                  {z.shifts.map((s) => (
                    <tr key={s.id}>
                      <td>
                        {dateTime(s.openedAt)} {s.openedByName}
                      </td>
                      <td>
                        {s.closedAt === null
                          ? t('z.stillOpen')
                          : `${dateTime(s.closedAt)} ${s.closedByName ?? ''}`}
                      </td>
                      <td className="num">{money(s.openingFloat)}</td>
                      <td className="num">{s.countedCash === null ? '—' : money(s.countedCash)}</td>
                      <td className="num">{s.difference === null ? '—' : money(s.difference)}</td>
                      <td>{s.reason ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
