// What the signed-in person may do on this PC: their role's permissions, less those whose every
// event only head office may cause when this PC is enrolled with one (derived from the registry).
import { enrolledBranchKind } from '../branches/device';
import type { Context } from '../contract/context';
import { requireActor } from '../contract/scope';
import { allEventDefs } from '../events/registry';
import { permissions, roleHas, type Permission } from '../vocabulary';

const allPermissions = Object.keys(permissions).filter((p): p is Permission => p in permissions);

export function mayDo(ctx: Context): Permission[] {
  const actor = requireActor(ctx);
  const kind = enrolledBranchKind(ctx.db, ctx.device);
  return allPermissions.filter((permission) => {
    if (!roleHas(actor.role, permission)) return false;
    if (kind === null) return true;
    const events = allEventDefs.filter((d) => d.authority.permission === permission);
    return events.length === 0 || events.some((d) => d.authority.from.some((k) => k === kind));
  });
}

/**
 * Whether the signed-in person's admin-only steps (cancelling an order whose payment is verified)
 * count on this PC: for an admin where no head office judges the PC (head office's own console,
 * a PC set up on its own). At an enrolled branch PC a device token cannot prove an admin
 * (docs/decisions/0009-event-authority.md): head office would refuse the step, so it is made at
 * head office's console.
 */
export const adminStepsHere = (ctx: Context): boolean =>
  requireActor(ctx).role === 'admin' && enrolledBranchKind(ctx.db, ctx.device) === null;
