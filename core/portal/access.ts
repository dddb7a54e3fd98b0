// Who the portal's caller is, and whether the portal is open (decision 0034). The customer is
// always the signed-in user's own (users.customer_id), never an input.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { requireActor } from '../contract/scope';
import { parseRow } from '../db/rows';
import { DomainError } from '../errors';
import type { PortalStatus } from './service';

/** The code a refusal carries while the portal is off (decision 0034). */
export const portalOffCode = 'PORTAL_OFF' as const;

const notHere: PortalStatus = {
  on: false,
  reason: 'The customer portal is served by head office only: open it at head office’s address.',
};

/** What head office says of the portal; off on any host without a portal service. */
export const portalStatus = (ctx: Context): PortalStatus =>
  ctx.services?.portal?.status() ?? notHere;

/** Refuses while the portal is off, with the sentence that says what the admin must do. */
export function requirePortalOn(ctx: Context): void {
  const status = portalStatus(ctx);
  if (!status.on)
    throw new DomainError(portalOffCode, status.reason ?? 'The customer portal is off.', {
      portal: 'PORTAL_OFF',
    });
}

const userRow = z.object({ customerId: z.string().nullable() });
const customerRow = z.object({
  id: z.string(),
  name: z.string(),
  branchId: z.string(),
  repId: z.string().nullable(),
  priceListId: z.string().nullable(),
});
export type PortalCustomer = z.infer<typeof customerRow>;

/** The signed-in user's customer (portal open, the user linked to an existing customer). */
export function portalCustomer(ctx: Context): PortalCustomer {
  requirePortalOn(ctx);
  const actor = requireActor(ctx);
  const user = parseRow(
    userRow,
    ctx.db.sqlite
      .prepare('SELECT customer_id AS customerId FROM users WHERE id = ?')
      .get(actor.userId),
  );
  const customer = user?.customerId
    ? parseRow(
        customerRow,
        ctx.db.sqlite
          .prepare(
            'SELECT id, name, branch_id AS branchId, rep_id AS repId, price_list_id AS priceListId FROM customers WHERE id = ?',
          )
          .get(user.customerId),
      )
    : undefined;
  if (!customer)
    throw new DomainError(
      'INVALID_STATE',
      'This sign-in is not linked to a customer. Ask head office to set the customer on your sign-in.',
    );
  return customer;
}

/** The 'signed-in' operations a customer may call (the contract refuses the rest). */
export { customerMayCall } from '../contract/execute';
