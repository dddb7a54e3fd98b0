// Where a host keeps sign-ins and lockout counts: the core's port, which login, logout, a
// password change and every call's check of its token use. A branch PC keeps them in its own
// database (./branch-sessions.ts); head office's server processes keep them in the store they
// share (sync-server/console-sessions.ts), so every process sees the same ones. Types only, and
// importing nothing of the contract: the contract's context names this without an import cycle.

/** Wrong passwords counted toward a lockout, per person (see MAX_FAILED_LOGINS). */
export interface LoginState {
  userId: string;
  failedAttempts: number;
  lockedUntil: number | null;
}

/** The lockout rule a store applies when it counts a wrong password. */
export interface LoginPolicy {
  /** Wrong passwords in a row that lock the account (the count then starts again at 0). */
  maxAttempts: number;
  lockMs: number;
}

/**
 * A sign-in as a store keeps it: the person, and a digest of their password when they signed in
 * (`credential`), so a sign-in made before a password change never comes back.
 */
export interface SessionRecord {
  tokenHash: string;
  userId: string;
  credential: string;
  createdAt: number;
  expiresAt: number;
}

/** A sign-in as it is opened: on a branch PC, also the device it was made at. */
export interface NewSession extends SessionRecord {
  deviceId: string;
}

/** A sign-in as a store finds it. */
export interface FoundSession {
  userId: string;
  /**
   * The digest the sign-in was opened with, checked against the person's password now; null
   * where the store itself forgets a person's sign-ins when their password changes (a branch
   * PC's database does, as it applies the change).
   */
  credential: string | null;
  createdAt: number;
  expiresAt: number;
  /** The latest call it served that any process recorded (its creation until one does). */
  lastUsedAt: number;
}

export interface SessionStore {
  /** Sign-ins end after this long without a call (head office's console); never when absent. */
  readonly idleMs?: number;
  find(tokenHash: string): Promise<FoundSession | null>;
  open(session: NewSession): Promise<void>;
  end(tokenHash: string): Promise<void>;
  /** Ends every sign-in of one person (their password changed, or they were disabled). */
  endAllOf(userId: string): Promise<void>;
  /** Records a call the sign-in served, for the idle clock (nothing where there is none). */
  recordUse(tokenHash: string, at: number): Promise<void>;

  loginState(userId: string): Promise<LoginState | null>;
  /** Every person's count, for the list of users. */
  loginStates(): Promise<LoginState[]>;
  /**
   * Counts one wrong password at `now`, atomically (wrong passwords checked at once all count):
   * a lock that has run out starts the count again; reaching `maxAttempts` locks until
   * now + lockMs and sets the count back to 0; while still locked nothing changes. Returns the
   * state as it now is.
   */
  recordFailedLogin(userId: string, now: number, policy: LoginPolicy): Promise<LoginState>;
  /** Forgets one person's count (a sign-in, an admin's unlock). */
  clearLoginState(userId: string): Promise<void>;
}
