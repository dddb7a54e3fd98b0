// What the field screens share: a customer order's status and holds in words, a PDF the core made
// (trip sheet, delivery note) previewed and printed, and a stop list moved with the keyboard.
import { useMemo, useRef, type ReactNode } from 'react';
import { useQuery } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { base64ToBlob, useObjectUrl } from '../../files';
export { moved } from './moved';
import { useT } from '../../i18n';

export type FieldOrderRow = OutputOf<'field.orders'>[number];
export type FieldCustomer = OutputOf<'field.customers'>[number];
export type CustomerPrice = OutputOf<'field.prices'>[number];

export function OrderStatus({ status }: { status: FieldOrderRow['status'] }) {
  const t = useT('field');
  return (
    <span className={`badge order-${status}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

/** "Over the credit limit · Short of stock", or nothing. */
export function Holds({ holds }: { holds: readonly string[] }) {
  const t = useT('field');
  if (holds.length === 0) return null;
  return <span data-holds={holds.join(' ')}>{holds.map((h) => t(`hold.${h}`)).join(' · ')}</span>;
}

interface Pdf {
  fileName: string;
  mime: string;
  contentBase64: string;
}

/** A PDF from the core shown in a frame, with Print and Save. `load` runs when `version` changes. */
export function PdfView({
  title,
  load,
  version,
}: {
  title: string;
  load: () => Promise<Pdf>;
  version: string;
}) {
  const t = useT('field');
  const frame = useRef<HTMLIFrameElement>(null);
  const doc = useQuery(load, [version]);
  const blob = useMemo(
    () => (doc.data ? base64ToBlob(doc.data.contentBase64, doc.data.mime) : null),
    [doc.data],
  );
  const url = useObjectUrl(blob);
  const ready = Boolean(url && !doc.loading && doc.data);
  return (
    <section className="panel documents" aria-label={title} data-pdf={ready ? 'ready' : 'loading'}>
      <h2>{title}</h2>
      <ErrorBanner error={doc.error} />
      <div className="doc-actions">
        <button
          type="button"
          className="btn"
          disabled={!ready}
          onClick={() => frame.current?.contentWindow?.print()}
        >
          {t('pdf.print')}
        </button>
        {ready && url ? (
          <a className="btn" href={url} download={doc.data?.fileName}>
            {t('pdf.save')}
          </a>
        ) : (
          <span className="btn disabled" aria-disabled="true">
            {t('pdf.save')}
          </span>
        )}
        {doc.loading && <span className="muted">{t('pdf.preparing')}</span>}
      </div>
      {url ? (
        <iframe ref={frame} className="pdf-frame" title={title} src={url} />
      ) : (
        <div className="pdf-frame placeholder" />
      )}
    </section>
  );
}

/** A definition list's pair, kept short. */
export function Fact({
  label,
  name,
  children,
}: {
  label: string;
  name: string;
  children: ReactNode;
}) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-fact={name}>{children}</dd>
    </>
  );
}
