// Reviewing a read invoice at head office: the page on the left (PageUp / PageDown turn it), the
// form on the right, each box saying where its value came from and marking its place on the page
// when focused. The arithmetic is checked again as the person types; Post sends the boxes, and
// whatever the core refuses is shown at its box.
import { useMemo, useState, type KeyboardEvent } from 'react';
import { useAction, useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { companyCurrency, date, today } from '../../format';
import { useT, type Translate } from '../../i18n';
import {
  draftOf,
  liveChecks,
  postInput,
  type Draft,
  type Evidence,
  type Found,
  type LiveCheck,
  type Kit,
} from './form';
import { dateCheck as coreDateCheck, OLDEST_DAYS } from '../../../../core/invoices/checks';
import { HeadFields } from './HeadFields';
import { LinesEditor } from './LinesEditor';
import { OrderCompare } from './OrderCompare';
import { PageImage } from './PageImage';

function checkWords(t: Translate, c: LiveCheck): string {
  return t(`checks.${c.rule}`, c.vars);
}

function dateCheck(t: Translate, value: string): string | undefined {
  if (!value) return t('checks.missing_date');
  // The core's rule, as posting applies it.
  const found = coreDateCheck(value, today())[0];
  if (!found) return undefined;
  if (found.rule === 'date_future') return t('checks.date_future', { date: date(value) });
  if (found.rule === 'date_old')
    return t('checks.date_old', { date: date(value), days: OLDEST_DAYS });
  return t('checks.missing_date');
}

/** Every field path the form has a box for, so the banner leaves their errors to them. */
const shownFields = (d: Draft): string[] => [
  'kind',
  'supplierId',
  'number',
  'date',
  'currencyCode',
  'rate',
  'orderId',
  'subtotal',
  'tax',
  'total',
  'lines',
  ...d.lines.flatMap((_, i) =>
    ['variantId', 'supplierCode', 'description', 'quantity', 'unitPrice', 'amount'].map(
      (f) => `lines.${i}.${f}`,
    ),
  ),
];

export function Review({ found, onPosted }: { found: Found; onPosted(): void }) {
  const t = useT('invoices');
  const client = useClient();
  const company = companyCurrency().code;
  const suppliers = useQuery(() => client.call('suppliers.list', {}), []);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [typed, setTyped] = useState<ReadonlySet<string>>(new Set());
  const [page, setPage] = useState(1);
  const [mark, setMark] = useState<Evidence | null>(null);
  const post = useAction();
  const reading = found.reading;
  const pageCount = reading ? reading.pages.length : null;

  // The boxes start from the reading once the suppliers (and their currencies) are known.
  const start = useMemo(
    () =>
      suppliers.data || suppliers.error
        ? draftOf(found, company, (id) => suppliers.data?.find((s) => s.id === id)?.currencyCode)
        : null,
    [found, company, suppliers.data, suppliers.error],
  );
  const d = draft ?? start;
  const checks = useMemo(() => (d ? liveChecks(d, company) : []), [d, company]);
  if (!d) return <p className="muted">{t('review.loading')}</p>;

  const touch = (field: string) => setTyped((s) => (s.has(field) ? s : new Set([...s, field])));
  const kit: Kit = {
    draft: d,
    found,
    typed,
    change: (field, patch) => {
      touch(field);
      setDraft({ ...d, ...patch });
    },
    changeLine: (index, field, patch) => {
      touch(`line-${d.lines[index]?.key ?? index}.${field}`);
      setDraft({ ...d, lines: d.lines.map((l, i) => (i === index ? { ...l, ...patch } : l)) });
    },
    setLines: (lines) => setDraft({ ...d, lines }),
    check: (field) => {
      if (field === 'date') return dateCheck(t, d.date);
      if (field === 'number' && d.number.trim() === '') return t('checks.missing_number');
      if (field === 'total' && d.total.trim() === '') return t('checks.missing_total');
      const hit = checks.find((c) => c.field === field);
      return hit && checkWords(t, hit);
    },
    error: post.error,
    point: (at) => {
      setMark(at);
      if (at && at.page !== page) setPage(at.page);
    },
  };

  const submit = async () => {
    const blocking = checks.find((c) => c.rule === 'no_product');
    if (blocking) {
      window.setTimeout(
        () =>
          document
            .querySelector<HTMLElement>(`.invoice-review [data-field="${blocking.field}"] select`)
            ?.focus(),
        0,
      );
      return;
    }
    const done = await post.run(() =>
      client.call('invoices.post', postInput(found.invoice.id, d, company)),
    );
    if (done) onPosted();
  };

  const turn = (e: KeyboardEvent) => {
    if (e.key !== 'PageUp' && e.key !== 'PageDown') return;
    e.preventDefault();
    if (e.key === 'PageUp') setPage((p) => Math.max(1, p - 1));
    else setPage((p) => (pageCount === null ? p + 1 : Math.min(pageCount, p + 1)));
  };

  const proposal = found.proposal;
  return (
    <div className="invoice-review" onKeyDown={turn}>
      <PageImage
        invoiceId={found.invoice.id}
        reading={reading}
        page={page}
        pageCount={pageCount}
        highlight={mark}
        onPage={(p) => setPage(Math.max(1, pageCount === null ? p : Math.min(pageCount, p)))}
      />
      <form
        className="panel invoice-form"
        aria-label={t('review.form')}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>{t('review.form')}</h2>
        {reading ? (
          <p className="muted" data-testid="reading">
            {reading.by === 'model'
              ? t('review.byModel', { model: reading.model ?? '' })
              : t('review.byRules')}{' '}
            {t(reading.source === 'ocr' ? 'review.fromOcr' : 'review.fromText', {
              sure: Math.round(reading.confidence * 100),
            })}
            {reading.by === 'rules' && (
              <span data-testid="model-note">
                {' '}
                {reading.modelError
                  ? t('review.modelFailed', { why: reading.modelError })
                  : t('review.noModel')}
              </span>
            )}
          </p>
        ) : (
          <Notice kind="warning">{t('review.noReading')}</Notice>
        )}
        {proposal?.duplicateOf && (
          <Notice kind="warning">
            <span data-testid="duplicate">{t('review.duplicate')}</span>
          </Notice>
        )}
        <ErrorBanner error={suppliers.error} />
        <HeadFields kit={kit} suppliers={suppliers.data} onSuppliers={suppliers.reload} />
        <LinesEditor kit={kit} />
        {proposal && <OrderCompare order={proposal.order} currencyCode={d.currencyCode} />}
        <ErrorBanner error={post.error} shown={shownFields(d)} />
        <label className="check">
          <input
            type="checkbox"
            checked={d.updatePrices && d.kind === 'invoice'}
            disabled={d.kind !== 'invoice'}
            onChange={(e) => setDraft({ ...d, updatePrices: e.target.checked })}
          />
          {t('review.updatePrices')}
        </label>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={post.busy} data-post>
            {post.busy ? t('review.posting') : t('review.post')}
          </button>
          {checks.length > 0 && (
            <span className="muted" data-testid="checks-left">
              {t('review.checksLeft', { n: checks.length })}
            </span>
          )}
        </div>
      </form>
    </div>
  );
}
