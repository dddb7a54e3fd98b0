// A customer's account (decision 0034): payments taken at the branch, and the ledger the balance
// sums. Deliveries and collections on a trip are written by the trip (core/trips).
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { id, money, optionalText } from '../contract/fields';
import { actsForAnyBranch, assertBranchAccess, requireActor } from '../contract/scope';
import { parseRows } from '../db/rows';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { paymentMethods, referencedMethods, roleHas } from '../vocabulary';
import { assertMayServe, requireCustomer } from './orders';
import { customerBalance } from './state';

export const recordCustomerPayment = command({
  access: 'field.collect',
  input: z.object({
    customerId: id,
    amount: money.refine((n) => n > 0, 'must be more than 0'),
    method: z.enum(paymentMethods),
    reference: optionalText(120),
    branchId: id.optional(),
  }),
  handler: (ctx, input) => {
    const customer = requireCustomer(ctx, input.customerId);
    const actor = requireActor(ctx);
    const branchId =
      input.branchId ?? (actsForAnyBranch(actor) ? customer.branchId : actor.branchId);
    assertBranchAccess(ctx, branchId, 'record payments');
    const reference = input.reference || null;
    if (referencedMethods.includes(input.method) && !reference)
      throw validationError([
        {
          field: 'reference',
          message: 'a bank transfer or mobile-money payment needs its transaction reference',
        },
      ]);
    const paymentId = newId(ctx.now());
    emit(ctx, 'customer.payment_recorded', paymentId, {
      paymentId,
      customerId: customer.id,
      branchId,
      amount: input.amount,
      method: input.method,
      reference,
    });
    return { paymentId, balance: customerBalance(ctx.db, customer.id) };
  },
});

const accountRow = z.object({
  eventId: z.string(),
  kind: z.enum(['delivery', 'collection', 'payment', 'return']),
  amount: z.number().int(),
  orderId: z.string().nullable(),
  orderNumber: z.string().nullable(),
  tripId: z.string().nullable(),
  method: z.string().nullable(),
  reference: z.string().nullable(),
  at: z.number().int(),
});

/** Who may read a customer's account: who takes its orders or its money (a rep: their own). */
export function assertMayReadAccount(ctx: Context, customerId: string) {
  const actor = requireActor(ctx);
  if (!roleHas(actor.role, 'field.order') && !roleHas(actor.role, 'field.collect'))
    throw new DomainError(
      'FORBIDDEN',
      "Only people who take customers' orders or money see their accounts.",
    );
  const customer = requireCustomer(ctx, customerId);
  assertMayServe(ctx, customer, 'see their account');
  return customer;
}

export const customerAccountQuery = query({
  access: 'signed-in',
  input: z.object({ customerId: id, limit: z.number().int().min(1).max(1000).default(200) }),
  handler: (ctx, input) => {
    const customer = assertMayReadAccount(ctx, input.customerId);
    const rows = parseRows(
      accountRow,
      ctx.db.sqlite
        .prepare(
          `SELECT a.event_id AS eventId, a.kind, a.amount, a.order_id AS orderId, o.number AS orderNumber,
                  a.trip_id AS tripId, a.method, a.reference, a.at
             FROM customer_account a LEFT JOIN customer_orders o ON o.id = a.order_id
            WHERE a.customer_id = ? ORDER BY a.at DESC, a.id DESC LIMIT ?`,
        )
        .all(customer.id, input.limit),
    );
    return {
      customerId: customer.id,
      name: customer.name,
      creditLimit: customer.creditLimit,
      balance: customerBalance(ctx.db, customer.id),
      rows,
    };
  },
});
