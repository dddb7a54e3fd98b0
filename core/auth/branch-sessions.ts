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
} from './session-store';

/** One more wrong password at `now` on `state`, by the rules SessionStore.recordFailedLogin states. */
export function countFailedLogin(state: LoginState, now: number, policy: LoginPolicy): LoginState {
  if (state.lockedUntil !== null && state.lockedUntil > now) return state;
  const failed = (state.lockedUntil !== null ? 0 : state.failedAttempts) + 1;
  return failed >= policy.maxAttempts
    ? { userId: state.userId, failedAttempts: 0, lockedUntil: now + policy.lockMs }
    : { userId: state.userId, failedAttempts: failed, lockedUntil: null };
}

const sessionByHash = prepared((orm) =>
  orm
    .select({
      userId: sessions.userId,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
    })
    .from(sessions)
    .where(eq(sessions.tokenHash, sql.placeholder('hash')))
    .prepare(),
);

const stateOf = prepared((orm) =>
  orm
    .select()
    .from(loginState)
    .where(eq(loginState.userId, sql.placeholder('userId')))
    .prepare(),
);

export class BranchSessions implements SessionStore {
  constructor(private readonly db: Db) {}

  async find(tokenHash: string): Promise<FoundSession | null> {
    const row = sessionByHash(this.db).get({ hash: tokenHash });
    return row ? { ...row, credential: null, lastUsedAt: row.createdAt } : null;
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

  async end(tokenHash: string): Promise<void> {
    this.db.orm.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
  }

  async endAllOf(userId: string): Promise<void> {
    this.db.orm.delete(sessions).where(eq(sessions.userId, userId)).run();
  }

  async recordUse(): Promise<void> {}

  async loginState(userId: string): Promise<LoginState | null> {
    return this.stateOf(userId);
  }

  private stateOf(userId: string): LoginState | null {
    return stateOf(this.db).get({ userId }) ?? null;
  }

  async loginStates(): Promise<LoginState[]> {
    return this.db.orm.select().from(loginState).orderBy(loginState.userId).all();
  }

  async recordFailedLogin(userId: string, now: number, policy: LoginPolicy): Promise<LoginState> {
    // Read and written in one transaction, so no other count comes between.
    return this.db.sqlite
      .transaction(() => {
        const was = this.stateOf(userId) ?? { userId, failedAttempts: 0, lockedUntil: null };
        const next = countFailedLogin(was, now, policy);
        if (next !== was)
          this.db.orm
            .insert(loginState)
            .values(next)
            .onConflictDoUpdate({
              target: loginState.userId,
              set: { failedAttempts: next.failedAttempts, lockedUntil: next.lockedUntil },
            })
            .run();
        return next;
      })
      .immediate();
  }

  async clearLoginState(userId: string): Promise<void> {
    this.db.orm.delete(loginState).where(eq(loginState.userId, userId)).run();
  }
}
