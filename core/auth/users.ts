import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { action, query } from '../contract/define';
import { id, password, text, username } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { DomainError, validationError } from '../errors';
import type { Context } from '../contract/context';
import { prepared } from '../db/prepared';
import { branches, users } from '../db/schema';
import { emit, refuseIfNotHere } from '../events/emit';
import { newId } from '../ids';
import { hashPassword } from './password';
import {
  branchKindLabel,
  roleBelongsAt,
  roleBranchKinds,
  roleLabel,
  roles,
  type BranchKind,
  type Role,
} from '../vocabulary';

const branchKindOf = prepared((orm) =>
  orm
    .select({ kind: branches.kind, name: branches.name })
    .from(branches)
    .where(eq(branches.id, sql.placeholder('id')))
    .prepare(),
);

const requireBranch = (ctx: Context, branchId: string) => {
  const row = branchKindOf(ctx.db).get({ id: branchId });
  if (!row)
    throw new DomainError('VALIDATION', 'branchId: no such branch', {
      field: 'branchId',
      issues: [{ field: 'branchId', message: 'no such branch' }],
    });
  return row;
};

const kindsOf = (role: Role) =>
  roleBranchKinds[role].map((k) => branchKindLabel[k].toLowerCase()).join(' or ');

/**
 * A role only at the kinds of branch it belongs to (vocabulary's roleBranchKinds). `field` is
 * the one the person changed: the branch when moving a user, else the role.
 */
export function assertRoleAtBranch(
  role: Role,
  branch: { kind: BranchKind; name: string },
  field: 'role' | 'branchId',
): void {
  if (roleBelongsAt(role, branch.kind)) return;
  const what = `the role “${roleLabel[role]}” works only at a ${kindsOf(role)}, and ${branch.name} is a ${branchKindLabel[branch.kind].toLowerCase()}`;
  const todo =
    field === 'branchId'
      ? `choose a ${kindsOf(role)} branch, or change the role first`
      : `choose a role that works at a ${branchKindLabel[branch.kind].toLowerCase()}, or move the user to a ${kindsOf(role)} first`;
  throw new DomainError('ROLE_NOT_AT_BRANCH_KIND', `${field}: ${what}; ${todo}.`, {
    field,
    issues: [{ field, message: `${what}; ${todo}` }],
    role,
    branchKind: branch.kind,
    allowedKinds: roleBranchKinds[role],
  });
}

/** A sales rep's commission on orders delivered and paid, in basis points (100 = 1%). */
const commissionBp = z
  .number({ error: 'must be a whole number of basis points' })
  .int('must be a whole number of basis points')
  .min(0, 'must not be negative')
  .max(10_000, 'must be at most 10000 (100%)');

export const newUserInput = z.object({
  username,
  displayName: text(120),
  role: z.enum(roles),
  branchId: id,
  password,
  /** The customer a portal sign-in is (role 'customer' only). */
  customerId: id.optional(),
  commissionBp: commissionBp.optional(),
});

/**
 * A customer only on a customer's sign-in, and one this PC knows; a commission only on a sales
 * rep's. Refused naming the field, so the admin changes it or the role.
 */
function assertRoleFields(
  ctx: Context,
  role: Role,
  fields: { customerId?: string | null; commissionBp?: number | null },
): void {
  if (fields.customerId != null) {
    if (role !== 'customer')
      throw validationError([
        {
          field: 'customerId',
          message: `only a ${roleLabel.customer} sign-in names a customer; clear it or choose the role “${roleLabel.customer}”`,
        },
      ]);
    if (!ctx.db.sqlite.prepare('SELECT 1 FROM customers WHERE id = ?').get(fields.customerId))
      throw validationError([
        { field: 'customerId', message: 'no such customer; choose one from the customers list' },
      ]);
  }
  if (fields.commissionBp != null && role !== 'sales_rep')
    throw validationError([
      {
        field: 'commissionBp',
        message: `only a ${roleLabel.sales_rep} earns commission; clear it or choose the role “${roleLabel.sales_rep}”`,
      },
    ]);
}

/** Adds a user whose password is already hashed (hashing awaits; this runs in a transaction). */
export function addUser(
  ctx: Context,
  input: Omit<z.output<typeof newUserInput>, 'password'>,
  passwordHash: string,
): { id: string } {
  refuseIfNotHere(ctx, 'user.saved');
  assertRoleAtBranch(input.role, requireBranch(ctx, input.branchId), 'branchId');
  assertRoleFields(ctx, input.role, input);
  if (ctx.db.sqlite.prepare('SELECT 1 FROM users WHERE username = ?').get(input.username))
    throw new DomainError('CONFLICT', `username: "${input.username}" is taken; choose another`, {
      field: 'username',
      issues: [{ field: 'username', message: 'is taken' }],
    });
  const userId = newId(ctx.now());
  emit(ctx, 'user.saved', userId, { id: userId, ...input, passwordHash, disabled: false });
  return { id: userId };
}

const userPlace = prepared((orm) =>
  orm
    .select({
      role: users.role,
      branchId: users.branchId,
      customerId: users.customerId,
      commissionBp: users.commissionBp,
    })
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare(),
);

export const createUser = action({
  access: 'users.manage',
  // The password is hashed first, off the main thread; then one transaction writes.
  input: newUserInput,
  handler: async (ctx, input) => {
    const { password: plain, ...rest } = input;
    const passwordHash = await hashPassword(plain);
    return ctx.db.sqlite.transaction(() => addUser(ctx, rest, passwordHash)).immediate();
  },
});

export const updateUser = action({
  access: 'users.manage',
  // A new password is hashed first, off the main thread; then one transaction writes.
  input: z.object({
    id,
    displayName: text(120).optional(),
    role: z.enum(roles).optional(),
    branchId: id.optional(),
    disabled: z.boolean().optional(),
    password: password.optional(),
    unlock: z.boolean().optional(),
    customerId: id.nullable().optional(),
    commissionBp: commissionBp.nullable().optional(),
  }),
  handler: async (ctx, input) => {
    const { password: plain, unlock, ...fields } = input;
    const passwordHash = plain === undefined ? undefined : await hashPassword(plain);
    ctx.db.sqlite
      .transaction(() => {
        const actor = requireActor(ctx);
        const current = userPlace(ctx.db).get({ id: input.id });
        if (!current)
          throw new DomainError('NOT_FOUND', 'That user does not exist.', { field: 'id' });
        if (input.id === actor.userId && (input.disabled || (input.role && input.role !== 'admin')))
          throw new DomainError(
            'INVALID_STATE',
            'You cannot disable yourself or take away your own admin role. Ask another admin.',
          );
        refuseIfNotHere(ctx, 'user.saved');
        if (input.branchId !== undefined || input.role !== undefined)
          assertRoleAtBranch(
            input.role ?? current.role,
            requireBranch(ctx, input.branchId ?? current.branchId),
            input.branchId !== undefined && input.branchId !== current.branchId
              ? 'branchId'
              : 'role',
          );
        const role = input.role ?? current.role;
        assertRoleFields(ctx, role, input);
        // A role that no longer has them lets go of a customer and a commission it had.
        const dropped = {
          ...(role !== 'customer' &&
            current.customerId !== null &&
            input.customerId === undefined && { customerId: null }),
          ...(role !== 'sales_rep' &&
            current.commissionBp !== null &&
            input.commissionBp === undefined && { commissionBp: null }),
        };
        const changes = {
          ...fields,
          ...dropped,
          ...(passwordHash !== undefined && { passwordHash }),
        };
        if (Object.keys(changes).length > 1) emit(ctx, 'user.saved', input.id, changes);
      })
      .immediate();
    // Sign-ins and lockout counts live in the host's store (for head office, shared by every
    // server process): a disabled person, or one given a new password, is signed out there.
    if (input.disabled || passwordHash !== undefined) await ctx.sessions.endAllOf(input.id);
    if (unlock) await ctx.sessions.clearLoginState(input.id);
    return { id: input.id };
  },
});

export const listUsers = query({
  access: 'users.manage',
  input: z.object({ branchId: id.optional() }),
  handler: async (ctx, input) => {
    const now = ctx.now();
    const locked = new Set(
      (await ctx.sessions.loginStates())
        .filter((s) => s.lockedUntil !== null && s.lockedUntil > now)
        .map((s) => s.userId),
    );
    const rows = ctx.db.orm
      .select({
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        role: users.role,
        branchId: users.branchId,
        branchName: branches.name,
        disabled: users.disabled,
        customerId: users.customerId,
        commissionBp: users.commissionBp,
      })
      .from(users)
      .innerJoin(branches, eq(branches.id, users.branchId))
      .where(input.branchId === undefined ? undefined : eq(users.branchId, input.branchId))
      .orderBy(users.displayName)
      .all();
    const flag = (on: boolean) => (on ? (1 as const) : (0 as const));
    return rows.map((u) => ({ ...u, disabled: flag(u.disabled), locked: flag(locked.has(u.id)) }));
  },
});

/** Who can drive a dispatch: the factory clerk picks from these without managing users. */
// Whoever dispatches an order or plans a trip (the factory's and the shops' clerks) chooses a driver.
export const listDrivers = query({
  access: 'trips.manage',
  input: z.object({}),
  handler: (ctx) =>
    ctx.db.orm
      .select({ id: users.id, displayName: users.displayName, branchId: users.branchId })
      .from(users)
      .where(and(eq(users.role, 'driver'), eq(users.disabled, false)))
      .orderBy(users.displayName)
      .all(),
});
