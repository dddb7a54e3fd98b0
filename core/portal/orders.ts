// The portal's two uses of other aggregates (decision 0034): a customer's request for an order,
// which its rep or branch confirms, and the delivery note of a delivered order.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { DomainError } from '../errors';
import { placeCustomerOrder } from '../field/orders';
import { deliveryNotePdf } from '../trips/delivery-note';
import type { PortalCustomer } from './access';
import type { PortalOrderDetail } from './queries';

/** Orders a customer may have asked for that nobody has confirmed yet. */
export const MAX_WAITING_REQUESTS = 10;

export interface PortalOrderInput {
  lines: { variantId: string; quantity: number }[];
  note?: string | undefined;
}

/**
 * Asks for an order at the customer's branch, for the customer's rep: it is 'requested' until
 * the rep or the branch confirms it (core/field decides its holds and number).
 */
export function portalPlaceOrder(ctx: Context, customer: PortalCustomer, input: PortalOrderInput) {
  // Each request takes a number and waits for a person: a customer's sign-in (or whoever holds
  // it) cannot bury the branch in them.
  const waiting = z
    .number()
    .parse(
      ctx.db.sqlite
        .prepare(
          `SELECT count(*) FROM customer_orders WHERE customer_id = ? AND status = 'requested'`,
        )
        .pluck()
        .get(customer.id),
    );
  if (waiting >= MAX_WAITING_REQUESTS)
    throw new DomainError(
      'INVALID_STATE',
      `You have ${waiting} orders waiting for the shop to confirm them. Once it has (or has called you about them), you can ask for more.`,
    );
  return placeCustomerOrder(
    ctx,
    {
      customerId: customer.id,
      lines: input.lines,
      ...(input.note !== undefined && { note: input.note }),
    },
    'portal',
  );
}

/** The delivery note (PDF, with the signature) of one of the customer's delivered orders. */
export async function portalDeliveryNote(ctx: Context, order: PortalOrderDetail) {
  if (!order.deliveryNote)
    throw new DomainError(
      'INVALID_STATE',
      `orderId: order ${order.number} is not delivered yet, so it has no delivery note.`,
      { field: 'orderId' },
    );
  const pdf = await deliveryNotePdf(ctx.db, ctx.files, order.id);
  return { fileName: `${order.number}-delivery-note.pdf`, base64: pdf.toString('base64') };
}
