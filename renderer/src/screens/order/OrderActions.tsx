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
import { nextStep, sentence } from '../../../../core/vocabulary';

type Order = OutputOf<'orders.get'>;

export function OrderActions({ order, onChanged }: { order: Order; onChanged(): void }) {
  const user = useUser();
  const ours = (branchId: string) => actsForAnyBranch(user.role) || user.branchId === branchId;
  const s = order.status;
  const attach =
    (s === 'placed' || s === 'slip_attached') &&
    can(user, 'orders.attachSlip') &&
    ours(order.shopId);
  const verify = s === 'slip_attached' && can(user, 'orders.verifyPayment');
  const dispatch =
    s === 'payment_verified' && can(user, 'orders.dispatch') && ours(order.factoryId);
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

  return (
    <section className="panel actions" aria-label="Next step">
      <header className="panel-head">
        <h2>Next step</h2>
        <p className="muted">{sentence(nextStep[s])}.</p>
      </header>
      {verify && (
        <>
          <SlipView orderId={order.id} />
          <PaymentReview orderId={order.id} onDone={onChanged} />
        </>
      )}
      {attach && (
        <>
          <h3>{s === 'slip_attached' ? 'Replace the payment slip' : 'Attach the payment slip'}</h3>
          <SlipUpload orderId={order.id} onAttached={onChanged} />
        </>
      )}
      {dispatch && <DispatchForm order={order} onDone={onChanged} />}
      {deliver && <DeliveryForm order={order} onDone={onChanged} />}
      {cancel && <CancelOrder orderId={order.id} onDone={onChanged} />}
      {cancelAtHeadOffice && (
        <p className="muted">
          Its payment is verified: an admin cancels it from the head-office console, not from a
          branch PC.
        </p>
      )}
    </section>
  );
}

function CancelOrder({ orderId, onDone }: { orderId: string; onDone(): void }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction();
  if (!open)
    return (
      <div className="form-actions">
        <button type="button" className="btn danger-outline" onClick={() => setOpen(true)}>
          Cancel this order…
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
          .run(() => client.call('orders.cancel', { orderId, reason }))
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
        label="Why is the order cancelled?"
        name="reason"
        error={action.error}
        autoFocus
        value={reason}
        onChange={setReason}
      />
      <div className="form-actions">
        <button type="submit" className="btn danger" disabled={action.busy}>
          Cancel order <kbd>Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          Keep it <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
