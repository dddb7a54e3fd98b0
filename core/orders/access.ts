import type { Context } from '../contract/context';
import { actsForAnyBranch, requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import { loadOrder, type OrderHead } from './status';

/** A shop's staff see and act on their shop's orders, the factory's on orders addressed to it. */
export function canSeeOrder(ctx: Context, order: Pick<OrderHead, 'shopId' | 'factoryId'>): boolean {
  const actor = requireActor(ctx);
  return (
    actsForAnyBranch(actor) || actor.branchId === order.shopId || actor.branchId === order.factoryId
  );
}

export function orderInScope(
  ctx: Context,
  orderId: string,
  side: 'shop' | 'factory' | 'any' = 'any',
): OrderHead {
  const order = loadOrder(ctx.db, orderId);
  const actor = requireActor(ctx);
  const ok =
    actsForAnyBranch(actor) ||
    (side !== 'factory' && actor.branchId === order.shopId) ||
    (side !== 'shop' && actor.branchId === order.factoryId);
  if (!ok) {
    if (!canSeeOrder(ctx, order))
      throw new DomainError(
        'NOT_FOUND',
        'orderId: no such order (it may not have synced to this PC yet)',
        { field: 'orderId' },
      );
    throw new DomainError(
      'FORBIDDEN',
      `Order ${order.number} is handled by the ${side === 'shop' ? 'shop that placed it' : 'factory'}, not by your branch.`,
    );
  }
  return order;
}
