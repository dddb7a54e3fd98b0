// A PDF the core made (a delivery note), previewed in a frame, printed from it and saved through
// a download link. Shared by the driver's trips and the customer's portal.
import { useMemo, useRef } from 'react';
import { useQuery } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { base64ToBlob, useObjectUrl } from '../../files';

export interface PdfFile {
  fileName: string;
  contentBase64: string;
}

export function PdfPanel({
  title,
  load,
  loadKey,
  words,
  onClose,
}: {
  title: string;
  load(): Promise<PdfFile>;
  /** Changes when another document is wanted. */
  loadKey: string;
  words: { print: string; save: string; close: string; loading: string };
  onClose(): void;
}) {
  const doc = useQuery(load, [loadKey]);
  const frame = useRef<HTMLIFrameElement>(null);
  const blob = useMemo(
    () => (doc.data ? base64ToBlob(doc.data.contentBase64, 'application/pdf') : null),
    [doc.data],
  );
  const url = useObjectUrl(blob);
  return (
    <section className="panel documents" aria-label={title} data-pdf={loadKey}>
      <header className="panel-head">
        <h2>{title}</h2>
      </header>
      <ErrorBanner error={doc.error} />
      <div className="doc-actions">
        <button
          type="button"
          className="btn"
          disabled={!url}
          onClick={() => frame.current?.contentWindow?.print()}
        >
          {words.print}
        </button>
        {url && doc.data ? (
          <a className="btn" href={url} download={doc.data.fileName} data-pdf-save>
            {words.save}
          </a>
        ) : (
          <span className="btn disabled" aria-disabled="true">
            {words.save}
          </span>
        )}
        <button type="button" className="btn" onClick={onClose}>
          {words.close}
        </button>
      </div>
      {url ? (
        <iframe ref={frame} className="pdf-frame" title={title} src={url} />
      ) : (
        <div className="pdf-frame placeholder">{doc.loading ? words.loading : ''}</div>
      )}
    </section>
  );
}
