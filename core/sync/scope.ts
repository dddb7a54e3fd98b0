// Which branches may see an event. Head-office devices see everything; others pull only
// events whose scope names their branch. Computed once, when the server receives the event.
import { z } from 'zod';
import type { WireEvent } from './protocol';

export type Scope = { all: true } | { all: false; branches: string[] };

/** Master data every branch needs to work offline (sign in, order, price). */
const everywhere = new Set([
  'branch.saved',
  'device.registered',
  'user.saved',
  'product.saved',
  'variant.saved',
]);

const withBranch = z.object({ branchId: z.string() });
const transfer = z.object({ fromBranchId: z.string(), toBranchId: z.string() });
const placed = z.object({ shopId: z.string(), factoryId: z.string() });

/** Branches named by the event itself, for types that start or stand alone. */
function namedBranches(event: WireEvent): string[] | null {
  const p = event.payload;
  switch (event.type) {
    case 'order.placed': {
      const r = placed.safeParse(p);
      return r.success ? [r.data.shopId, r.data.factoryId] : null;
    }
    case 'stock.transferred': {
      const r = transfer.safeParse(p);
      return r.success ? [r.data.fromBranchId, r.data.toBranchId] : null;
    }
    case 'stock.adjusted':
    case 'production.recorded':
    case 'sale.recorded':
    case 'customer.saved': {
      const r = withBranch.safeParse(p);
      return r.success ? [r.data.branchId] : null;
    }
    default:
      return null;
  }
}

/**
 * The scope of an event, and (for an event that starts an aggregate) the branches later events
 * of the same aggregate inherit. `aggregateBranches` looks up what an earlier event registered.
 */
export function scopeOf(
  event: WireEvent,
  aggregateBranches: (aggregateId: string) => string[] | null,
): { scope: Scope; register: string[] | null } {
  if (everywhere.has(event.type)) return { scope: { all: true }, register: null };
  const named = namedBranches(event);
  const inherited = event.aggregateId ? aggregateBranches(event.aggregateId) : null;
  const branches = [...new Set([event.branchId, ...(named ?? []), ...(inherited ?? [])])].sort();
  const register = named && event.aggregateId && !inherited ? branches : null;
  return { scope: { all: false, branches }, register };
}
