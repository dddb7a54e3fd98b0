import { z } from 'zod';
import { branchKinds } from '../branches/events';
import { loadDevice, saveDevice } from '../branches/device';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { branchCode, password, text, username } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { HybridClock } from '../hlc';
import { newId } from '../ids';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import type { Role } from './roles';
import { LOCKOUT_MS, MAX_FAILED_LOGINS, createSession, endSession } from './sessions';

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

/** First run on a PC that works on its own: its branch, its first device and its admin. */
export function initializeSite(ctx: Context, input: z.output<typeof setupInput>) {
  if (countUsers(ctx) > 0 || loadDevice(ctx.db))
    throw new DomainError('INVALID_STATE', 'This PC is already set up. Sign in instead.');
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
      passwordHash: hashPassword(input.admin.password),
      disabled: false,
    },
    as,
  );
  return { device, adminId };
}

export const setupInitialize = command({
  access: 'public',
  input: setupInput,
  handler: initializeSite,
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

export const login = command({
  access: 'public',
  ownTransactions: true,
  input: z.object({ username, password: z.string().min(1, 'is required').max(200) }),
  handler: (ctx, input) => {
    const db = ctx.db.sqlite;
    const user = db
      .prepare(
        `SELECT u.id, u.password_hash AS passwordHash, u.disabled, u.display_name AS displayName, u.role,
                u.branch_id AS branchId, l.failed_attempts AS failedAttempts, l.locked_until AS lockedUntil
         FROM users u LEFT JOIN login_state l ON l.user_id = u.id WHERE u.username = ?`,
      )
      .get(input.username) as LoginRow | undefined;
    const wrong = () =>
      new DomainError('LOGIN_FAILED', 'The username or password is wrong.', { field: 'password' });
    if (!user) {
      verifyPassword(input.password, DUMMY_HASH);
      throw wrong();
    }
    const now = ctx.now();
    if (user.lockedUntil && user.lockedUntil > now) {
      const minutes = Math.ceil((user.lockedUntil - now) / 60_000);
      throw new DomainError(
        'ACCOUNT_LOCKED',
        `Too many wrong passwords. This account is locked for ${minutes} more minute(s); try again then or ask an admin to unlock it.`,
        { lockedUntil: user.lockedUntil },
      );
    }
    if (!verifyPassword(input.password, user.passwordHash)) {
      const failed =
        (user.lockedUntil && user.lockedUntil <= now ? 0 : (user.failedAttempts ?? 0)) + 1;
      const lockedUntil = failed >= MAX_FAILED_LOGINS ? now + LOCKOUT_MS : null;
      db.prepare(
        `INSERT INTO login_state (user_id, failed_attempts, locked_until) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until`,
      ).run(user.id, lockedUntil ? 0 : failed, lockedUntil);
      if (lockedUntil)
        throw new DomainError(
          'ACCOUNT_LOCKED',
          'Too many wrong passwords. This account is locked for 15 minutes; ask an admin to unlock it sooner.',
          {
            lockedUntil,
          },
        );
      throw wrong();
    }
    if (user.disabled)
      throw new DomainError('ACCOUNT_DISABLED', 'This account is disabled. Ask an admin.');
    return db
      .transaction(() => {
        db.prepare('DELETE FROM login_state WHERE user_id = ?').run(user.id);
        const session = createSession(ctx, user.id);
        return {
          ...session,
          userId: user.id,
          displayName: user.displayName,
          role: user.role,
          branchId: user.branchId,
        };
      })
      .immediate();
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

export const me = query({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx) => requireActor(ctx),
});

export const changePassword = command({
  access: 'signed-in',
  input: z.object({ currentPassword: z.string().min(1, 'is required'), newPassword: password }),
  handler: (ctx, input) => {
    const actor = requireActor(ctx);
    const row = ctx.db.sqlite
      .prepare('SELECT password_hash AS h FROM users WHERE id = ?')
      .get(actor.userId) as { h: string };
    if (!verifyPassword(input.currentPassword, row.h))
      throw new DomainError('VALIDATION', 'currentPassword: is wrong', {
        field: 'currentPassword',
        issues: [{ field: 'currentPassword', message: 'is wrong' }],
      });
    emit(ctx, 'user.saved', actor.userId, {
      id: actor.userId,
      passwordHash: hashPassword(input.newPassword),
    });
    return createSession(ctx, actor.userId);
  },
});
