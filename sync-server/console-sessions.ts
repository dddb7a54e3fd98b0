// Console sign-ins shared by every server process on one store. Each process's replica keeps its
// own sessions and lockout counts (core reads them there); the store holds the truth: a person
// signed in through one process is signed in on all of them; signing out, or a password change,
// ends it on all of them; and wrong passwords count toward one lockout whichever process they
// reach (two at the very same moment through two processes may count as one).
import {
  adoptSession,
  forgetSession,
  loginStates,
  replaceLoginStates,
  sessionRecord,
  tokenHash,
  type LoginState,
} from '../core/auth/sessions';
import type { Db } from '../core/db/open';
import type { EventStore } from './store/types';

/** Calls that open a sign-in, answering its token. */
const OPENS = new Set(['auth.login', 'auth.changePassword']);

const key = (s: LoginState | undefined) =>
  s ? `${s.userId}:${s.failedAttempts}:${s.lockedUntil}` : '';

export class SharedSignIns {
  constructor(
    private readonly store: EventStore,
    private readonly db: () => Db,
  ) {}

  /**
   * Before a console call: this process's copy of the caller's sign-in and of the lockout
   * counts, in line with the store. Returns what to hand to after().
   */
  async before(token: string | undefined): Promise<LoginState[]> {
    // Copied only when they differ: most calls find them alike, and need not write.
    const shared = await this.store.loginStates();
    const here = loginStates(this.db());
    if (shared.map(key).join() !== here.map(key).join()) replaceLoginStates(this.db(), shared);
    if (token) {
      const hash = tokenHash(token);
      const session = await this.store.session(hash);
      if (!session) forgetSession(this.db(), hash);
      else if (!adoptSession(this.db(), session)) await this.store.endSession(hash);
    }
    return loginStates(this.db());
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
    if (token && (name === 'auth.logout' || name === 'auth.changePassword'))
      await this.store.endSession(tokenHash(token));
    const opened = OPENS.has(name) ? (answer.result as { token?: unknown }).token : undefined;
    if (typeof opened !== 'string') return;
    const record = sessionRecord(this.db(), opened);
    if (record) await this.store.putSession(record, Date.now());
  }
}
