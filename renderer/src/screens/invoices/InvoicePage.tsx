// One supplier invoice: its state, who uploaded it where, the file to download, and, at head
// office, the review beside the page (Read again asks head office to read it anew). A posted
// invoice is shown as posted, with Reverse; a branch PC says where it is reviewed. Esc goes back.
import { useEffect, useRef, useState } from 'react';
import { useAction, useClient, useQuery, useUser } from '../../app-context';
import { ErrorBanner, Notice } from '../../components/Banner';
import { DetailPage, useDetailPage } from '../../components/DetailPage';
import { Dialog } from '../../components/Dialog';
import { TextField } from '../../components/Field';
import { date, dateTime, fileSize } from '../../format';
import { download } from '../../files';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { moneyIn } from '../purchasing/shared';
import { statusText } from './status';
import { Posted } from './Posted';
import { Review } from './Review';

export function InvoicePage({ invoiceId, onBack }: { invoiceId: string; onBack(): void }) {
  const t = useT('invoices');
  const client = useClient();
  const user = useUser();
  const page = useDetailPage('invoice-page');
  const [reversing, setReversing] = useState(false);
  const found = useQuery(() => client.call('invoices.get', { invoiceId }), [invoiceId, page.tick]);
  const action = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  const data = found.data;
  const inv = data?.invoice;
  const loaded = inv !== undefined;
  const mayPost = can(user, 'invoices.post');

  useEffect(() => {
    if (loaded) heading.current?.focus();
  }, [loaded]);

  // Head office reads an uploaded file within seconds: look again until it has.
  const waiting = inv?.status === 'uploaded';
  const { reload } = page;
  useEffect(() => {
    if (!waiting) return;
    const timer = window.setInterval(reload, 3000);
    return () => window.clearInterval(timer);
  }, [waiting, reload]);

  const readAgain = async () => {
    const done = await action.run(() => client.call('invoices.read', { invoiceId }));
    if (done)
      page.changed(done.status === 'read' ? 'page.readAgainDone' : 'page.readAgainUnreadable');
  };
  const save = async () => {
    const file = await action.run(() => client.call('invoices.file', { invoiceId }));
    if (file) download(file);
  };

  const open = inv !== undefined && inv.status !== 'posted' && inv.status !== 'reversed';
  return (
    <DetailPage
      pageClass="invoice-page"
      headingId="invoice-title"
      headingRef={heading}
      title={
        inv?.number
          ? t('page.heading', { number: inv.number })
          : t('page.headingFile', { name: inv?.originalName ?? '' })
      }
      subtitle={
        inv && (
          <>
            <span className={`badge invoice-${inv.status}`} data-testid="invoice-status">
              {statusText(t, inv.status)}
            </span>{' '}
            {inv.supplierName ?? ''}
          </>
        )
      }
      back={t('back')}
      onBack={onBack}
      // What was done is kept as its words' key, so a newly chosen language says it again.
      said={page.said && t(page.said)}
      error={found.error}
    >
      {inv && (
        <>
          <dl className="facts invoice-facts">
            <dt>{t('facts.file')}</dt>
            <dd>
              {inv.originalName ?? '—'}
              {inv.size !== null && <span className="muted"> · {fileSize(inv.size)}</span>}
            </dd>
            <dt>{t('facts.uploaded')}</dt>
            <dd>
              {inv.uploadedAt !== null ? dateTime(inv.uploadedAt) : '—'}
              {inv.uploadedByName && ` · ${inv.uploadedByName}`}
              {inv.branchName && ` · ${inv.branchName}`}
            </dd>
            {inv.readAt !== null && (
              <>
                <dt>{t('facts.read')}</dt>
                <dd>{dateTime(inv.readAt)}</dd>
              </>
            )}
            {inv.invoiceDate && (
              <>
                <dt>{t('facts.date')}</dt>
                <dd>{date(inv.invoiceDate)}</dd>
              </>
            )}
            {inv.total !== null && inv.currencyCode && (
              <>
                <dt>{t('facts.total')}</dt>
                <dd data-fact="total">{moneyIn(inv.total, inv.currencyCode)}</dd>
              </>
            )}
          </dl>
          {inv.status === 'uploaded' && <Notice kind="info">{t('page.waiting')}</Notice>}
          {inv.status === 'unreadable' && (
            <Notice kind="warning">
              <span data-testid="unreadable">
                {t('page.unreadable', { why: inv.readError ?? '' })}
              </span>
            </Notice>
          )}
          <div className="form-actions invoice-actions">
            <button
              type="button"
              className="btn"
              disabled={action.busy}
              onClick={() => void save()}
            >
              {t('page.download')}
            </button>
            {mayPost && open && (
              <button
                type="button"
                className="btn"
                disabled={action.busy}
                data-read-again
                onClick={() => void readAgain()}
              >
                {action.busy ? t('page.reading') : t('page.readAgain')}
              </button>
            )}
            {mayPost && inv.status === 'posted' && (
              <button
                type="button"
                className="btn danger-outline"
                data-reverse
                onClick={() => setReversing(true)}
              >
                {t('reverse.button')}
              </button>
            )}
          </div>
          <ErrorBanner error={action.error} />
          {data && !open && <Posted found={data} />}
          {data && open && mayPost && inv.status !== 'uploaded' && (
            <Review
              key={`${inv.readAt ?? 0}`}
              found={data}
              onPosted={() => page.changed('review.posted')}
            />
          )}
          {data && open && !mayPost && <Notice kind="info">{t('page.headOffice')}</Notice>}
        </>
      )}
      {reversing && (
        <ReverseDialog
          invoiceId={invoiceId}
          onClose={() => setReversing(false)}
          onReversed={() => {
            setReversing(false);
            page.changed('reverse.done');
          }}
        />
      )}
    </DetailPage>
  );
}

function ReverseDialog({
  invoiceId,
  onClose,
  onReversed,
}: {
  invoiceId: string;
  onClose(): void;
  onReversed(): void;
}) {
  const t = useT('invoices');
  const client = useClient();
  const action = useAction();
  const [reason, setReason] = useState('');
  const submit = async () => {
    const done = await action.run(() => client.call('invoices.reverse', { invoiceId, reason }));
    if (done) onReversed();
  };
  return (
    <Dialog title={t('reverse.title')} onClose={onClose}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>{t('reverse.intro')}</p>
        <TextField
          label={t('reverse.reason')}
          name="reason"
          error={action.error}
          autoFocus
          autoComplete="off"
          value={reason}
          onChange={setReason}
        />
        <ErrorBanner error={action.error} shown={['reason']} />
        <div className="form-actions">
          <button type="submit" className="btn danger" disabled={action.busy} data-confirm-reverse>
            {t('reverse.confirm')} <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={onClose}>
            {t('reverse.keep')} <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    </Dialog>
  );
}
