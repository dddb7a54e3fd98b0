// Which branches may see an event, derived from its type's declared visibility. Head-office
// devices see everything; others pull only events whose scope names their branch. Computed once,
// when the server receives the event.
import { eventDef } from '../events/emit';
import type { WireEvent } from './protocol';

export type Scope = { all: true } | { all: false; branches: string[] };

/** The branches a payload names; none for a payload too damaged to name any. */
function namedBy(branches: (payload: unknown) => string[], payload: unknown): string[] | null {
  try {
    return branches(payload);
  } catch {
    return null;
  }
}

/**
 * The scope of an event, and (for an event that starts an aggregate) the branches later events
 * of the same aggregate inherit. `aggregateBranches` looks up what an earlier event registered.
 * The payload must have been parsed with its type's schema.
 */
export function scopeOf(
  event: WireEvent,
  aggregateBranches: (aggregateId: string) => string[] | null,
): { scope: Scope; register: string[] | null } {
  const visibility = eventDef(event.type)?.visibility;
  if (visibility?.everywhere) {
    const parties = visibility.parties ? namedBy(visibility.parties, event.payload) : null;
    const inherited = event.aggregateId ? aggregateBranches(event.aggregateId) : null;
    const register =
      parties && event.aggregateId && !inherited
        ? [...new Set([event.branchId, ...parties])].sort()
        : null;
    return { scope: { all: true }, register };
  }
  const named =
    visibility && 'branches' in visibility ? namedBy(visibility.branches, event.payload) : null;
  const inherited = event.aggregateId ? aggregateBranches(event.aggregateId) : null;
  const branches = [...new Set([event.branchId, ...(named ?? []), ...(inherited ?? [])])].sort();
  const register = named && event.aggregateId && !inherited ? branches : null;
  return { scope: { all: false, branches }, register };
}
