import { z } from 'zod';
import { branchKinds } from '../branches/events';
import { loadDevice, saveDevice } from '../branches/device';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { branchCode, password, text, username } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { adminStepsHere, mayDo } from './may';
import { enrolledBranchKind } from '../branches/device';
import { SyncUnavailable } from '../sync/transport';
import { HybridClock } from '../hlc';
import { newId } from '../ids';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import type { Role } from '../vocabulary';
import {
  LOCKOUT_MS,
  MAX_FAILED_LOGINS,
  actorForToken,
  createSession,
  endSession,
} from './sessions';

const countUsers = (ctx: Context) =>
  (ctx.db.sqlite.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;

export const setupStatus = query({
  access: 'public',
  input: z.object({}),
  handler: (ctx) => {
    const device = loadDevice(ctx.db);
    const branch = device
      ? (ctx.db.sqlite
          .prepare('SELECT id, code, name, kind FROM branches WHERE id = ?')
          .get(device.branchId) as
          | { id: string; code: string; name: string; kind: (typeof branchKinds)[number] }
          | undefined)
      : undefined;
    return { initialized: countUsers(ctx) > 0 && device !== null, device, branch: branch ?? null };
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

export const setupInitialize = command({
  access: 'public',
  // The password is hashed first, off the main thread; then one transaction writes.
  ownTransactions: true,
  input: setupInput,
  handler: async (ctx, input) => {
    refuseIfSetUp(ctx);
    const hash = await hashPassword(input.admin.password);
    return ctx.db.sqlite.transaction(() => initializeSite(ctx, input, hash)).immediate();
  },
});

interface LoginRow {
  id: string;
  passwordHash: string;
  disabled: number;
  failedAttempts: number | null;
  lockedUntil: number | null;
  displayName: string;
  role: Role;
  branchId: string;
}

const loginRow = (ctx: Context, username: string) =>
  ctx.db.sqlite
    .prepare(
      `SELECT u.id, u.password_hash AS passwordHash, u.disabled, u.display_name AS displayName, u.role,
              u.branch_id AS branchId, l.failed_attempts AS failedAttempts, l.locked_until AS lockedUntil
       FROM users u LEFT JOIN login_state l ON l.user_id = u.id WHERE u.username = ?`,
    )
    .get(username) as LoginRow | undefined;

const wrongLogin = () =>
  new DomainError('LOGIN_FAILED', 'The username or password is wrong.', { field: 'password' });

const stillLocked = (lockedUntil: number, now: number) =>
  new DomainError(
    'ACCOUNT_LOCKED',
    `Too many wrong passwords. This account is locked for ${Math.ceil((lockedUntil - now) / 60_000)} more minute(s); try again then or ask an admin to unlock it.`,
    { lockedUntil },
  );

type LoginOutcome =
  | { refused: DomainError }
  | {
      signedIn: ReturnType<typeof createSession> &
        Pick<LoginRow, 'displayName' | 'role' | 'branchId'> & { userId: string };
    };

export const login = command({
  access: 'public',
  // A wrong password is recorded although the call fails, and the password is checked (awaited)
  // before any transaction opens.
  ownTransactions: true,
  input: z.object({ username, password: z.string().min(1, 'is required').max(200) }),
  handler: async (ctx, input) => {
    const seen = loginRow(ctx, input.username);
    if (!seen) {
      await verifyPassword(input.password, DUMMY_HASH);
      throw wrongLogin();
    }
    // A locked account costs no password check.
    if (seen.lockedUntil && seen.lockedUntil > ctx.now())
      throw stillLocked(seen.lockedUntil, ctx.now());
    const matches = await verifyPassword(input.password, seen.passwordHash);
    const db = ctx.db.sqlite;
    // Other sign-ins ran while the password was checked: decide on the account as it is now, so
    // wrong guesses sent at once each count toward the lockout. Refusals are returned, not
    // thrown, so the count they wrote is committed.
    const outcome = db
      .transaction((): LoginOutcome => {
        const user = loginRow(ctx, input.username);
        const now = ctx.now();
        if (!user) return { refused: wrongLogin() };
        if (user.lockedUntil && user.lockedUntil > now)
          return { refused: stillLocked(user.lockedUntil, now) };
        // A password changed meanwhile: the one typed matched the old one at best.
        if (!matches || user.passwordHash !== seen.passwordHash) {
          const failed =
            (user.lockedUntil && user.lockedUntil <= now ? 0 : (user.failedAttempts ?? 0)) + 1;
          const lockedUntil = failed >= MAX_FAILED_LOGINS ? now + LOCKOUT_MS : null;
          db.prepare(
            `INSERT INTO login_state (user_id, failed_attempts, locked_until) VALUES (?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE SET failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until`,
          ).run(user.id, lockedUntil ? 0 : failed, lockedUntil);
          return {
            refused: lockedUntil
              ? new DomainError(
                  'ACCOUNT_LOCKED',
                  'Too many wrong passwords. This account is locked for 15 minutes; ask an admin to unlock it sooner.',
                  { lockedUntil },
                )
              : wrongLogin(),
          };
        }
        if (user.disabled)
          return {
            refused: new DomainError('ACCOUNT_DISABLED', 'This account is disabled. Ask an admin.'),
          };
        db.prepare('DELETE FROM login_state WHERE user_id = ?').run(user.id);
        const session = createSession(ctx, user.id);
        return {
          signedIn: {
            ...session,
            userId: user.id,
            displayName: user.displayName,
            role: user.role,
            branchId: user.branchId,
          },
        };
      })
      .immediate();
    if ('refused' in outcome) throw outcome.refused;
    return outcome.signedIn;
  },
});

export const logout = command({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx) => {
    if (ctx.sessionToken) endSession(ctx, ctx.sessionToken);
    return { ok: true as const };
  },
});

/**
 * Who is signed in, and what they may do on this PC (the UI offers only that): `may`, and
 * `adminSteps`, whether their admin-only steps count here (false at an enrolled branch PC).
 */
export const me = query({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx) => ({ ...requireActor(ctx), may: mayDo(ctx), adminSteps: adminStepsHere(ctx) }),
});

const passwordHashOf = (ctx: Context, userId: string) =>
  (
    ctx.db.sqlite.prepare('SELECT password_hash AS h FROM users WHERE id = ?').get(userId) as {
      h: string;
    }
  ).h;

const wrongCurrentPassword = () =>
  new DomainError('VALIDATION', 'currentPassword: is wrong', {
    field: 'currentPassword',
    issues: [{ field: 'currentPassword', message: 'is wrong' }],
  });

export const changePassword = command({
  access: 'signed-in',
  // Both passwords are hashed (awaited) before the transaction that records the change.
  ownTransactions: true,
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
      return ctx.db.sqlite.transaction(() => createSession(ctx, actor.userId)).immediate();
    }
    const checked = passwordHashOf(ctx, actor.userId);
    if (!(await verifyPassword(input.currentPassword, checked))) throw wrongCurrentPassword();
    const passwordHash = await hashPassword(input.newPassword);
    return ctx.db.sqlite
      .transaction(() => {
        // While the hashes were made, this sign-in may have ended (signed out, disabled) or the
        // password changed through another: then the change is refused as it would be now.
        if (ctx.sessionToken) actorForToken(ctx, ctx.sessionToken);
        if (passwordHashOf(ctx, actor.userId) !== checked) throw wrongCurrentPassword();
        emit(ctx, 'user.saved', actor.userId, { id: actor.userId, passwordHash });
        return createSession(ctx, actor.userId);
      })
      .immediate();
  },
});
