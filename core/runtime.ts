// A branch's core as one object: its database, its files, its clock, and call(). Every
// transport (Electron's utility process, the local web mode, tests) builds one of these.
import { join } from 'node:path';
import { BranchSessions } from './auth/branch-sessions';
import { andThen, isPromise, type Answer, type SessionStore } from './auth/session-store';
import { resolveSession } from './auth/sessions';
import { loadClock, loadDevice } from './branches/device';
import { operations, type InputOf, type OperationName, type OutputOf } from './contract/api';
import type { Actor, Context, DeviceIdentity, HostServices } from './contract/context';
import { execute } from './contract/execute';
import { DomainError } from './errors';
import { openDatabase, type Db, type OpenOptions } from './db/open';
import { FileStore } from './files/store';
import type { HybridClock } from './hlc';
import { correctedClock } from './sync/clock';
import { applyDeferred } from './sync/apply';
import { fillAggregates } from './analytics/aggregates';
import { closeSeries, openSeries } from './branches/series';

export interface BranchCoreOptions extends OpenOptions {
  now?: () => number;
  services?: HostServices;
  sessions?: SessionStore;
}

/** Who a call's context is for: the token it came with and the person or refusal behind it. */
type Caller = Pick<Context, 'sessionToken' | 'authError' | 'origin'> & { actor?: Actor };

export class BranchCore {
  readonly db: Db;
  readonly files: FileStore;
  private device: DeviceIdentity | null;
  private clock: HybridClock;
  readonly now: () => number;
  /** Set by the host once it has them (the sync connection needs the core first). */
  services: HostServices;
  /** Sign-ins and lockout counts: this database's, unless the host keeps them elsewhere. */
  sessions: SessionStore;

  constructor(
    readonly dataDir: string,
    options: BranchCoreOptions = {},
  ) {
    this.services = options.services ?? {};
    this.db = openDatabase(join(dataDir, 'branch.sqlite'), options);
    this.sessions = options.sessions ?? new BranchSessions(this.db);
    // Before anything is numbered: a database restored from a backup numbers in a new series.
    openSeries(this.db, dataDir);
    // Events an older version of the app kept aside are applied now that it knows them.
    this.db.sqlite.transaction(() => applyDeferred(this.db)).immediate();
    // A database written before the dashboards' aggregates gets them, once (decision 0035).
    this.db.sqlite.transaction(() => fillAggregates(this.db)).immediate();
    // Everything this PC dates and stamps follows head office's clock (core/sync/clock.ts).
    this.now = correctedClock(this.db, options.now ?? Date.now);
    this.files = new FileStore(join(dataDir, 'files'));
    this.device = loadDevice(this.db);
    this.clock = loadClock(this.db, this.device, this.now);
  }

  /**
   * The context for a call: by no one in particular, or (from signedIn) by the person a token
   * names. Built in one object literal: every call on a PC makes one, and copying it with a
   * spread cost about 1.5 µs each time (4% of `npm run bench`'s stock.balance call).
   */
  context(caller?: Caller): Context {
    const current = loadDevice(this.db);
    if (current?.id !== this.device?.id) {
      this.device = current;
      this.clock = loadClock(this.db, current, this.now);
    }
    return {
      db: this.db,
      files: this.files,
      clock: this.clock,
      now: this.now,
      device: this.device,
      actor: caller?.actor ?? null,
      sessions: this.sessions,
      services: this.services,
      sessionToken: caller?.sessionToken,
      authError: caller?.authError,
      origin: caller?.origin,
    };
  }

  /**
   * The context for one call: who is calling (by session token) and from which device, and at
   * head office from which address (`origin`). The sign-in is looked up before the call runs; at
   * once where the store answers at once (a PC's).
   */
  signedIn(sessionToken?: string, origin?: string): Answer<Context> {
    if (!sessionToken) return this.context(origin === undefined ? undefined : { origin });
    try {
      const actor = resolveSession(this, this.sessions, sessionToken);
      return isPromise(actor)
        ? actor.then(
            (a) => this.context({ sessionToken, actor: a, origin }),
            (error: unknown) => this.refused(sessionToken, error, origin),
          )
        : this.context({ sessionToken, actor, origin });
    } catch (error) {
      return this.refused(sessionToken, error, origin);
    }
  }

  /**
   * A stale token does not stop what anyone may do (sign in again, see setup and sync status);
   * execute() raises it for everything else.
   */
  private refused(sessionToken: string, error: unknown, origin: string | undefined): Context {
    if (error instanceof DomainError)
      return this.context({ sessionToken, authError: error, origin });
    throw error;
  }

  /**
   * Untyped entry for transports: the name and input come from outside and are checked. A
   * transport over the network says where the call came from (`origin`, see Context).
   */
  callRaw(name: string, input: unknown, sessionToken?: string, origin?: string): Promise<unknown> {
    try {
      return Promise.resolve(
        andThen(this.signedIn(sessionToken, origin), (ctx) =>
          execute(operations, ctx, name, input),
        ),
      );
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async call<N extends OperationName>(
    name: N,
    input: InputOf<N>,
    sessionToken?: string,
  ): Promise<OutputOf<N>> {
    return (await this.callRaw(name, input, sessionToken)) as OutputOf<N>;
  }

  close(): void {
    closeSeries(this.db);
    this.db.close();
  }
}
