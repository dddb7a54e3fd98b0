// What may be done to a purchase order as a whole: approve it (above the company's limit a second
// person must approve too: the core refuses the first approver and the last editor), close it with
// a reason, and download its PDF once it has a number.
import { useState } from 'react';
import { useAction, useClient, useUser } from '../../app-context';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { fieldMessage } from '../../errors';
import { useT } from '../../i18n';
import { can } from '../../roles';
import type { Order } from './OrderLines';
import { download } from '../../files';
import { focusSoon } from './shared';

export function OrderActions({
  order,
  onDone,
  formFields = [],
  onRefused,
}: {
  order: Order;
  onDone(said: string): void;
  /** Fields of the draft's form above, where a refusal about them is shown instead of here. */
  formFields?: readonly string[];
  onRefused?(error: unknown): void;
}) {
  const t = useT('purchasing');
  const client = useClient();
  const user = useUser();
  const approving = useAction();
  const closing = useAction();
  const pdf = useAction();
  const [closeOpen, setCloseOpen] = useState(false);
  const [reason, setReason] = useState('');
  const openStatus = order.status !== 'received' && order.status !== 'closed';
  const mayApprove =
    can(user, 'purchasing.approve') &&
    (order.status === 'draft' || order.status === 'awaiting_second');
  const mayClose = can(user, 'purchasing.manage') && openStatus;
  const hasPdf = order.number !== null && order.approvedAt !== null;
  if (!mayApprove && !mayClose && !hasPdf) return null;

  const approve = async () => {
    let refusal: unknown;
    const done = await approving.run(() =>
      client.call('purchases.approve', { id: order.id }).catch((e: unknown) => {
        refusal = e;
        throw e;
      }),
    );
    if (!done) {
      onRefused?.(refusal);
      if (!formFields.some((f) => fieldMessage(refusal, f))) focusSoon('[data-approve]');
      return;
    }
    onDone(
      done.awaitingSecond
        ? t('actions.firstApproved')
        : t('actions.approved', { number: done.number ?? '' }),
    );
  };
  const close = async () => {
    const done = await closing.run(() => client.call('purchases.close', { id: order.id, reason }));
    if (!done) return;
    setCloseOpen(false);
    onDone(t('actions.closed'));
  };
  const downloadPdf = async () => {
    const file = await pdf.run(() => client.call('purchases.pdf', { id: order.id }));
    if (file) download(file);
  };

  return (
    <section className="panel" aria-labelledby="po-actions-title">
      <h2 id="po-actions-title">{t('actions.title')}</h2>
      <ErrorBanner error={approving.error ?? pdf.error} shown={formFields} />
      <div className="doc-actions">
        {mayApprove && (
          <button
            type="button"
            className="btn primary"
            data-approve
            disabled={approving.busy}
            onClick={() => void approve()}
          >
            {order.status === 'awaiting_second' ? t('actions.approveSecond') : t('actions.approve')}
          </button>
        )}
        {hasPdf && (
          <button
            type="button"
            className="btn"
            disabled={pdf.busy}
            aria-busy={pdf.busy}
            onClick={() => void downloadPdf()}
          >
            {t('actions.pdf')}
          </button>
        )}
        {mayClose && !closeOpen && (
          <button
            type="button"
            className="btn"
            onClick={() => {
              setCloseOpen(true);
              focusSoon('[data-field="reason"] input');
            }}
          >
            {t('actions.close')}
          </button>
        )}
      </div>
      {closeOpen && (
        <form
          className="toolbar wrap"
          aria-label={t('actions.closeTitle')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void close();
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              setCloseOpen(false);
            }
          }}
        >
          <TextField
            label={t('actions.reason')}
            name="reason"
            error={closing.error}
            hint={t('actions.reasonHint')}
            autoComplete="off"
            value={reason}
            onChange={setReason}
          />
          <div className="form-actions">
            <button type="submit" className="btn danger" disabled={closing.busy}>
              {t('actions.closeConfirm')} <kbd>Enter</kbd>
            </button>
            <button type="button" className="btn" onClick={() => setCloseOpen(false)}>
              {t('cancel')} <kbd>Esc</kbd>
            </button>
          </div>
          <ErrorBanner error={closing.error} shown={['reason']} />
        </form>
      )}
    </section>
  );
}
