// An order's PDFs (order sheet, payment proof, dispatch note), previewed in an iframe from a
// blob: URL, printed from that iframe, saved through a download link.
import { useMemo, useRef, useState } from 'react';
import { useClient, useQuery } from '../app-context';
import { base64ToBlob, useObjectUrl } from '../files';
import { useT } from '../i18n';
import { ErrorBanner } from './Banner';
import { documentTitles, type DocumentKind as Kind } from '../../../core/vocabulary';

export function DocumentViewer({
  orderId,
  kinds,
  version,
}: {
  orderId: string;
  kinds: Kind[];
  /** Changes when the order changes, so the preview is rendered again. */
  version: number;
}) {
  const client = useClient();
  const t = useT('orders');
  const [kind, setKind] = useState<Kind>(kinds[0] ?? 'order_sheet');
  const frame = useRef<HTMLIFrameElement>(null);
  const doc = useQuery(
    () => client.call('orders.document', { orderId, kind }),
    [orderId, kind, version],
  );
  const blob = useMemo(
    () => (doc.data ? base64ToBlob(doc.data.contentBase64, doc.data.mime) : null),
    [doc.data],
  );
  const url = useObjectUrl(blob);
  const ready = url && !doc.loading && doc.data;

  return (
    <section className="panel documents" aria-label={t('docs.title')}>
      <header className="panel-head">
        <h2>{t('docs.title')}</h2>
        <div className="tabs" role="tablist">
          {kinds.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={k === kind}
              className={k === kind ? 'tab active' : 'tab'}
              onClick={() => setKind(k)}
            >
              {documentTitles[k]}
            </button>
          ))}
        </div>
      </header>
      <ErrorBanner error={doc.error} />
      <div className="doc-actions">
        <button
          type="button"
          className="btn"
          disabled={!ready}
          onClick={() => frame.current?.contentWindow?.print()}
        >
          {t('docs.print')}
        </button>
        {ready ? (
          <a className="btn" href={url} download={doc.data?.fileName}>
            {t('docs.savePdf')}
          </a>
        ) : (
          <span className="btn disabled" aria-disabled="true">
            {t('docs.savePdf')}
          </span>
        )}
        {doc.loading && (
          <span className="muted">
            {t('docs.preparing', { document: documentTitles[kind].toLowerCase() })}
          </span>
        )}
      </div>
      {url ? (
        <iframe
          ref={frame}
          className="pdf-frame"
          title={t('docs.preview', { document: documentTitles[kind] })}
          src={url}
        />
      ) : (
        <div className="pdf-frame placeholder">{doc.loading ? t('docs.loading') : ''}</div>
      )}
    </section>
  );
}
