// One page of the invoice as head office draws it, with a rectangle over the place a field was
// read from. Boxes are in the page's own units (reading.pages[n].width × height); drawn as shares
// of the page, the rectangle stays on its words at any size the image is shown at.
import { useEffect, useMemo, useRef } from 'react';
import { useClient, useQuery } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { isCode } from '../../errors';
import { base64ToBlob, useObjectUrl } from '../../files';
import { useT } from '../../i18n';
import type { Evidence, Reading } from './form';

export function PageImage({
  invoiceId,
  reading,
  page,
  pageCount,
  highlight,
  onPage,
}: {
  invoiceId: string;
  reading: Reading | null;
  page: number;
  /** Known from the reading; null: not known (an unreadable file), Next stays offered. */
  pageCount: number | null;
  highlight: Evidence | null;
  onPage(page: number): void;
}) {
  const t = useT('invoices');
  const client = useClient();
  const image = useQuery(
    () => client.call('invoices.page', { invoiceId, page }),
    [invoiceId, page],
  );
  const blob = useMemo(
    () => (image.data ? base64ToBlob(image.data.pngBase64, 'image/png') : null),
    [image.data],
  );
  const url = useObjectUrl(blob);
  const size = reading?.pages.find((p) => p.number === page) ?? image.data ?? null;
  const box = highlight && highlight.page === page && size ? highlight.box : null;
  const notHere = isCode(image.error, 'HEAD_OFFICE_ONLY', 'FORBIDDEN');
  const last = pageCount !== null && page >= pageCount;
  const scroller = useRef<HTMLDivElement>(null);
  const marker = useRef<HTMLDivElement>(null);

  // The page is shown in a box of its own: bring the marked place into it, a third from its top.
  useEffect(() => {
    const s = scroller.current;
    const m = marker.current;
    if (!s || !m) return;
    s.scrollTop = Math.max(0, m.offsetTop - s.clientHeight / 3);
    s.scrollLeft = Math.max(0, m.offsetLeft - s.clientWidth / 3);
  }, [box, page, url]);

  return (
    <section className="panel invoice-image" aria-labelledby="invoice-image-title">
      <div className="row invoice-image-head">
        <h2 id="invoice-image-title">
          {pageCount === null
            ? t('page.title', { n: page })
            : t('page.titleOf', { n: page, of: pageCount })}
        </h2>
        <span className="grow" />
        <button
          type="button"
          className="btn small"
          disabled={page <= 1}
          aria-keyshortcuts="PageUp"
          onClick={() => onPage(page - 1)}
        >
          {t('page.previous')} <kbd>PgUp</kbd>
        </button>
        <button
          type="button"
          className="btn small"
          disabled={last}
          aria-keyshortcuts="PageDown"
          onClick={() => onPage(page + 1)}
        >
          {t('page.next')} <kbd>PgDn</kbd>
        </button>
      </div>
      {notHere ? (
        <Notice kind="info">{t('page.notHere')}</Notice>
      ) : (
        <ErrorBanner error={image.error} />
      )}
      {url && size && (
        <div
          ref={scroller}
          className="invoice-scroll"
          role="region"
          aria-label={t('page.alt', { n: page })}
          tabIndex={0}
        >
          <div className="invoice-sheet" data-page={page} aria-busy={image.loading}>
            <img src={url} alt={t('page.alt', { n: page })} />
            {box && (
              <div
                ref={marker}
                className="invoice-mark"
                data-mark
                aria-hidden="true"
                // Shares of the page, so the mark sits on the words at any size.
                style={{
                  left: `${(box.x / size.width) * 100}%`,
                  top: `${(box.y / size.height) * 100}%`,
                  width: `${(box.w / size.width) * 100}%`,
                  height: `${(box.h / size.height) * 100}%`,
                }}
              />
            )}
          </div>
        </div>
      )}
      {reading && (
        // The words as read, row by row: what the rules and the model saw, for a person to read
        // (or a screen reader to say) when the picture is hard to make out.
        <details className="invoice-text">
          <summary>{t('page.text')}</summary>
          <pre tabIndex={0}>{reading.text}</pre>
        </details>
      )}
    </section>
  );
}
