// A supervisor's sign-in at the counter, to allow a discount beyond the clerk's limit. The
// supervisor types their own username and password on the clerk's screen; a wrong password counts
// towards their lockout as a sign-in does. The approval lives on this PC for five minutes and is
// spent by the one sale it allowed, whose event records the supervisor (decision 0029).
import { z } from 'zod';
import { action } from '../contract/define';
import type { Context } from '../contract/context';
import { requireActor } from '../contract/scope';
import { DUMMY_HASH, verifyPassword } from '../auth/password';
import { LOCKOUT_MS, MAX_FAILED_LOGINS } from '../auth/sessions';
import { DomainError } from '../errors';
import { newId } from '../ids';
import type { Role } from '../vocabulary';
import { salesSettingsOf } from './settings';

export const APPROVAL_TTL_MS = 5 * 60_000;

export interface Approval {
  userId: string;
  name: string;
  limitBp: number;
  expiresAt: number;
}

const refused = () =>
  new DomainError(
    'APPROVAL_REFUSED',
    'password: the supervisor’s username or password is wrong. The supervisor types their own; the discount waits.',
    { field: 'password' },
  );

export const approveDiscount = action({
  access: 'sales.record',
  input: z.object({
    username: z.string().trim().min(1, 'is required').max(60),
    password: z.string().min(1, 'is required').max(200),
  }),
  handler: async (ctx, input) => {
    const clerk = requireActor(ctx);
    const row = ctx.db.sqlite
      .prepare(
        'SELECT id, display_name AS name, role, branch_id AS branchId, password_hash AS hash, disabled FROM users WHERE username = ?',
      )
      .get(input.username) as
      | { id: string; name: string; role: Role; branchId: string; hash: string; disabled: number }
      | undefined;
    if (!row) {
      await verifyPassword(input.password, DUMMY_HASH);
      throw refused();
    }
    const state = await ctx.sessions.loginState(row.id);
    if (state?.lockedUntil && state.lockedUntil > ctx.now())
      throw new DomainError(
        'ACCOUNT_LOCKED',
        'The supervisor’s account is locked after wrong passwords; try again later.',
      );
    if (!(await verifyPassword(input.password, row.hash))) {
      await ctx.sessions.recordFailedLogin(row.id, ctx.now(), {
        maxAttempts: MAX_FAILED_LOGINS,
        lockMs: LOCKOUT_MS,
      });
      throw refused();
    }
    if (row.disabled || (row.role !== 'admin' && row.branchId !== clerk.branchId))
      throw new DomainError(
        'APPROVAL_REFUSED',
        `username: ${row.name} does not work at this shop, so cannot allow its discounts.`,
        { field: 'username' },
      );
    const approval: Approval = {
      userId: row.id,
      name: row.name,
      limitBp: salesSettingsOf(ctx.db).discountLimits[row.role] ?? 0,
      expiresAt: ctx.now() + APPROVAL_TTL_MS,
    };
    const approvalId = newId(ctx.now());
    ctx.db.sqlite
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?)')
      .run(`approval:${approvalId}`, JSON.stringify(approval));
    return { approvalId, name: approval.name, limitBp: approval.limitBp };
  },
});

/** Spends an approval (inside the sale's transaction: a sale that fails leaves it unspent). */
export function spendApproval(ctx: Context, approvalId: string): Approval | null {
  const key = `approval:${approvalId}`;
  const row = ctx.db.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
    { value: string } | undefined;
  if (!row) return null;
  ctx.db.sqlite.prepare('DELETE FROM meta WHERE key = ?').run(key);
  const approval = JSON.parse(row.value) as Approval;
  return approval.expiresAt > ctx.now() ? approval : null;
}
