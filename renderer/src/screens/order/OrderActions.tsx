// The next step of an order, for the person looking at it: only what their role may do, for
// orders of their own branch (the core refuses the rest anyway).
import { useState } from 'react';
import { useAction, useClient, useUser } from '../../app-context';
import type { OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { SlipUpload } from '../../components/SlipUpload';
import { SlipView } from '../../components/SlipView';
import { actsForAnyBranch, can } from '../../roles';
import { DeliveryForm } from './DeliveryForm';
import { DispatchForm } from './DispatchForm';
import { PaymentReview } from './PaymentReview';
import { useT } from '../../i18n';
import { nextStep, sentence } from '../../../../core/vocabulary';

type Order = OutputOf<'orders.get'>;

export function OrderActions({
  order,
  onChanged,
}: {
  order: Order;
  /** The order moved on; `said` is what to tell the clerk, when the step says it. */
  onChanged(said?: string): void;
}) {
  const user = useUser();
  const t = useT('orders');
  const ours = (branchId: string) => actsForAnyBranch(user.role) || user.branchId === branchId;
  const s = order.status;
  const attach =
    (s === 'placed' || s === 'slip_attached') &&
    can(user, 'orders.attachSlip') &&
    ours(order.shopId);
  const verify = s === 'slip_attached' && can(user, 'orders.verifyPayment');
  const factoryHere = can(user, 'orders.dispatch') && ours(order.factoryId);
  // The rest of a partial dispatch (a backorder) goes later, or is cancelled with a reason.
  const backorder = (s === 'dispatched' || s === 'delivered') && order.backordered > 0;
  const dispatch = factoryHere && (s === 'payment_verified' || backorder);
  const cancelRest = factoryHere && backorder;
  const deliver = s === 'dispatched' && can(user, 'orders.receive') && ours(order.shopId);
  const beforePayment = s === 'placed' || s === 'slip_attached';
  // A verified order is cancelled only by an admin where the core says admin steps count
  // (auth.me's adminSteps): at an enrolled branch PC head office would refuse it.
  const cancel =
    can(user, 'orders.cancel') &&
    (user.role === 'admin'
      ? beforePayment || (s === 'payment_verified' && user.adminSteps)
      : beforePayment && ours(order.shopId));
  const cancelAtHeadOffice =
    s === 'payment_verified' && user.role === 'admin' && can(user, 'orders.cancel') && !cancel;

  // Say only what this person may do, or whom they wait for: a sales rep is never told to
  // attach a slip, a driver never shown a step that is not theirs.
  const hint =
    user.role === 'driver'
      ? t('hint.driver')
      : s === 'placed' && !attach
        ? t('hint.waitSlip')
        : `${sentence(nextStep[s])}.`;
  const anything = attach || verify || dispatch || deliver || cancel || cancelRest || backorder;
  if (user.role === 'driver' || (!anything && !cancelAtHeadOffice && s !== 'placed'))
    return (
      <section className="panel actions" aria-label={t('actions.next')}>
        <p className="muted">{hint}</p>
      </section>
    );

  return (
    <section className="panel actions" aria-label={t('actions.next')}>
      <header className="panel-head">
        <h2>{t('actions.next')}</h2>
        <p className="muted">{hint}</p>
      </header>
      {backorder && (
        <p className="notice warning" data-backordered={order.backordered}>
          {t('backorder.owed', { n: order.backordered })}
        </p>
      )}
      {verify && (
        <>
          <SlipView orderId={order.id} />
          <PaymentReview
            orderId={order.id}
            total={order.total}
            paid={order.paid}
            onDone={() => onChanged()}
          />
        </>
      )}
      {attach && (
        <>
          <h3>{s === 'slip_attached' ? t('actions.replaceSlip') : t('actions.attachSlip')}</h3>
          <SlipUpload orderId={order.id} onAttached={() => onChanged()} />
        </>
      )}
      {dispatch && <DispatchForm order={order} onDone={onChanged} />}
      {deliver && <DeliveryForm order={order} onDone={() => onChanged()} />}
      {cancelRest && (
        <CancelWithReason what="backorder" orderId={order.id} onDone={() => onChanged()} />
      )}
      {cancel && <CancelWithReason what="order" orderId={order.id} onDone={() => onChanged()} />}
      {cancelAtHeadOffice && <p className="muted">{t('actions.headOffice')}</p>}
    </section>
  );
}

/** A cancel with a reason: the whole order, or only what is still back-ordered. */
function CancelWithReason({
  orderId,
  onDone,
  what,
}: {
  orderId: string;
  onDone(): void;
  what: 'order' | 'backorder';
}) {
  const client = useClient();
  const t = useT('orders');
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction();
  const words = what === 'order' ? 'actions' : 'backorder';
  if (!open)
    return (
      <div className="form-actions">
        <button type="button" className="btn danger-outline" onClick={() => setOpen(true)}>
          {t(`${words}.cancel`)}
        </button>
      </div>
    );
  return (
    <form
      className="cancel-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void action
          .run(() =>
            client.call(what === 'order' ? 'orders.cancel' : 'orders.cancelBackorder', {
              orderId,
              reason,
            }),
          )
          .then((ok) => ok && onDone());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          setOpen(false);
        }
      }}
    >
      <ErrorBanner error={action.error} shown={['reason']} />
      <TextField
        label={t(`${words}.reason`)}
        name="reason"
        error={action.error}
        autoFocus
        value={reason}
        onChange={setReason}
      />
      <div className="form-actions">
        <button type="submit" className="btn danger" disabled={action.busy}>
          {t(`${words}.cancelNow`)} <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          {t(`${words}.keep`)} <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
