// A supervisor's sign-in at the counter, to allow a discount beyond the clerk's limit. The
// supervisor types their own username and password on the clerk's screen; a wrong password counts
// towards their lockout as a sign-in does. The approval lives on this PC for five minutes and is
// spent by the one sale it allowed, whose event records the supervisor (decision 0029).
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { action } from '../contract/define';
import type { Context } from '../contract/context';
import { requireActor } from '../contract/scope';
import { DUMMY_HASH, verifyPassword } from '../auth/password';
import { meta, users } from '../db/schema';
import { countWrongPassword, lockedUntilOf } from '../auth/sessions';
import { DomainError } from '../errors';
import { newId } from '../ids';
import { salesSettingsOf } from './rules';

export const APPROVAL_TTL_MS = 5 * 60_000;

const approvalSchema = z.object({
  userId: z.string(),
  name: z.string(),
  limitBp: z.number().int(),
  expiresAt: z.number().int(),
});
export type Approval = z.infer<typeof approvalSchema>;

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
    const row = ctx.db.orm
      .select({
        id: users.id,
        name: users.displayName,
        role: users.role,
        branchId: users.branchId,
        hash: users.passwordHash,
        disabled: users.disabled,
      })
      .from(users)
      .where(eq(users.username, input.username))
      .get();
    if (!row) {
      await verifyPassword(input.password, DUMMY_HASH);
      throw refused();
    }
    if ((await lockedUntilOf(ctx, row.id, ctx.now())) !== null)
      throw new DomainError(
        'ACCOUNT_LOCKED',
        'The supervisor’s account is locked after wrong passwords; try again later.',
      );
    if (!(await verifyPassword(input.password, row.hash))) {
      await countWrongPassword(ctx, row.id, ctx.now());
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
  const row = ctx.db.orm.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get();
  if (!row) return null;
  ctx.db.orm.delete(meta).where(eq(meta.key, key)).run();
  const approval = approvalSchema.parse(JSON.parse(row.value));
  return approval.expiresAt > ctx.now() ? approval : null;
}
