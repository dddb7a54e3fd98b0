// Console sign-ins and lockout counts as head office keeps them: in the store every server
// process shares (SQLite, or PostgreSQL behind a load balancer), never in a process's replica.
// The core's rules (core/auth/sessions.ts, core/auth/commands.ts) decide; this is where they
// read and write. So a person signed in through one process is signed in on all of them;
// signing out, or a password change, ends it on all of them; wrong passwords count toward one
// lockout whichever process they reach (the store counts each atomically); and a sign-in ends
// after a time without calls, whichever process served its last one (touchSession).
import type {
  FoundSession,
  LoginPolicy,
  LoginState,
  NewSession,
  SessionStore,
} from '../core/auth/session-store';
import type { EventStore } from './store/types';

/** How long a console sign-in lasts without a call, unless the server is told otherwise. */
export const CONSOLE_IDLE_MS = 30 * 60 * 1000;

export class ConsoleSessions implements SessionStore {
  readonly idleMs: number;

  constructor(
    private readonly store: EventStore,
    options: { idleMs?: number } = {},
  ) {
    this.idleMs = options.idleMs ?? CONSOLE_IDLE_MS;
  }

  async find(tokenHash: string): Promise<FoundSession | null> {
    const s = await this.store.session(tokenHash);
    return (
      s && {
        userId: s.userId,
        credential: s.credential,
        createdAt: s.createdAt,
        expiresAt: s.expiresAt,
        lastUsedAt: s.lastUsedAt,
      }
    );
  }

  async open(s: NewSession): Promise<void> {
    const { deviceId: _atHeadOffice, ...record } = s;
    await this.store.putSession(record, s.createdAt);
  }

  async end(tokenHash: string): Promise<void> {
    await this.store.endSession(tokenHash);
  }

  async endAllOf(userId: string): Promise<void> {
    await this.store.endSessionsOf(userId);
  }

  async recordUse(tokenHash: string, at: number): Promise<void> {
    await this.store.touchSession(tokenHash, at);
  }

  loginState(userId: string, origin: string): Promise<LoginState | null> {
    return this.store.loginState(userId, origin);
  }

  loginStates(): Promise<LoginState[]> {
    return this.store.loginStates();
  }

  recordFailedLogin(
    userId: string,
    origin: string,
    now: number,
    policy: LoginPolicy,
  ): Promise<LoginState> {
    return this.store.recordFailedLogin(userId, origin, now, policy);
  }

  clearLoginState(userId: string, origin?: string): Promise<void> {
    return this.store.clearLoginState(userId, origin);
  }
}
