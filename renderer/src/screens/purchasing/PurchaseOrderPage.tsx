// One purchase order: who it is from and for, its status (and who gave the first approval while a
// second is awaited), its lines with the nightly run's reasons, the draft's changes, approval,
// closing, the PDF, receiving at the branch, what was received, and its timeline. Esc goes back to
// the list. An order in another currency shows its rate, or that it has none yet.
import { useEffect, useRef, useState } from 'react';
import { useClient, useQuery, useUser } from '../../app-context';
import { Notice } from '../../components/Banner';
import { DetailPage, useDetailPage } from '../../components/DetailPage';
import { companyCurrency, dateTime, money } from '../../format';
import { useT } from '../../i18n';
import { can } from '../../roles';
import { DraftEditor } from './DraftEditor';
import { OrderActions } from './OrderActions';
import { ReadLines, type Order } from './OrderLines';
import { Receipts } from './Receipts';
import { ReceiveForm } from './ReceiveForm';
import { focusSoon, moneyIn, statusWord } from './shared';

function Facts({ order }: { order: Order }) {
  const t = useT('purchasing');
  return (
    <dl className="facts" data-testid="po-facts">
      <dt>{t('po.status')}</dt>
      <dd data-fact="status" data-status={order.status}>
        {statusWord(t, order.status)}
      </dd>
      <dt>{t('po.supplier')}</dt>
      <dd data-fact="supplier">{order.supplierName}</dd>
      <dt>{t('po.branch')}</dt>
      <dd>
        {order.branchCode} · {order.branchName}
      </dd>
      <dt>{t('po.total')}</dt>
      <dd data-fact="total">
        {moneyIn(order.total, order.currencyCode)}
        {order.rate !== null && (
          <span className="muted">
            {' '}
            {t('po.inCompany', { amount: money(order.totalCompany), rate: order.rate })}
          </span>
        )}
      </dd>
      {order.currencyCode !== companyCurrency().code && (
        <>
          <dt>{t('po.rate')}</dt>
          <dd data-fact="rate">
            {order.rate === null
              ? t('po.noRate')
              : t('po.rateText', {
                  rate: order.rate,
                  company: companyCurrency().code,
                  currency: order.currencyCode,
                })}
          </dd>
        </>
      )}
      <dt>{t('po.source')}</dt>
      <dd>{t(`po.sources.${order.source}`)}</dd>
      <dt>{t('po.created')}</dt>
      <dd>{dateTime(order.createdAt)}</dd>
      {order.approvedAt !== null && (
        <>
          <dt>{t('po.approvedAt')}</dt>
          <dd>{dateTime(order.approvedAt)}</dd>
        </>
      )}
      {order.note && (
        <>
          <dt>{t('po.note')}</dt>
          <dd>{order.note}</dd>
        </>
      )}
      {order.closedReason && (
        <>
          <dt>{t('po.closedReason')}</dt>
          <dd>{order.closedReason}</dd>
        </>
      )}
    </dl>
  );
}

export function PurchaseOrderPage({ orderId, onBack }: { orderId: string; onBack(): void }) {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const page = useDetailPage('purchase-order');
  /** An approval refused for want of something the draft's form holds (its rate). */
  const [approvalError, setApprovalError] = useState<unknown>(undefined);
  const found = useQuery(() => client.call('purchases.get', { id: orderId }), [orderId, page.tick]);
  const heading = useRef<HTMLHeadingElement>(null);
  const order = found.data;
  const loaded = order !== undefined;

  // Opened: the focus goes to the heading, unless the receiving form took it for the first box.
  useEffect(() => {
    if (!loaded) return;
    const page = heading.current?.closest('.purchase-order');
    if (!page?.contains(document.activeElement)) heading.current?.focus();
  }, [loaded]);

  const changed = (message: string) => {
    setApprovalError(undefined);
    page.changed(message);
  };

  const firstApprover =
    order?.status === 'awaiting_second'
      ? ([...order.timeline].reverse().find((s) => s.step === 'first_approval')?.by ?? '—')
      : null;
  const editable =
    order !== undefined &&
    can(user, 'purchasing.manage') &&
    (order.status === 'draft' || order.status === 'awaiting_second');
  const receivable =
    order !== undefined &&
    can(user, 'purchasing.receive') &&
    (order.status === 'approved' || order.status === 'partly_received');

  return (
    <DetailPage
      pageClass="purchase-order"
      headingId="po-title"
      headingRef={heading}
      title={
        order?.number
          ? t('po.title', { number: order.number })
          : t('po.draftTitle', { supplier: order?.supplierName ?? '' })
      }
      subtitle={order && `${order.supplierName} → ${order.branchName}`}
      back={t('back')}
      onBack={onBack}
      said={page.said}
      error={found.error}
    >
      {order && (
        <>
          {firstApprover !== null && (
            <Notice kind="warning">
              <span data-testid="awaiting-second">
                {t('po.awaitingSecond', { name: firstApprover })}
              </span>
            </Notice>
          )}
          <Facts order={order} />
          {editable ? (
            <DraftEditor
              key={`${order.id}-${order.updatedAt}`}
              order={order}
              approvalError={approvalError}
              onSaved={() => changed(t('draft.saved'))}
            />
          ) : (
            <ReadLines order={order} />
          )}
          <OrderActions
            order={order}
            onDone={changed}
            formFields={editable ? ['rate'] : []}
            onRefused={(error) => {
              setApprovalError(error);
              if (editable) focusSoon('.purchase-order [aria-invalid="true"]');
            }}
          />
          {receivable && (
            <ReceiveForm
              key={`${order.id}-${order.updatedAt}`}
              order={order}
              onReceived={() => changed(t('receive.done'))}
            />
          )}
          <Receipts order={order} />
          <section className="panel" aria-labelledby="po-timeline-title">
            <h2 id="po-timeline-title">{t('po.timeline')}</h2>
            <ol className="timeline">
              {order.timeline.map((s, i) => (
                <li key={i} className={`step-${s.step}`}>
                  <span className="muted">{dateTime(s.at)}</span>
                  <span>
                    {t(`steps.${s.step}`)}
                    {s.by && ` · ${s.by}`}
                    {s.note && ` · ${s.note}`}
                  </span>
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </DetailPage>
  );
}
