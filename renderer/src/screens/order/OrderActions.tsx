// The next step of an order, for the person looking at it: only what their role may do, for
// orders of their own branch (the core refuses the rest anyway).
import { useState } from 'react';
import { useAction, useClient, useUser } from '../../app-context';
import type { OrderStatus, OutputOf } from '../../client';
import { ErrorBanner } from '../../components/Banner';
import { TextField } from '../../components/Field';
import { SlipUpload } from '../../components/SlipUpload';
import { SlipView } from '../../components/SlipView';
import { actsForAnyBranch, can } from '../../roles';
import { DeliveryForm } from './DeliveryForm';
import { DispatchForm } from './DispatchForm';
import { PaymentReview } from './PaymentReview';

type Order = OutputOf<'orders.get'>;

const nextStep: Record<OrderStatus, string> = {
  placed: 'The shop attaches the payment slip.',
  slip_attached: 'Finance verifies or rejects the payment.',
  payment_verified: 'The factory dispatches the goods.',
  dispatched: 'The shop confirms what arrived.',
  delivered: 'Nothing: the order is complete.',
  cancelled: 'Nothing: place a new order if the goods are still needed.',
};

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
  const cancel =
    can(user, 'orders.cancel') &&
    (user.role === 'admin'
      ? s === 'placed' || s === 'slip_attached' || s === 'payment_verified'
      : (s === 'placed' || s === 'slip_attached') && ours(order.shopId));

  return (
    <section className="panel actions" aria-label="Next step">
      <header className="panel-head">
        <h2>Next step</h2>
        <p className="muted">{nextStep[s]}</p>
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
