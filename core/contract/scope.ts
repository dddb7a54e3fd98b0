import { crossBranchRoles } from '../vocabulary';
import { DomainError } from '../errors';
import type { Actor, Context, DeviceIdentity } from './context';

export function requireActor(ctx: Pick<Context, 'actor'>): Actor {
  if (!ctx.actor) throw new DomainError('UNAUTHENTICATED', 'Sign in first.');
  return ctx.actor;
}

export function requireDevice(ctx: Context): DeviceIdentity {
  if (!ctx.device)
    throw new DomainError(
      'INVALID_STATE',
      'This PC is not set up yet. Finish the first-run setup, then try again.',
    );
  return ctx.device;
}

export const actsForAnyBranch = (actor: Actor) => crossBranchRoles.includes(actor.role);

/** Staff of a branch act for that branch only; head-office roles act for all. */
export function assertBranchAccess(ctx: Context, branchId: string, what: string): void {
  const actor = requireActor(ctx);
  if (actsForAnyBranch(actor) || actor.branchId === branchId) return;
  throw new DomainError(
    'FORBIDDEN',
    `You work for another branch and cannot ${what} for this one.`,
    { branchId },
  );
}
