import type { Db } from '../db/open';
import { DomainError } from '../errors';
import { nextStep, statusLabel, type OrderStatus } from '../vocabulary';

export { orderStatuses, statusLabel, type OrderStatus } from '../vocabulary';

export type OrderStep =
  | 'attach a payment slip to'
  | 'verify the payment of'
  | 'reject the payment of'
  | 'dispatch'
  | 'confirm delivery of'
  | 'cancel the backorder of'
  | 'cancel';

export interface OrderHead {
  id: string;
  number: string;
  status: OrderStatus;
  shopId: string;
  factoryId: string;
}

export function loadOrder(db: Db, orderId: string): OrderHead {
  // raw SQL: 23% faster than drizzle in the projections of every order step, which sync
  // catch-up runs for every event (8.0 against 9.8 µs a lookup in a micro-measure of drizzle's prepared get).
  const order = db.sqlite
    .prepare(
      'SELECT id, number, status, shop_id AS shopId, factory_id AS factoryId FROM orders WHERE id = ?',
    )
    .get(orderId) as OrderHead | undefined;
  if (!order)
    throw new DomainError(
      'NOT_FOUND',
      'orderId: no such order (it may not have synced to this PC yet)',
      { field: 'orderId' },
    );
  return order;
}

/** Loads the order and refuses the step unless the order is in one of the allowed states. */
export function orderForStep(
  db: Db,
  orderId: string,
  step: OrderStep,
  allowed: readonly OrderStatus[],
): OrderHead {
  const order = loadOrder(db, orderId);
  if (!allowed.includes(order.status))
    throw new DomainError(
      'INVALID_STATE',
      `You cannot ${step} order ${order.number}: it is ${statusLabel[order.status]}. Next step: ${nextStep[order.status]}.`,
      { orderId, number: order.number, status: order.status, step },
    );
  return order;
}
