// Sign-ins and lockout counts as a branch PC keeps them: in its own database (the device-local
// tables `sessions` and `login_state`), which one process uses. The database forgets a person's
// sign-ins itself when their password changes or they are disabled (core/auth/events.ts), also
// when the change arrives by sync, so no credential is checked here; nor is there an idle clock.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { prepared } from '../db/prepared';
import { loginState, sessions } from '../db/schema';
import type {
  FoundSession,
  LoginPolicy,
  LoginState,
  NewSession,
  SessionStore,
  SessionUser,
} from './session-store';

/** One more wrong password at `now` on `state`, by the rules SessionStore.recordFailedLogin states. */
export function countFailedLogin(state: LoginState, now: number, policy: LoginPolicy): LoginState {
  if (state.lockedUntil !== null && state.lockedUntil > now) return state;
  const failed = (state.lockedUntil !== null ? 0 : state.failedAttempts) + 1;
  const { userId, origin } = state;
  return failed >= policy.maxAttempts
    ? { userId, origin, failedAttempts: 0, lockedUntil: now + policy.lockMs }
    : { userId, origin, failedAttempts: failed, lockedUntil: null };
}

/**
 * Whoever calls a PC's core is at the PC: one place, ''. A count from elsewhere is a caller's
 * mistake (only head office's store keeps places), not something to fold into the PC's.
 */
function onePlace(origin: string): void {
  if (origin !== '')
    throw new Error(`a branch PC counts wrong passwords at the PC only, not at "${origin}"`);
}

/** A sign-in and its person in one read: the check every call makes. */
interface SessionWithUser extends Omit<SessionUser, 'disabled' | 'passwordHash'> {
  userId: string;
  createdAt: number;
  expiresAt: number;
  disabled: number;
}

const sessionAndUser = (db: Db, hash: string) =>
  // raw SQL: every call on a PC runs this before anything else; one read of both (drizzle's
  // prepared get adds about 2 µs a read, and two reads about 15 µs to `npm run bench`'s
  // stock.balance call of about 40 µs).
  db.sqlite
    .prepare(
      `SELECT s.user_id AS userId, s.created_at AS createdAt, s.expires_at AS expiresAt,
              u.username, u.display_name AS displayName, u.role, u.branch_id AS branchId,
              u.disabled
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
    )
    .get(hash) as SessionWithUser | undefined;

const stateOf = prepared((orm) =>
  orm
    .select()
    .from(loginState)
    .where(eq(loginState.userId, sql.placeholder('userId')))
    .prepare(),
);

export class BranchSessions implements SessionStore {
  constructor(private readonly db: Db) {}

  find(tokenHash: string): FoundSession | null {
    const row = sessionAndUser(this.db, tokenHash);
    if (!row) return null;
    return {
      userId: row.userId,
      credential: null,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
      lastUsedAt: row.createdAt,
      user: {
        username: row.username,
        displayName: row.displayName,
        role: row.role,
        branchId: row.branchId,
        disabled: row.disabled !== 0,
      },
    };
  }

  async open(s: NewSession): Promise<void> {
    this.db.orm
      .insert(sessions)
      .values({
        tokenHash: s.tokenHash,
        userId: s.userId,
        deviceId: s.deviceId,
        createdAt: s.createdAt,
        expiresAt: s.expiresAt,
      })
      .run();
  }

  end(tokenHash: string): void {
    this.db.orm.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
  }

  async endAllOf(userId: string): Promise<void> {
    this.db.orm.delete(sessions).where(eq(sessions.userId, userId)).run();
  }

  recordUse(): void {}

  async loginState(userId: string, origin: string): Promise<LoginState | null> {
    onePlace(origin);
    return this.stateOf(userId);
  }

  private stateOf(userId: string): LoginState | null {
    const row = stateOf(this.db).get({ userId });
    return row ? { ...row, origin: '' } : null;
  }

  async loginStates(): Promise<LoginState[]> {
    return this.db.orm
      .select()
      .from(loginState)
      .orderBy(loginState.userId)
      .all()
      .map((row) => ({ ...row, origin: '' }));
  }

  async recordFailedLogin(
    userId: string,
    origin: string,
    now: number,
    policy: LoginPolicy,
  ): Promise<LoginState> {
    onePlace(origin);
    // Read and written in one transaction, so no other count comes between.
    return this.db.sqlite
      .transaction(() => {
        const was = this.stateOf(userId) ?? {
          userId,
          origin,
          failedAttempts: 0,
          lockedUntil: null,
        };
        const next = countFailedLogin(was, now, policy);
        if (next !== was)
          this.db.orm
            .insert(loginState)
            .values({
              userId,
              failedAttempts: next.failedAttempts,
              lockedUntil: next.lockedUntil,
            })
            .onConflictDoUpdate({
              target: loginState.userId,
              set: { failedAttempts: next.failedAttempts, lockedUntil: next.lockedUntil },
            })
            .run();
        return next;
      })
      .immediate();
  }

  async clearLoginState(userId: string, origin?: string): Promise<void> {
    if (origin !== undefined) onePlace(origin);
    this.db.orm.delete(loginState).where(eq(loginState.userId, userId)).run();
  }
}
