// Console sign-ins shared by every server process on one store. Each process's replica keeps its
// own sessions table (core resolves a token there); the store holds the truth: a person signed
// in through one process is signed in on all of them, and signing out, or a password change,
// ends it on all of them.
import type { Db } from '../core/db/open';
import { adoptSession, forgetSession, sessionRecord, tokenHash } from '../core/auth/sessions';
import type { EventStore } from './store/types';

/** Calls that open a sign-in, answering its token. */
const OPENS = new Set(['auth.login', 'auth.changePassword']);

export class SharedSessions {
  constructor(
    private readonly store: EventStore,
    private readonly db: () => Db,
  ) {}

  /** Before a console call: this process's copy of the caller's sign-in, in line with the store. */
  async before(token: string | undefined): Promise<void> {
    if (!token) return;
    const hash = tokenHash(token);
    const shared = await this.store.session(hash);
    if (!shared) forgetSession(this.db(), hash);
    else if (!adoptSession(this.db(), shared)) await this.store.endSession(hash);
  }

  /** After a console call that succeeded: shares a sign-in it opened, ends one it closed. */
  async after(name: string, token: string | undefined, result: unknown): Promise<void> {
    if (token && (name === 'auth.logout' || name === 'auth.changePassword'))
      await this.store.endSession(tokenHash(token));
    const opened = OPENS.has(name) ? (result as { token?: unknown }).token : undefined;
    if (typeof opened !== 'string') return;
    const record = sessionRecord(this.db(), opened);
    if (record) await this.store.putSession(record, Date.now());
  }
}
