// The sender loop: plan rows from the replica, then claim and send due rows one at a time.
// Failures wait with exponential backoff; a 429 waits exactly as long as Telegram asked; a
// permanent error (chat not found, bot kicked) fails the row for the admin to see. Without a
// bot token rows wait, and go out once one is set.
import { randomUUID } from 'node:crypto';
import { syncCursor } from '../../core/sync/engine';
import type { HeadOfficeReplica } from '../replica';
import { Serial } from '../serial';
import { BotClient, TelegramCallError, type TelegramFailure } from './bot';
import type { ResolvedTelegramConfig } from './config';
import { planNotifications } from './planner';
import { deliver, PermanentError } from './sender';
import type { OutboxResult, OutboxRow, TelegramStore } from './store/types';

export type Log = (entry: Record<string, unknown>) => void;

const SAFETY_PLAN_MS = 30_000;
/** The planner lease lasts this many polls: a stopped holder is replaced within them. */
const LEASE_POLLS = 5;

export class Outbox {
  /** Identifies this process's claims; several processes may share a PostgreSQL store. */
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private client: { token: string; bot: BotClient } | null = null;
  private closed = false;
  /** Planning does not wait for a slow send, nor sending for planning. */
  private readonly planning: Serial;
  private readonly sending: Serial;
  private timer: NodeJS.Timeout | null = null;
  /** Until when Telegram asked this bot to hold off (429). */
  private pausedUntil = 0;
  private plannedAt = 0;

  constructor(
    private readonly store: TelegramStore,
    private readonly replica: HeadOfficeReplica,
    private readonly config: ResolvedTelegramConfig,
    private readonly log: Log,
  ) {
    const failed = (what: string) => (error: unknown) =>
      log({ level: 'error', msg: `telegram: ${what} failed`, error: String(error) });
    this.planning = new Serial(() => this.plan(), failed('planning notifications'));
    this.sending = new Serial(() => this.send(), failed('sending notifications'));
    // On a shared database this process folds eagerly only once it holds the planner lease.
    if (store.kind === 'postgres') replica.foldsEagerly = false;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.config.pollMs);
    this.timer.unref();
    void this.tick();
  }

  /**
   * With one process every fold of new events wakes the outbox (replica.onCaughtUp), so a poll
   * only sends rows whose time came, and plans now and then as a safety net.
   *
   * Processes sharing PostgreSQL do not hear each other's pushes. One of them, the holder of the
   * planner lease, catches up and plans at every poll, and folds branch pushes into its replica
   * as they come; the others send what is due and fold only when a console call needs their
   * replica current (decision 0013: a fold in every process cost each process every event).
   * A holder that stops is replaced once its lease runs out.
   */
  private async tick(): Promise<void> {
    if (this.closed) return;
    if (this.store.kind === 'postgres') {
      const now = Date.now();
      const lead = await this.store
        .lease('planner', this.owner, now, now + this.config.pollMs * LEASE_POLLS)
        .catch((error: unknown) => {
          this.log({ level: 'warn', msg: 'telegram: planner lease', error: String(error) });
          return false;
        });
      this.replica.foldsEagerly = lead;
      return lead ? this.wake() : this.sending.run();
    }
    if (Date.now() - this.plannedAt > SAFETY_PLAN_MS) return this.wake();
    return this.sending.run();
  }

  /** The client for the stored token, or null without one. Several processes see the same. */
  async bot(): Promise<BotClient | null> {
    const token = await this.store.setting('token');
    if (!token) return (this.client = null);
    if (this.client?.token !== token)
      this.client = {
        token,
        bot: new BotClient(token, {
          apiUrl: this.config.apiUrl,
          requestTimeoutMs: this.config.requestTimeoutMs,
        }),
      };
    return this.client.bot;
  }

  /** Plans rows for new events, then sends what is due; resolves when both are done. */
  async wake(): Promise<void> {
    if (this.closed) return;
    await this.planning.run();
    if (this.closed) return;
    await this.sending.run();
  }

  private async plan(): Promise<void> {
    // Another process plans (see tick); this one's replica folds only when a console call needs it.
    if (this.store.kind === 'postgres' && !this.replica.foldsEagerly) return;
    await this.replica.catchUp();
    if (this.closed) return;
    await planNotifications(this.replica.core.db, this.store, Date.now());
    this.plannedAt = Date.now();
  }

  private async send(): Promise<void> {
    const db = this.replica.core.db;
    const bot = await this.bot();
    if (bot) await this.foldForDueRows(db);
    while (bot && !this.closed && Date.now() >= this.pausedUntil) {
      const row = await this.store.claim(
        this.owner,
        Date.now(),
        this.config.leaseMs,
        syncCursor(db),
      );
      if (!row) return;
      const result = await this.attempt(bot, row);
      if (!(await this.store.finish(row.id, this.owner, result, Date.now())))
        this.log({ level: 'warn', msg: 'telegram: claim lost before finishing', row: row.id });
    }
  }

  /**
   * A process that does not plan folds only when rows are due that its replica cannot render
   * yet (planned by the holder of the lease from events this one has not folded).
   */
  private async foldForDueRows(db: HeadOfficeReplica['core']['db']): Promise<void> {
    if (this.store.kind !== 'postgres' || this.replica.foldsEagerly) return;
    const now = Date.now();
    const anyDue = await this.store.nextDue(Number.MAX_SAFE_INTEGER);
    if (anyDue === null || anyDue > now) return;
    const dueHere = await this.store.nextDue(syncCursor(db));
    if (dueHere === null || dueHere > now) await this.replica.catchUp();
  }

  private async attempt(bot: BotClient, row: OutboxRow): Promise<OutboxResult> {
    try {
      const messageIds = await deliver(row, {
        bot,
        store: this.store,
        replica: this.replica.core,
        timeZone: this.config.timeZone,
        now: Date.now,
      });
      return { status: 'sent', error: null, messageIds };
    } catch (error) {
      return this.afterFailure(row, failureOf(error));
    }
  }

  private afterFailure(row: OutboxRow, failure: TelegramFailure): OutboxResult {
    const now = Date.now();
    const about = { row: row.id, order: row.orderNumber, chat: row.chatId, kind: row.kind };
    if (failure.kind === 'rate_limited') {
      // The whole bot holds off: Telegram's flood limits are per bot as well as per chat.
      this.pausedUntil = Math.max(this.pausedUntil, now + failure.retryAfter * 1000);
      this.log({
        level: 'warn',
        msg: 'telegram: rate limited',
        retryAfter: failure.retryAfter,
        ...about,
      });
      return {
        status: 'pending',
        error: `Telegram asked to wait ${failure.retryAfter} s (429).`,
        nextAt: now + failure.retryAfter * 1000,
      };
    }
    if (failure.kind === 'permanent' || row.attempts >= this.config.maxAttempts) {
      const error =
        failure.kind === 'permanent'
          ? failure.description
          : `Gave up after ${row.attempts} attempts: ${failure.description}`;
      this.log({ level: 'warn', msg: 'telegram: notification failed', error, ...about });
      return { status: 'failed', error };
    }
    const delay = Math.min(
      this.config.retryMaxMs,
      this.config.retryBaseMs * 2 ** Math.max(0, row.attempts - 1),
    );
    return {
      status: 'pending',
      error: failure.description,
      nextAt: now + Math.round(delay * (1 + Math.random() * 0.2)),
    };
  }

  /** Stops the loop; a send in flight finishes and is recorded, so nothing goes out twice. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([this.planning.idle(), this.sending.idle()]);
    await this.store.release(this.owner);
  }
}

function failureOf(error: unknown): TelegramFailure {
  if (error instanceof TelegramCallError) return error.failure;
  if (error instanceof PermanentError) return { kind: 'permanent', description: error.message };
  return {
    kind: 'transient',
    description: error instanceof Error ? error.message : String(error),
  };
}
