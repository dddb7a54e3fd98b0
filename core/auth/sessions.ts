// Opening a sign-in and checking one on every call, through the host's SessionStore
// (./session-store.ts): the rules are here, once, whichever store keeps them.
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Actor, Context } from '../contract/context';
import type { Db } from '../db/open';
import { prepared } from '../db/prepared';
import { users } from '../db/schema';
import { DomainError } from '../errors';
import type { SessionStore } from './session-store';

export type { LoginState, SessionRecord } from './session-store';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const userById = prepared((orm) =>
  orm
    .select({
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      branchId: users.branchId,
      disabled: users.disabled,
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare(),
);

/** A digest of a person's password as it is now: a sign-in opened with another has ended. */
function credentialOf(db: Db, userId: string): string | null {
  const row = userById(db).get({ id: userId });
  return row ? tokenHash(row.passwordHash) : null;
}

/** Opens a sign-in for a person, answering its token (the store keeps only its digest). */
export async function openSession(
  ctx: Pick<Context, 'db' | 'now' | 'device' | 'sessions'>,
  userId: string,
): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresAt = now + SESSION_TTL_MS;
  const credential = credentialOf(ctx.db, userId);
  if (credential === null) throw new DomainError('UNAUTHENTICATED', 'You are signed out.');
  await ctx.sessions.open({
    tokenHash: tokenHash(token),
    userId,
    credential,
    deviceId: ctx.device?.id ?? '',
    createdAt: now,
    expiresAt,
  });
  return { token, expiresAt };
}

const signedOut = () => new DomainError('UNAUTHENTICATED', 'You are signed out. Sign in again.');

/**
 * Resolves a presented token to the person behind it, or says why it cannot; a call it lets
 * through counts as a use for the idle clock. Runs before the call (the store may be async; a
 * command then runs synchronously in its transaction).
 */
export async function resolveSession(
  ctx: Pick<Context, 'db' | 'now'>,
  store: SessionStore,
  token: string,
): Promise<Actor> {
  const hash = tokenHash(token);
  const session = await store.find(hash);
  if (!session) throw signedOut();
  const user = userById(ctx.db).get({ id: session.userId });
  // Made before the person's password changed (through any process): ended.
  if (
    !user ||
    (session.credential !== null && session.credential !== tokenHash(user.passwordHash))
  ) {
    await store.end(hash);
    throw signedOut();
  }
  const now = ctx.now();
  const idleEnd = store.idleMs === undefined ? Infinity : session.lastUsedAt + store.idleMs;
  if (Math.min(session.expiresAt, idleEnd) <= now) {
    await store.end(hash);
    if (idleEnd < session.expiresAt)
      throw new DomainError(
        'SESSION_EXPIRED',
        'You were signed out after a time without activity. Sign in again.',
      );
    throw new DomainError('SESSION_EXPIRED', 'Your session has expired. Sign in again.');
  }
  if (user.disabled)
    throw new DomainError('ACCOUNT_DISABLED', 'This account is disabled. Ask an admin.');
  await store.recordUse(hash, now);
  return {
    userId: session.userId,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    branchId: user.branchId,
  };
}
