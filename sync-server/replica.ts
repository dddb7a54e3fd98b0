// Head office's own replica of everything: the admin console works on it, Telegram and nightly
// jobs read it. It is a sync client like any branch, talking to the hub in-process.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '../core/db/schema';
import { initializeSite, setupInput } from '../core/auth/commands';
import { hashPassword } from '../core/auth/password';
import { parseInput } from '../core/contract/execute';
import { text } from '../core/contract/fields';
import { saveDevice, loadDevice } from '../core/branches/device';
import { z } from 'zod';
import { branchKinds } from '../core/vocabulary';
import { BranchCore } from '../core/runtime';
import { pendingCount, SyncEngine, syncCursor, type SyncReport } from '../core/sync/engine';
import type { PullResponse, PushRequest, PushResponse } from '../core/sync/protocol';
import { pushRequest } from '../core/sync/protocol';
import type { SyncTransport } from '../core/sync/transport';
import { emit } from '../core/events/emit';
import { HttpError } from './errors';
import { parsedPage, type SyncHub } from './hub';
import { Serial } from './serial';
import type { DeviceRecord } from './store/types';

/** Head office's first run: its own branch (a head office; `kind` may be left out) and admin. */
export const headOfficeSetup = setupInput.extend({
  branch: setupInput.shape.branch.extend({
    kind: z
      .enum(branchKinds)
      .optional()
      .refine((kind) => kind === undefined || kind === 'head_office', {
        message:
          'is head office here: this server is the head office. Add factories and shops under Branches once it is set up',
      }),
  }),
  deviceName: text(120).default('Head-office server'),
});

const alreadySetUp = () =>
  new HttpError(
    409,
    'ALREADY_SET_UP',
    "Head office is set up already. Sign in with its admin's username and password.",
  );

class InProcessTransport implements SyncTransport {
  constructor(
    private readonly hub: SyncHub,
    private readonly device: DeviceRecord,
    /** Waited for before each page: a background fold's turn comes after the pushes in flight. */
    private readonly turn: () => Promise<void>,
  ) {}
  push(request: PushRequest): Promise<PushResponse> {
    const r = pushRequest.parse(request);
    return this.hub.push(this.device, r.events, { pending: r.pending, appVersion: r.appVersion });
  }
  async pull(after: number, limit: number): Promise<PullResponse> {
    // Each page waits its turn behind the requests already in: a long fold runs in slices, and
    // branch pushes and console calls are answered between them.
    await new Promise((resolve) => setImmediate(resolve));
    await this.turn();
    return parsedPage(await this.hub.pull(this.device, after, limit));
  }
  hasFile(hash: string) {
    return this.hub.store.hasFile(hash);
  }
  putFile(hash: string, bytes: Buffer) {
    return this.hub.putFile(hash, bytes);
  }
  async getFile(hash: string) {
    const bytes = await this.hub.store.getFile(hash);
    if (!bytes) throw new HttpError(404, 'NOT_FOUND', 'file not at head office');
    return bytes;
  }
}

/**
 * When branch pushes are folded into head office's replica: once they pause for `quietMs`, or at
 * the latest `maxWaitMs` after the first one still unfolded. During a burst of pushes the thread
 * serves the pushes; the fold follows, in pages of `page` events. A fold nobody waits for takes
 * each page only while no branch push is in flight (being received or taken in) and no other
 * server process on the same database has taken events in for `elsewhereQuietMs`, or once it has
 * waited `yieldMs` for that: it uses the time the machine would idle between pushes, and delays a
 * push by one page at most. A console call waiting for the fold does not yield. This process sees
 * its own pushes from arrival to answer, another's only as each commits: during a burst through
 * three processes on two cores, commits came up to 300 ms apart.
 */
export const FOLD_AFTER = {
  quietMs: 100,
  maxWaitMs: 3_000,
  page: 500,
  yieldMs: 1_000,
  elsewhereQuietMs: 500,
};

export class HeadOfficeReplica {
  readonly core: BranchCore;
  private engine: SyncEngine | null = null;
  /** Rounds of the replica's sync, one at a time; a call during one asks for one more. */
  private readonly rounds = new Serial(
    () => this.round(),
    () => undefined, // round() records its own failure
  );
  private readonly caughtUp = new Set<() => void>();
  lastReport: SyncReport | null = null;
  lastError: string | null = null;
  /**
   * Whether branch pushes are folded as they come (soon()). One process of several on a shared
   * database does (the Telegram planner, telegram/outbox.ts); the others fold when a call needs
   * their replica current.
   */
  foldsEagerly = true;

  constructor(
    dataDir: string,
    private readonly hub: SyncHub,
    private readonly appVersion: string,
  ) {
    this.core = new BranchCore(dataDir);
  }

  get ready(): boolean {
    return this.engine !== null;
  }

  /** A fold of what branches pushed is running now. */
  get folding(): boolean {
    return this.rounds.busy;
  }

  /** A fold is running, or waiting for pushes through this process to pause (soon()). */
  get foldPending(): boolean {
    return this.rounds.busy || this.waitingSince !== null;
  }

  /** Setup and attaching to the log, one at a time in this process (the store orders processes). */
  private attaching: Promise<unknown> = Promise.resolve();
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.attaching.then(work, work);
    this.attaching = run.catch(() => undefined);
    return run;
  }

  /** Connects to the log: as the first server, or as one more process on a shared database. */
  start(): Promise<void> {
    return this.exclusive(() => this.resume()).then(() => undefined);
  }

  /**
   * Attaches to the log if head office is set up, here or by another process; whether it now is.
   * Called at start and again before each console call while not attached, so a setup cut short
   * (the replica written, the store not) or made through another process is taken up at once,
   * not at the next restart.
   */
  private async resume(): Promise<boolean> {
    if (this.engine) return true;
    const device = loadDevice(this.core.db);
    if (device) {
      const known = await this.hub.store.device(device.id);
      this.attach(
        known ?? (await this.registerDevice(device.id, device.branchId, 'Head-office server')),
      );
      await this.catchUp();
      return true;
    }
    const headOffice = await this.hub.store.headOfficeBranch();
    if (!headOffice) return false; // first run: waits for setup()
    const record = await this.registerDevice(
      randomUUID(),
      headOffice,
      `Head-office server ${process.pid}`,
    );
    saveDevice(this.core.db, { id: record.id, branchId: record.branchId, number: record.number });
    this.attach(record);
    await this.catchUp();
    return true;
  }

  /**
   * First run: the head-office branch and its admin, in one step. The replica is written inside
   * the store's claim (claimHeadOffice), so of setups sent at once, to this process or another,
   * one makes head office and the rest are told it is set up; if the claim fails after the
   * replica was written, resume() records it on the next call. Decision 0017. `body` is parsed
   * here (a refusal names the field, as the contract's do).
   */
  setup(body: unknown): Promise<{
    adminId: string;
    device: { id: string; branchId: string; number: number };
  }> {
    return this.exclusive(async () => {
      if (await this.resume()) throw alreadySetUp();
      // Parsed once not set up: to a set-up head office, "sign in" helps more than a field.
      const input = parseInput(headOfficeSetup, body);
      const hash = await hashPassword(input.admin.password);
      const made: { site?: ReturnType<typeof initializeSite> } = {};
      const record = await this.hub.store.claimHeadOffice(() => {
        const site = { ...input, branch: { ...input.branch, kind: 'head_office' as const } };
        const result = this.core.db.sqlite
          .transaction(() => initializeSite(this.core.context(), site, hash))
          .immediate();
        made.site = result;
        return {
          id: result.device.id,
          branchId: result.device.branchId,
          name: input.deviceName,
          tokenHash: null,
          enrolledAt: Date.now(),
        };
      });
      if (!record || !made.site) {
        // Another process set it up a moment ago: follow it, and say so.
        await this.resume();
        throw alreadySetUp();
      }
      this.attach(record);
      await this.catchUp();
      return made.site;
    });
  }

  private async registerDevice(id: string, branchId: string, name: string): Promise<DeviceRecord> {
    await this.hub.store.setBranchKind(branchId, 'head_office');
    return this.hub.store.createDevice({
      id,
      branchId,
      name,
      tokenHash: null,
      enrolledAt: Date.now(),
    });
  }

  private attach(device: DeviceRecord): void {
    this.engine = new SyncEngine(
      this.core.db,
      this.core.files,
      device.id,
      new InProcessTransport(this.hub, device, () => this.pushesAnswered()),
      {
        appVersion: this.appVersion,
        onRemoteStamp: (hlc) => this.core.context().clock.receive(hlc),
        get pullPage() {
          return FOLD_AFTER.page;
        },
        get catchUpPage() {
          return FOLD_AFTER.page;
        },
      },
    );
  }

  /** Branch pushes received and not yet answered; calls waiting for the replica to be current. */
  private pushesInFlight = 0;
  private waiters = 0;
  private readonly answered = new Set<() => void>();
  /**
   * When another server process last said it took events in, on this process's monotonic clock
   * (a server clock stepped back would otherwise hold the fold for the size of the step).
   */
  private elsewhereAt = -Infinity;

  /** Wakes whatever waits for pushes to be answered, to look again. */
  private wakeAnswered(): void {
    const wakes = [...this.answered];
    this.answered.clear();
    for (const wake of wakes) wake();
  }

  /**
   * Told when another server process on the same database announced events it took in (decision
   * 0018's NOTIFY). Its pushes are branch pushes too: the folding process waits for them to
   * pause as for its own, so on a machine the processes share, its fold does not take the CPU
   * their pushes need (decision 0013).
   */
  pushedElsewhere(): void {
    this.elsewhereAt = performance.now();
    this.soon();
  }

  /** A background fold should let branch pushes go first now. */
  private yieldsToPushes(): boolean {
    if (this.waiters > 0) return false;
    const sinceElsewhere = performance.now() - this.elsewhereAt;
    return this.pushesInFlight > 0 || sinceElsewhere < FOLD_AFTER.elsewhereQuietMs;
  }

  /**
   * Told when a branch push arrives, before its body is read; `res` closes when it is answered
   * (or the PC hung up).
   */
  pushArrived(res: { once(event: 'close', listener: () => void): unknown }): void {
    this.pushesInFlight++;
    res.once('close', () => {
      if (--this.pushesInFlight === 0) this.wakeAnswered();
    });
  }

  /**
   * A background fold's next page: once no push is in flight here and none was taken in elsewhere
   * for FOLD_AFTER.elsewhereQuietMs, or after FOLD_AFTER.yieldMs.
   */
  private pushesAnswered(): Promise<void> {
    if (!this.yieldsToPushes()) return Promise.resolve();
    const until = performance.now() + FOLD_AFTER.yieldMs;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const look = () => {
        clearTimeout(timer);
        this.answered.delete(look);
        const left = until - performance.now();
        if (left <= 0 || !this.yieldsToPushes()) return resolve();
        // Woken when this process's pushes are answered or someone waits for the fold; else
        // when the other processes' quiet time is up.
        this.answered.add(look);
        const quietIn = this.elsewhereAt + FOLD_AFTER.elsewhereQuietMs - performance.now();
        timer = setTimeout(look, this.pushesInFlight > 0 ? left : Math.min(left, quietIn));
      };
      look();
    });
  }

  /** Brings the replica up to the log's head; calls while one runs are folded into one more round. */
  catchUp(): Promise<void> {
    return this.engine ? this.rounds.run() : Promise.resolve();
  }

  /**
   * For background work that may see the replica a few seconds behind (Telegram's planning, the
   * invoice inbox): folds now unless a fold is running or waiting for branch pushes to pause,
   * which will come by itself (at the latest FOLD_AFTER.maxWaitMs on) and wake the work again.
   * A fold forced here in the middle of a burst of pushes would hold the thread that takes them,
   * and each fold that woke the planner would force the next one.
   */
  catchUpUnlessDue(): Promise<void> {
    return this.foldPending ? Promise.resolve() : this.catchUp();
  }

  private async round(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    try {
      this.lastReport = await engine.sync();
      this.lastError = null;
      if (this.lastReport.pulled > 0) for (const listener of this.caughtUp) listener();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  /** Told after each round that folded new events in (Telegram plans its messages then). */
  onCaughtUp(listener: () => void): () => void {
    this.caughtUp.add(listener);
    return () => this.caughtUp.delete(listener);
  }

  private soonTimer: NodeJS.Timeout | null = null;
  private waitingSince: number | null = null;

  /**
   * Called after each branch push: folds the pushes once they pause (see FOLD_AFTER), not after
   * each one. The replica is head office's read model; anyone who needs it current calls
   * current() or catchUp().
   */
  soon(): void {
    if (!this.foldsEagerly) return;
    // The monotonic clock: a server clock stepped back would hold the longest wait for the step.
    const now = performance.now();
    this.waitingSince ??= now;
    if (this.soonTimer) clearTimeout(this.soonTimer);
    const due = Math.min(now + FOLD_AFTER.quietMs, this.waitingSince + FOLD_AFTER.maxWaitMs);
    this.soonTimer = setTimeout(() => void this.foldWaiting(), Math.max(0, due - now));
    this.soonTimer.unref();
  }

  private foldWaiting(): Promise<void> {
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.soonTimer = null;
    this.waitingSince = null;
    return this.catchUp();
  }

  /**
   * Before head office reads or acts: folds what was pushed and is waiting to be folded, and
   * what another server process on the same database took in (its pushes never reach this one).
   */
  async current(): Promise<void> {
    if (!this.engine) await this.exclusive(() => this.resume());
    this.waiters++;
    // A fold already yielding to pushes stops yielding: someone waits for it.
    this.wakeAnswered();
    try {
      if (this.soonTimer) await this.foldWaiting();
      else await this.rounds.idle();
      if (this.engine && (await this.hub.store.headSeq()) > syncCursor(this.core.db))
        await this.catchUp();
    } finally {
      this.waiters--;
    }
  }

  /**
   * After head office acted: what it did is in the log before the answer goes out, so the next
   * call, through any server process, sees it.
   */
  async settle(): Promise<void> {
    const device = this.engine && this.core.context().device;
    if (device && pendingCount(this.core.db, device.id) > 0) await this.catchUp();
  }

  /** Lets a round in progress finish, so no acknowledged push is left unrecorded. */
  async close(): Promise<void> {
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.engine = null;
    await this.rounds.idle();
    this.core.close();
  }
}

/** Records on the replica (and so everywhere) that a device joined a branch, as the admin who issued its code. */
export function recordEnrolledDevice(
  replica: HeadOfficeReplica,
  device: { id: string; branchId: string; number: number; name: string },
  issuedBy: string,
): void {
  const base = replica.core.context();
  const user = replica.core.db.orm
    .select({
      username: users.username,
      displayName: users.displayName,
      role: users.role,
      branchId: users.branchId,
    })
    .from(users)
    .where(eq(users.id, issuedBy))
    .get();
  if (!user) return;
  const ctx = { ...base, actor: { userId: issuedBy, ...user } };
  replica.core.db.sqlite
    .transaction(() => emit(ctx, 'device.registered', device.id, device))
    .immediate();
}
