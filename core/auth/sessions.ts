// Opening a sign-in and checking one on every call, through the host's SessionStore
// (./session-store.ts): the rules are here, once, whichever store keeps them.
import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Actor, Context } from '../contract/context';
import type { Db } from '../db/open';
import { prepared } from '../db/prepared';
import { users } from '../db/schema';
import { DomainError } from '../errors';
import {
  andThen,
  type Answer,
  type FoundSession,
  type LoginPolicy,
  type LoginState,
  type SessionStore,
  type SessionUser,
} from './session-store';

export type { LoginState, SessionRecord } from './session-store';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Wrong passwords in a row from one place that lock a person out from there. */
export const MAX_FAILED_LOGINS = 5;
/** Wrong passwords in a row from every place together that lock a person out everywhere. */
export const MAX_FAILED_ANYWHERE = 20;
export const LOCKOUT_MS = 15 * 60 * 1000;
/** The place that stands for every place together in a store's counts. */
export const EVERYWHERE = '*';

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Where a wrong password counts (decision 0038). On a PC whoever types is at the PC: one count
 * per person. At head office, per person and address the call came from (`ctx.origin`), so one
 * address guessing, a shop PC's say, locks only itself out of the account and the admin signs in
 * from elsewhere; and per person from every address together, with a higher limit, so many
 * addresses together cannot guess on for ever.
 */
function placesOf(ctx: Pick<Context, 'origin'>): [origin: string, policy: LoginPolicy][] {
  const here: LoginPolicy = { maxAttempts: MAX_FAILED_LOGINS, lockMs: LOCKOUT_MS };
  if (ctx.origin === undefined) return [['', here]];
  const everywhere: LoginPolicy = { maxAttempts: MAX_FAILED_ANYWHERE, lockMs: LOCKOUT_MS };
  return [
    [ctx.origin, here],
    [EVERYWHERE, everywhere],
  ];
}

const latestLock = (states: (LoginState | null)[], now: number): number | null =>
  states.reduce<number | null>(
    (until, s) =>
      s?.lockedUntil != null && s.lockedUntil > now && s.lockedUntil > (until ?? 0)
        ? s.lockedUntil
        : until,
    null,
  );

/**
 * Counts one wrong password of a person, wherever it was typed (a sign-in, a change of password,
 * a supervisor's approval at the counter), in one count per place. Answers until when the
 * person is locked out from here, if this or an earlier count locked them; the caller says so in
 * its own words.
 */
export async function countWrongPassword(
  ctx: Pick<Context, 'sessions' | 'origin'>,
  userId: string,
  now: number,
): Promise<number | null> {
  const counted: LoginState[] = [];
  for (const [origin, policy] of placesOf(ctx))
    counted.push(await ctx.sessions.recordFailedLogin(userId, origin, now, policy));
  return latestLock(counted, now);
}

/** Until when a person is locked out from where this call came from, or null. */
export async function lockedUntilOf(
  ctx: Pick<Context, 'sessions' | 'origin'>,
  userId: string,
  now: number,
): Promise<number | null> {
  const states: (LoginState | null)[] = [];
  for (const [origin] of placesOf(ctx)) states.push(await ctx.sessions.loginState(userId, origin));
  return latestLock(states, now);
}

/** A right password: the counts of this place and of every place together start again. */
export async function forgetWrongPasswords(
  ctx: Pick<Context, 'sessions' | 'origin'>,
  userId: string,
): Promise<void> {
  for (const [origin] of placesOf(ctx)) await ctx.sessions.clearLoginState(userId, origin);
}

/**
 * What head office counts a username no one has under (`ctx.origin` set): a sign-in with it is
 * refused and locked as a real one is, so the answers never tell which usernames exist. Never
 * an id (ids are UUIDs). A PC says plainly that it has not heard of a username (not-heard-of.ts)
 * and keeps no count for one.
 */
export const unknownUserKey = (username: string) => `?${username}`;

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
 * through counts as a use for the idle clock. Runs before the call; answers at once where the
 * store does (a PC's), so a command then runs synchronously in its transaction either way.
 */
export function resolveSession(
  ctx: Pick<Context, 'db' | 'now'>,
  store: SessionStore,
  token: string,
): Answer<Actor> {
  const hash = tokenHash(token);
  return andThen(store.find(hash), (session) => {
    const now = ctx.now();
    const verdict = judge(ctx, store, session, now);
    if (verdict instanceof DomainError) throw verdict;
    if ('ended' in verdict)
      return andThen(store.end(hash), () => {
        throw verdict.ended;
      });
    // Only a store with an idle clock keeps uses (a PC's has none: no write, no wait).
    return store.idleMs === undefined
      ? verdict
      : andThen(store.recordUse(hash, now), () => verdict);
  });
}

/** The person behind a found sign-in; an error; or why the sign-in has ended (it is then ended). */
function judge(
  ctx: Pick<Context, 'db'>,
  store: SessionStore,
  session: FoundSession | null,
  now: number,
): Actor | DomainError | { ended: DomainError } {
  if (!session) return signedOut();
  const user: SessionUser | undefined =
    session.user ?? userById(ctx.db).get({ id: session.userId });
  // Made before the person's password changed (through any process): ended.
  if (
    !user ||
    (session.credential !== null && session.credential !== tokenHash(user.passwordHash ?? ''))
  )
    return { ended: signedOut() };
  const idleEnd = store.idleMs === undefined ? Infinity : session.lastUsedAt + store.idleMs;
  if (Math.min(session.expiresAt, idleEnd) <= now)
    return {
      ended: new DomainError(
        'SESSION_EXPIRED',
        idleEnd < session.expiresAt
          ? 'You were signed out after a time without activity. Sign in again.'
          : 'Your session has expired. Sign in again.',
      ),
    };
  if (user.disabled)
    return new DomainError('ACCOUNT_DISABLED', 'This account is disabled. Ask an admin.');
  return {
    userId: session.userId,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    branchId: user.branchId,
  };
}
