import { companySettingsOf } from '../locale/company';
import { count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { branchKinds } from '../vocabulary';
import { loadDevice, saveDevice } from '../branches/device';
import type { Context } from '../contract/context';
import { prepared } from '../db/prepared';
import { branches, users } from '../db/schema';
import { action, query } from '../contract/define';
import { branchCode, password, text, username } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { adminStepsHere, mayDo } from './may';
import { notHeardOf } from './not-heard-of';
import { enrolledBranchKind } from '../branches/device';
import { SyncUnavailable } from '../sync/transport';
import { HybridClock } from '../hlc';
import { newId } from '../ids';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import {
  countWrongPassword,
  forgetWrongPasswords,
  lockedUntilOf,
  LOCKOUT_MS,
  openSession,
  resolveSession,
  tokenHash,
  unknownUserKey,
} from './sessions';

const countUsers = (ctx: Context) => ctx.db.orm.select({ n: count() }).from(users).get()?.n ?? 0;

export const setupStatus = query({
  access: 'public',
  input: z.object({}),
  handler: (ctx) => {
    const device = loadDevice(ctx.db);
    const branch = device
      ? ctx.db.orm
          .select({
            id: branches.id,
            code: branches.code,
            name: branches.name,
            kind: branches.kind,
          })
          .from(branches)
          .where(eq(branches.id, device.branchId))
          .get()
      : undefined;
    return {
      initialized: countUsers(ctx) > 0 && device !== null,
      device,
      branch: branch ?? null,
      // Head office's console: its first run is its own setup, not a PC's three choices.
      headOffice: ctx.services?.headOffice !== undefined,
    };
  },
});

export const setupInput = z.object({
  branch: z.object({ code: branchCode, name: text(120), kind: z.enum(branchKinds) }),
  admin: z.object({ username, displayName: text(120), password }),
  deviceName: text(120).default('Main PC'),
});

/**
 * A PC is set up once. Checked before any password is hashed as well, so a second try (setup is
 * public) is refused at once instead of costing half a second of hashing.
 */
export function refuseIfSetUp(ctx: Context): void {
  if (countUsers(ctx) > 0 || loadDevice(ctx.db))
    throw new DomainError('INVALID_STATE', 'This PC is already set up. Sign in instead.');
}

/**
 * First run on a PC that works on its own: its branch, its first device and its admin. Takes the
 * admin's password already hashed: hashing awaits, and this runs inside a transaction.
 */
export function initializeSite(
  ctx: Context,
  input: z.output<typeof setupInput>,
  adminPasswordHash: string,
) {
  refuseIfSetUp(ctx);
  const device = { id: newId(ctx.now()), branchId: newId(ctx.now()), number: 1 };
  saveDevice(ctx.db, device);
  const adminId = newId(ctx.now());
  const local: Context = { ...ctx, device, clock: new HybridClock(device.id, ctx.now) };
  const as = { userId: adminId };
  emit(
    local,
    'branch.saved',
    device.branchId,
    { id: device.branchId, ...input.branch, active: true },
    as,
  );
  emit(
    local,
    'device.registered',
    device.id,
    { id: device.id, branchId: device.branchId, number: 1, name: input.deviceName },
    as,
  );
  emit(
    local,
    'user.saved',
    adminId,
    {
      id: adminId,
      branchId: device.branchId,
      username: input.admin.username,
      displayName: input.admin.displayName,
      role: 'admin',
      passwordHash: adminPasswordHash,
      disabled: false,
    },
    as,
  );
  return { device, adminId };
}

export const setupInitialize = action({
  access: 'public',
  // The password is hashed first, off the main thread; then one transaction writes.
  input: setupInput,
  handler: async (ctx, input) => {
    refuseIfSetUp(ctx);
    const hash = await hashPassword(input.admin.password);
    return ctx.db.sqlite.transaction(() => initializeSite(ctx, input, hash)).immediate();
  },
});

const loginRow = prepared((orm) =>
  orm
    .select({
      id: users.id,
      passwordHash: users.passwordHash,
      disabled: users.disabled,
      displayName: users.displayName,
      role: users.role,
      branchId: users.branchId,
    })
    .from(users)
    .where(eq(users.username, sql.placeholder('username')))
    .prepare(),
);

const wrongLogin = () =>
  new DomainError('LOGIN_FAILED', 'The username or password is wrong.', { field: 'password' });

const stillLocked = (lockedUntil: number, now: number) =>
  new DomainError(
    'ACCOUNT_LOCKED',
    `Too many wrong passwords. This account is locked for ${Math.ceil((lockedUntil - now) / 60_000)} more minute(s); try again then or ask an admin to unlock it.`,
    { lockedUntil },
  );

/** Counts a wrong sign-in (of `key`: a person's id, or an unknown username's key) and says so. */
async function counted(ctx: Context, key: string): Promise<DomainError> {
  const now = ctx.now();
  const lockedUntil = await countWrongPassword(ctx, key, now);
  if (lockedUntil === now + LOCKOUT_MS)
    return new DomainError(
      'ACCOUNT_LOCKED',
      'Too many wrong passwords. This account is locked for 15 minutes; ask an admin to unlock it sooner.',
      { lockedUntil },
    );
  if (lockedUntil !== null) return stillLocked(lockedUntil, now);
  return wrongLogin();
}

export const login = action({
  access: 'public',
  // A wrong password is counted although the call fails, and the password is checked (awaited)
  // before anything is written; sign-ins and counts live in the host's store (ctx.sessions).
  input: z.object({ username, password: z.string().min(1, 'is required').max(200) }),
  handler: async (ctx, input) => {
    const seen = loginRow(ctx.db).get({ username: input.username });
    if (!seen) {
      // At head office a username no one has is counted and locked as a real one is, so the
      // answers never tell which exist; a PC says it has not heard of it.
      const key = ctx.origin === undefined ? null : unknownUserKey(input.username);
      const locked = key === null ? null : await lockedUntilOf(ctx, key, ctx.now());
      if (locked !== null) throw stillLocked(locked, ctx.now());
      await verifyPassword(input.password, DUMMY_HASH);
      if (key !== null) throw await counted(ctx, key);
      throw notHeardOf(ctx, input.username) ?? wrongLogin();
    }
    // A locked account costs no password check.
    const locked = await lockedUntilOf(ctx, seen.id, ctx.now());
    if (locked !== null) throw stillLocked(locked, ctx.now());
    const matches = await verifyPassword(input.password, seen.passwordHash);
    // Other sign-ins ran while the password was checked: decide on the account as it is now.
    const user = loginRow(ctx.db).get({ username: input.username });
    const now = ctx.now();
    if (!user) throw wrongLogin();
    // A password changed meanwhile: the one typed matched the old one at best. The store counts
    // atomically, so wrong guesses sent at once (through any process) each count.
    if (!matches || user.passwordHash !== seen.passwordHash) throw await counted(ctx, user.id);
    const lockedMeanwhile = await lockedUntilOf(ctx, user.id, now);
    if (lockedMeanwhile !== null) throw stillLocked(lockedMeanwhile, now);
    if (user.disabled)
      throw new DomainError('ACCOUNT_DISABLED', 'This account is disabled. Ask an admin.');
    await forgetWrongPasswords(ctx, user.id);
    const session = await openSession(ctx, user.id);
    return {
      ...session,
      userId: user.id,
      displayName: user.displayName,
      role: user.role,
      branchId: user.branchId,
    };
  },
});

export const logout = action({
  access: 'signed-in',
  // Ends the sign-in in the host's store (awaited), and writes nothing here.
  input: z.object({}),
  handler: async (ctx) => {
    if (ctx.sessionToken) await ctx.sessions.end(tokenHash(ctx.sessionToken));
    return { ok: true as const };
  },
});

/**
 * Who is signed in, and what they may do on this PC (the UI offers only that): `may`, and
 * `adminSteps`, whether their admin-only steps count here (false at an enrolled branch PC), and
 * `company`, the company's currency and locale.
 */
export const me = query({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx) => ({
    ...requireActor(ctx),
    may: mayDo(ctx),
    adminSteps: adminStepsHere(ctx),
    // Every amount and date on screen is written in the company's currency and locale.
    company: companySettingsOf(ctx.db),
  }),
});

const passwordHashById = prepared((orm) =>
  orm
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare(),
);

const passwordHashOf = (ctx: Context, userId: string) =>
  passwordHashById(ctx.db).get({ id: userId })?.passwordHash;

const wrongCurrentPassword = () =>
  new DomainError('VALIDATION', 'currentPassword: is wrong', {
    field: 'currentPassword',
    issues: [{ field: 'currentPassword', message: 'is wrong' }],
  });

export const changePassword = action({
  access: 'signed-in',
  // Both passwords are hashed (awaited) before the transaction that records the change.
  input: z.object({ currentPassword: z.string().min(1, 'is required'), newPassword: password }),
  handler: async (ctx, input) => {
    const actor = requireActor(ctx);
    // At a PC enrolled with a head office, a person's record changes only there: the change is
    // made at head office as this person (their current password proves it) and comes back by sync.
    if (enrolledBranchKind(ctx.db, ctx.device) !== null) {
      const sync = ctx.services?.sync;
      if (!sync?.atHeadOffice)
        throw new DomainError(
          'UNAVAILABLE',
          'Changing a password needs head office; this PC cannot reach it.',
        );
      try {
        await sync.atHeadOffice(
          { username: actor.username, password: input.currentPassword },
          'auth.changePassword',
          input,
        );
      } catch (error) {
        if (error instanceof SyncUnavailable && error.status === 401) throw wrongCurrentPassword();
        if (error instanceof SyncUnavailable)
          throw new DomainError(
            'UNAVAILABLE',
            `Your password is changed at head office, which this PC cannot reach now (${error.message}). Try again when the PC is online.`,
          );
        throw error;
      }
      return openSession(ctx, actor.userId);
    }
    // A wrong current password counts as a wrong sign-in: a sign-in someone else holds (a PC
    // left signed in) cannot guess the password, and so the account, one try after another.
    const locked = await lockedUntilOf(ctx, actor.userId, ctx.now());
    if (locked !== null) throw stillLocked(locked, ctx.now());
    const checked = passwordHashOf(ctx, actor.userId);
    if (checked === undefined || !(await verifyPassword(input.currentPassword, checked))) {
      const now = ctx.now();
      const lockedUntil = await countWrongPassword(ctx, actor.userId, now);
      if (lockedUntil !== null) {
        // The sign-in that guessed ends with the lock: whoever holds it signs in again, later.
        if (ctx.sessionToken) await ctx.sessions.end(tokenHash(ctx.sessionToken));
        throw new DomainError(
          'ACCOUNT_LOCKED',
          `Too many wrong passwords. This sign-in has ended and the account is locked for ${Math.ceil((lockedUntil - now) / 60_000)} minute(s); ask an admin to unlock it sooner.`,
          { lockedUntil },
        );
      }
      throw wrongCurrentPassword();
    }
    await forgetWrongPasswords(ctx, actor.userId);
    const passwordHash = await hashPassword(input.newPassword);
    // While the hashes were made, this sign-in may have ended (signed out, disabled) or the
    // password changed through another: then the change is refused as it would be now.
    if (ctx.sessionToken) await resolveSession(ctx, ctx.sessions, ctx.sessionToken);
    ctx.db.sqlite
      .transaction(() => {
        if (passwordHashOf(ctx, actor.userId) !== checked) throw wrongCurrentPassword();
        emit(ctx, 'user.saved', actor.userId, { id: actor.userId, passwordHash });
      })
      .immediate();
    // Every earlier sign-in of the person ends, in every process; this one opens anew.
    await ctx.sessions.endAllOf(actor.userId);
    return openSession(ctx, actor.userId);
  },
});
