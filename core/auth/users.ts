import { z } from 'zod';
import { command, query } from '../contract/define';
import { id, password, text, username } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import type { Context } from '../contract/context';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { hashPassword } from './password';
import { roles } from '../vocabulary';

const requireBranch = (ctx: Context, branchId: string) => {
  if (!ctx.db.sqlite.prepare('SELECT 1 FROM branches WHERE id = ?').get(branchId))
    throw new DomainError('VALIDATION', 'branchId: no such branch', {
      field: 'branchId',
      issues: [{ field: 'branchId', message: 'no such branch' }],
    });
};

export const newUserInput = z.object({
  username,
  displayName: text(120),
  role: z.enum(roles),
  branchId: id,
  password,
});

/** Adds a user whose password is already hashed (hashing awaits; this runs in a transaction). */
export function addUser(
  ctx: Context,
  input: Omit<z.output<typeof newUserInput>, 'password'>,
  passwordHash: string,
): { id: string } {
  requireBranch(ctx, input.branchId);
  if (ctx.db.sqlite.prepare('SELECT 1 FROM users WHERE username = ?').get(input.username))
    throw new DomainError('CONFLICT', `username: "${input.username}" is taken; choose another`, {
      field: 'username',
      issues: [{ field: 'username', message: 'is taken' }],
    });
  const userId = newId(ctx.now());
  emit(ctx, 'user.saved', userId, { id: userId, ...input, passwordHash, disabled: false });
  return { id: userId };
}

export const createUser = command({
  access: 'users.manage',
  // The password is hashed first, off the main thread; then one transaction writes.
  ownTransactions: true,
  input: newUserInput,
  handler: async (ctx, input) => {
    const { password: plain, ...rest } = input;
    const passwordHash = await hashPassword(plain);
    return ctx.db.sqlite.transaction(() => addUser(ctx, rest, passwordHash)).immediate();
  },
});

export const updateUser = command({
  access: 'users.manage',
  // A new password is hashed first, off the main thread; then one transaction writes.
  ownTransactions: true,
  input: z.object({
    id,
    displayName: text(120).optional(),
    role: z.enum(roles).optional(),
    branchId: id.optional(),
    disabled: z.boolean().optional(),
    password: password.optional(),
    unlock: z.boolean().optional(),
  }),
  handler: async (ctx, input) => {
    const { password: plain, unlock, ...fields } = input;
    const passwordHash = plain === undefined ? undefined : await hashPassword(plain);
    return ctx.db.sqlite
      .transaction(() => {
        const actor = requireActor(ctx);
        if (!ctx.db.sqlite.prepare('SELECT 1 FROM users WHERE id = ?').get(input.id))
          throw new DomainError('NOT_FOUND', 'That user does not exist.', { field: 'id' });
        if (input.branchId) requireBranch(ctx, input.branchId);
        if (input.id === actor.userId && (input.disabled || (input.role && input.role !== 'admin')))
          throw new DomainError(
            'INVALID_STATE',
            'You cannot disable yourself or take away your own admin role. Ask another admin.',
          );
        if (unlock)
          ctx.db.sqlite.prepare('DELETE FROM login_state WHERE user_id = ?').run(input.id);
        const changes = { ...fields, ...(passwordHash !== undefined && { passwordHash }) };
        if (Object.keys(changes).length > 1) emit(ctx, 'user.saved', input.id, changes);
        return { id: input.id };
      })
      .immediate();
  },
});

export const listUsers = query({
  access: 'users.manage',
  input: z.object({ branchId: id.optional() }),
  handler: (ctx, input) =>
    ctx.db.sqlite
      .prepare(
        `SELECT u.id, u.username, u.display_name AS displayName, u.role, u.branch_id AS branchId,
                b.name AS branchName, u.disabled = 1 AS disabled,
                coalesce(l.locked_until > ?, 0) AS locked
         FROM users u JOIN branches b ON b.id = u.branch_id LEFT JOIN login_state l ON l.user_id = u.id
         WHERE (? IS NULL OR u.branch_id = ?) ORDER BY u.display_name`,
      )
      .all(ctx.now(), input.branchId ?? null, input.branchId ?? null) as {
      id: string;
      username: string;
      displayName: string;
      role: (typeof roles)[number];
      branchId: string;
      branchName: string;
      disabled: 0 | 1;
      locked: 0 | 1;
    }[],
});

/** Who can drive a dispatch: the factory clerk picks from these without managing users. */
export const listDrivers = query({
  access: 'orders.dispatch',
  input: z.object({}),
  handler: (ctx) =>
    ctx.db.sqlite
      .prepare(
        `SELECT id, display_name AS displayName, branch_id AS branchId FROM users
         WHERE role = 'driver' AND NOT disabled ORDER BY display_name`,
      )
      .all() as { id: string; displayName: string; branchId: string }[],
});
