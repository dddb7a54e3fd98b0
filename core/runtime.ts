// A branch's core as one object: its database, its files, its clock, and call(). Every
// transport (Electron's utility process, the local web mode, tests) builds one of these.
import { join } from 'node:path';
import { BranchSessions } from './auth/branch-sessions';
import type { SessionStore } from './auth/session-store';
import { resolveSession } from './auth/sessions';
import { loadClock, loadDevice } from './branches/device';
import { operations, type InputOf, type OperationName, type OutputOf } from './contract/api';
import type { Context, DeviceIdentity, HostServices } from './contract/context';
import { execute } from './contract/execute';
import { DomainError } from './errors';
import { openDatabase, type Db, type OpenOptions } from './db/open';
import { FileStore } from './files/store';
import type { HybridClock } from './hlc';
import { correctedClock } from './sync/clock';
import { applyDeferred } from './sync/apply';
import { closeSeries, openSeries } from './branches/series';

export interface BranchCoreOptions extends OpenOptions {
  now?: () => number;
  services?: HostServices;
  sessions?: SessionStore;
}

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
    // Everything this PC dates and stamps follows head office's clock (core/sync/clock.ts).
    this.now = correctedClock(this.db, options.now ?? Date.now);
    this.files = new FileStore(join(dataDir, 'files'));
    this.device = loadDevice(this.db);
    this.clock = loadClock(this.db, this.device, this.now);
  }

  /** The context for a call by no one in particular (see signedIn for a caller's). */
  context(): Context {
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
      actor: null,
      sessions: this.sessions,
      services: this.services,
    };
  }

  /**
   * The context for one call: who is calling (by session token) and from which device. The
   * sign-in is looked up before the call runs, as the store may answer asynchronously.
   */
  async signedIn(sessionToken?: string): Promise<Context> {
    const base = this.context();
    if (!sessionToken) return base;
    const ctx = { ...base, sessionToken };
    try {
      return { ...ctx, actor: await resolveSession(ctx, this.sessions, sessionToken) };
    } catch (error) {
      // A stale token does not stop what anyone may do (sign in again, see setup and sync
      // status); execute() raises it for everything else.
      if (error instanceof DomainError) return { ...ctx, authError: error };
      throw error;
    }
  }

  /** Untyped entry for transports: the name and input come from outside and are checked. */
  async callRaw(name: string, input: unknown, sessionToken?: string): Promise<unknown> {
    return execute(operations, await this.signedIn(sessionToken), name, input);
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
