// Where a host keeps sign-ins and lockout counts: the core's port, which login, logout, a
// password change and every call's check of its token use. A branch PC keeps them in its own
// database (./branch-sessions.ts); head office's server processes keep them in the store they
// share (sync-server/console-sessions.ts), so every process sees the same ones. Types only, and
// importing nothing of the contract: the contract's context names this without an import cycle.
import type { Role } from '../vocabulary';

/**
 * Wrong passwords counted toward a lockout, per person and place (core/auth/sessions.ts): the
 * address a call came from at head office, '*' for every place together; '' on a PC, whose
 * store keeps one count per person.
 */
export interface LoginState {
  userId: string;
  origin: string;
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
  /**
   * The person as they are now, where the store keeps people too and reads them in the same
   * query (a branch PC's database: the check of every call is then one read); absent where the
   * core reads them from its own database (head office's shared store keeps no people).
   */
  user?: SessionUser;
}

/** What the check of a call needs of the person behind a sign-in. */
export interface SessionUser {
  username: string;
  displayName: string;
  role: Role;
  branchId: string;
  disabled: boolean;
  /**
   * Checked against the sign-in's `credential`; a store whose sign-ins carry none (they are
   * forgotten when the password changes) need not read it.
   */
  passwordHash?: string;
}

/**
 * What the check every call makes may answer: at once where the store is the PC's own database,
 * so a call on a PC waits for nothing before it runs (about 6 µs a call, 15% of `npm run
 * bench`'s stock.balance), or later where the store is shared over the network.
 */
export type Answer<T> = T | Promise<T>;

export const isPromise = <T>(answer: Answer<T>): answer is Promise<T> => answer instanceof Promise;

/** `next` on the answer: at once if it is there, once it comes if it is not. */
export const andThen = <T, U>(answer: Answer<T>, next: (value: T) => Answer<U>): Answer<U> =>
  isPromise(answer) ? answer.then(next) : next(answer);

/**
 * Wrong passwords counted toward lockouts, per person and place: a branch PC's database keeps
 * them, and at head office the event store every server process shares.
 */
export interface LoginCounts {
  /**
   * One person's count from one place (an address, '*' for every address together, '' on a PC),
   * or null: no wrong password from there since the last right one or an unlock.
   */
  loginState(userId: string, origin: string): Promise<LoginState | null>;
  /** Every count, of every person and place, for the list of users. */
  loginStates(): Promise<LoginState[]>;
  /**
   * Counts one wrong password at `now`, atomically (wrong passwords checked at once, through any
   * server process, all count; head office's store in one statement):
   * a lock that has run out starts the count again; reaching `maxAttempts` locks until
   * now + lockMs and sets the count back to 0; while still locked nothing changes. Returns the
   * state as it now is.
   */
  recordFailedLogin(
    userId: string,
    origin: string,
    now: number,
    policy: LoginPolicy,
  ): Promise<LoginState>;
  /** Forgets one person's count from one place (a sign-in there), or from all (an admin's unlock). */
  clearLoginState(userId: string, origin?: string): Promise<void>;
}

export interface SessionStore extends LoginCounts {
  /** Sign-ins end after this long without a call (head office's console); never when absent. */
  readonly idleMs?: number;
  find(tokenHash: string): Answer<FoundSession | null>;
  open(session: NewSession): Promise<void>;
  end(tokenHash: string): Answer<void>;
  /** Ends every sign-in of one person (their password changed, or they were disabled). */
  endAllOf(userId: string): Promise<void>;
  /** Records a call the sign-in served, for the idle clock (called only where there is one). */
  recordUse(tokenHash: string, at: number): Answer<void>;
}
