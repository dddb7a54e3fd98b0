// Supplier invoices (issue 15): any PC uploads the file a supplier sent (picked or dropped); head
// office reads it within seconds and a person there reviews and posts it. The list shows each
// invoice's state, supplier, number and total; Enter on its number opens its page, and Esc comes
// back with the focus where it was.
import { useEffect, useState } from 'react';
import { useClient, useQuery } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { Field, SearchField } from '../../components/Field';
import { date, dateTime } from '../../format';
import { useT } from '../../i18n';
import { useOrderPage } from '../purchasing/order-page';
import { moneyIn } from '../purchasing/shared';
import { InvoicePage } from './InvoicePage';
import { InvoiceUpload } from './InvoiceUpload';
import {
  invoiceStatuses,
  isStatus,
  statusText,
  type InvoiceRow,
  type InvoiceStatus,
} from './status';

const matches = (row: InvoiceRow, search: string) => {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  return [row.supplierName, row.number, row.originalName, row.branchName, row.uploadedByName].some(
    (v) => v?.toLowerCase().includes(q),
  );
};

export function Invoices() {
  const t = useT('invoices');
  const client = useClient();
  const [status, setStatus] = useState<InvoiceStatus | ''>('');
  const [search, setSearch] = useState('');
  const [tick, setTick] = useState(0);
  const list = useQuery(
    () => client.call('invoices.list', status ? { status } : {}),
    [status, tick],
  );
  const page = useOrderPage('.invoices h1', () => setTick((n) => n + 1));
  const open = page.open;
  const rows = list.data?.filter((r) => matches(r, search));

  // While invoices wait to be read at head office, look again now and then.
  const waiting = list.data?.some((r) => r.status === 'uploaded') ?? false;
  useEffect(() => {
    if (!waiting || open !== null) return;
    const timer = window.setInterval(() => setTick((n) => n + 1), 4000);
    return () => window.clearInterval(timer);
  }, [waiting, open]);

  return (
    <div className="screen invoices">
      {open && <InvoicePage key={open} invoiceId={open} onBack={page.back} />}
      <div hidden={open !== null}>
        <header className="screen-head">
          <h1 tabIndex={-1}>{t('title')}</h1>
          <p className="muted">{t('intro')}</p>
        </header>
        <InvoiceUpload
          onUploaded={(invoiceId) => {
            setTick((n) => n + 1);
            window.setTimeout(
              () =>
                document
                  .querySelector<HTMLElement>(`.invoices tr[data-invoice="${invoiceId}"] button`)
                  ?.focus(),
              300,
            );
          }}
        />
        <div className="toolbar">
          <Field label={t('list.status')} name="status" error={undefined}>
            {(p) => (
              <select
                {...p}
                value={status}
                onChange={(e) => setStatus(isStatus(e.target.value) ? e.target.value : '')}
              >
                <option value="">{t('list.anyStatus')}</option>
                {invoiceStatuses.map((s) => (
                  <option key={s} value={s}>
                    {statusText(t, s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <SearchField placeholder={t('list.searchHint')} value={search} onChange={setSearch} />
        </div>
        <ErrorBanner error={list.error} />
        <InvoicesTable
          rows={rows}
          loading={list.loading && !list.data}
          onOpen={page.openFromList}
        />
      </div>
    </div>
  );
}

function InvoicesTable({
  rows,
  loading,
  onOpen,
}: {
  rows: readonly InvoiceRow[] | undefined;
  loading: boolean;
  onOpen(invoiceId: string): void;
}) {
  const t = useT('invoices');
  return (
    <div className="table-wrap">
      <table
        className="table compact invoices-table"
        aria-label={t('list.table')}
        data-state={loading ? 'loading' : 'ready'}
      >
        <thead>
          <tr>
            <th scope="col">{t('col.invoice')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col">{t('col.supplier')}</th>
            <th scope="col">{t('col.date')}</th>
            <th scope="col" className="num">
              {t('col.total')}
            </th>
            <th scope="col">{t('col.uploaded')}</th>
          </tr>
        </thead>
        <tbody>
          {!loading && rows?.length === 0 && (
            <tr>
              <td colSpan={6} className="empty">
                {t('list.none')}
              </td>
            </tr>
          )}
          {rows?.map((r) => (
            <tr key={r.id} data-invoice={r.id} data-status={r.status}>
              <td>
                <button
                  type="button"
                  className="link"
                  data-open-invoice
                  onClick={() => onOpen(r.id)}
                >
                  {r.number ?? r.originalName ?? t('list.noNumber')}
                </button>
                {r.number && r.originalName && <div className="muted small">{r.originalName}</div>}
              </td>
              <td data-col="status">
                <span className={`badge invoice-${r.status}`}>{statusText(t, r.status)}</span>
                {r.status === 'uploaded' && <div className="muted small">{t('list.waiting')}</div>}
                {r.status === 'unreadable' && r.readError && (
                  <div className="muted small" data-col="why">
                    {r.readError}
                  </div>
                )}
              </td>
              <td data-col="supplier">{r.supplierName ?? '—'}</td>
              <td>{r.invoiceDate ? date(r.invoiceDate) : '—'}</td>
              <td className="num" data-col="total">
                {r.total !== null && r.currencyCode ? moneyIn(r.total, r.currencyCode) : '—'}
              </td>
              <td>
                {r.uploadedAt !== null ? dateTime(r.uploadedAt) : '—'}
                <div className="muted small">
                  {[r.uploadedByName, r.branchName].filter(Boolean).join(' · ')}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
