// Console sign-ins shared by every server process on one store. Each process's replica keeps its
// own sessions and lockout counts (core reads them there); the store holds the truth: a person
// signed in through one process is signed in on all of them; signing out, or a password change,
// ends it on all of them; and wrong passwords count toward one lockout whichever process they
// reach (two at the very same moment through two processes may count as one). A sign-in also
// ends after a time without calls (idle), through every process alike.
import {
  adoptSession,
  endSessionAt,
  forgetSession,
  loginStates,
  replaceLoginStates,
  sessionRecord,
  tokenHash,
  type LoginState,
} from '../core/auth/sessions';
import type { Db } from '../core/db/open';
import type { ConsoleSession, EventStore } from './store/types';

/** How long a console sign-in lasts without a call, unless the server is told otherwise. */
export const CONSOLE_IDLE_MS = 30 * 60 * 1000;

/** The idle clock moves in steps of this part of the idle time: one activity mark per step. */
const STEPS_PER_IDLE = 30;

/** Calls that open a sign-in, answering its token. */
const OPENS = new Set(['auth.login', 'auth.changePassword']);

const key = (s: LoginState | undefined) =>
  s ? `${s.userId}:${s.failedAttempts}:${s.lockedUntil}` : '';

/**
 * When each sign-in was last used, shared by every process. The store keeps sign-ins by insert
 * and delete only, so a sign-in's last use cannot be updated in place (and deleting it to put it
 * back would let a sign-out in between come undone). Instead each process that serves a call
 * puts an activity mark beside the sign-in, once per step: a row keyed by a digest of the
 * sign-in and the step, which no token can name, and which the store drops once it is too old
 * to keep anything signed in. A process that has not served the sign-in lately looks for the
 * marks the others left.
 */
class IdleClock {
  private readonly lastUse = new Map<string, number>();
  private readonly marked = new Map<string, number>();
  private readonly stepMs: number;

  constructor(
    private readonly store: EventStore,
    private readonly idleMs: number,
  ) {
    this.stepMs = Math.max(1, Math.floor(idleMs / STEPS_PER_IDLE));
  }

  private mark(session: ConsoleSession, step: number): ConsoleSession {
    const end = (step + 1) * this.stepMs;
    return {
      ...session,
      tokenHash: tokenHash(`${session.tokenHash} used in step ${step} of ${this.stepMs} ms`),
      createdAt: step * this.stepMs,
      // A mark counts as a use at the end of its step; after this it keeps nothing signed in.
      expiresAt: end + this.idleMs,
    };
  }

  /** When the sign-in was last used, as far as any process has marked. */
  async lastUsed(session: ConsoleSession, now: number): Promise<number> {
    const known = Math.max(session.createdAt, this.lastUse.get(session.tokenHash) ?? 0);
    for (
      let step = Math.floor(now / this.stepMs);
      known + this.idleMs <= now && (step + 1) * this.stepMs + this.idleMs > now;
      step--
    )
      if (await this.store.session(this.mark(session, step).tokenHash))
        return Math.min(now, (step + 1) * this.stepMs);
    return known;
  }

  /** Records a use now: here at once, and for the other processes once per step. */
  async use(session: ConsoleSession, now: number): Promise<void> {
    this.lastUse.set(session.tokenHash, now);
    const step = Math.floor(now / this.stepMs);
    if (this.marked.get(session.tokenHash) === step) return;
    this.marked.set(session.tokenHash, step);
    this.forgetIdle(now);
    await this.store.putSession(this.mark(session, step), now);
  }

  forget(hash: string): void {
    this.lastUse.delete(hash);
    this.marked.delete(hash);
  }

  /** What this process remembers of sign-ins idle too long to matter (or ended elsewhere). */
  private forgetIdle(now: number): void {
    for (const [hash, at] of this.lastUse) if (at + this.idleMs <= now) this.forget(hash);
  }

  /** When a sign-in last used at `lastUsed` ends. */
  deadline(lastUsed: number): number {
    return lastUsed + this.idleMs;
  }
}

export class SharedSignIns {
  private readonly idle: IdleClock;
  private readonly now: () => number;

  /** `now`: the clock the replica's core checks sign-ins by, so both agree when one ends. */
  constructor(
    private readonly store: EventStore,
    private readonly db: () => Db,
    options: { idleMs?: number; now?: () => number } = {},
  ) {
    this.idle = new IdleClock(store, options.idleMs ?? CONSOLE_IDLE_MS);
    this.now = options.now ?? Date.now;
  }

  /**
   * Before a console call: this process's copy of the caller's sign-in and of the lockout
   * counts, in line with the store. Returns what to hand to after().
   */
  async before(token: string | undefined): Promise<LoginState[]> {
    // Copied only when they differ: most calls find them alike, and need not write.
    const shared = await this.store.loginStates();
    const here = loginStates(this.db());
    if (shared.map(key).join() !== here.map(key).join()) replaceLoginStates(this.db(), shared);
    if (token) await this.check(tokenHash(token));
    return loginStates(this.db());
  }

  /** This process's copy of one sign-in, in line with the store; a call uses it (if live). */
  private async check(hash: string): Promise<void> {
    const session = await this.store.session(hash);
    if (!session || !adoptSession(this.db(), session)) {
      this.idle.forget(hash);
      if (session) await this.store.endSession(hash);
      else forgetSession(this.db(), hash);
      return;
    }
    const now = this.now();
    const deadline = this.idle.deadline(await this.idle.lastUsed(session, now));
    if (deadline > now) {
      await this.idle.use(session, now);
      return;
    }
    // Ended here at its idle deadline, so the core refuses the call and says why.
    endSessionAt(this.db(), hash, deadline);
    this.idle.forget(hash);
    await this.store.endSession(hash);
  }

  /**
   * For a request outside /api (an update upload): this process's copy of the caller's sign-in
   * brought in line with the store, then the person behind the token as `resolve` finds them
   * here. A sign-in ended through any process is then refused here too.
   */
  async actorFor<T>(
    token: string | undefined,
    resolve: (token: string | undefined) => T,
  ): Promise<T> {
    await this.before(token);
    return resolve(token);
  }

  /**
   * After a console call, whatever its answer: lockout counts it changed go to the store; when
   * it succeeded, a sign-in it opened is shared and one it closed is ended.
   */
  async after(
    before: LoginState[],
    name: string,
    token: string | undefined,
    answer: { ok: boolean; result?: unknown },
  ): Promise<void> {
    const was = new Map(before.map((s) => [s.userId, s]));
    const now = new Map(loginStates(this.db()).map((s) => [s.userId, s]));
    for (const userId of new Set([...was.keys(), ...now.keys()])) {
      const state = now.get(userId);
      if (key(state) !== key(was.get(userId)))
        await this.store.setLoginState(
          userId,
          state ? { failedAttempts: state.failedAttempts, lockedUntil: state.lockedUntil } : null,
        );
    }
    if (!answer.ok) return;
    if (token && (name === 'auth.logout' || name === 'auth.changePassword')) {
      this.idle.forget(tokenHash(token));
      await this.store.endSession(tokenHash(token));
    }
    const opened = OPENS.has(name) ? (answer.result as { token?: unknown }).token : undefined;
    if (typeof opened !== 'string') return;
    const record = sessionRecord(this.db(), opened);
    if (record) await this.store.putSession(record, this.now());
  }
}
