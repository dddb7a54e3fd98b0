// The sender loop: plan rows from the replica, then claim and send due rows one at a time,
// each chat at its own pace (a chat that Telegram asked to wait holds back only itself). What a
// failure means for the row, its chat and the bot is in ./failures.ts. Without a bot token, or
// while Telegram refuses the token (401), rows wait, and go out once a working one is set.
import { createHash, randomUUID } from 'node:crypto';
import { syncCursor } from '../../core/sync/engine';
import type { HeadOfficeReplica } from '../replica';
import { Serial } from '../serial';
import { BotClient } from './bot';
import type { ResolvedTelegramConfig } from './config';
import { afterFailure, failureOf } from './failures';
import { planNotifications } from './planner';
import { deliver } from './sender';
import type { OutboxResult, OutboxRow, TelegramStore } from './store/types';

import type { Log } from './log';
export type { Log };

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
  private plannedAt = 0;
  /** Work done once across processes, beside planning (keeping the webhook registered). */
  readonly chores: (() => Promise<void>)[] = [];
  private choring: Promise<void> | null = null;

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
      if (lead) this.doChores();
      return lead ? this.wake() : this.sending.run();
    }
    this.doChores();
    if (Date.now() - this.plannedAt > SAFETY_PLAN_MS) return this.wake();
    return this.sending.run();
  }

  /** Started, not awaited: a slow Telegram answering getWebhookInfo never holds back sending. */
  private doChores(): void {
    if (this.choring || this.closed) return;
    this.choring = (async () => {
      for (const chore of this.chores)
        await chore().catch((error: unknown) =>
          this.log({ level: 'warn', msg: 'telegram: chore failed', error: String(error) }),
        );
    })().finally(() => (this.choring = null));
  }

  /**
   * Why sending is paused, in words for the admin, or null. Telegram refused the stored token
   * (401): nothing is sent with it again until an admin sets a token (telegram.settings.set).
   */
  async paused(): Promise<string | null> {
    const [token, refused] = await Promise.all([
      this.store.setting('token'),
      this.store.setting('tokenRefused'),
    ]);
    if (!token || !refused || refused !== tokenFingerprint(token)) return null;
    return 'Telegram refuses the bot token (401 Unauthorized): it was revoked or replaced in BotFather. Nothing is lost: every message waits. Paste the current token from BotFather under “New bot token” and save; the waiting messages then go out.';
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
    if (!bot || (await this.paused())) return;
    await this.foldForDueRows(db);
    while (!this.closed) {
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
      if (await this.paused()) return;
    }
  }

  /** Telegram's pace for a chat: about 20 messages a minute in a group, one a second elsewhere. */
  private paceMs(chatId: number): number {
    return chatId < 0 ? this.config.groupPaceMs : this.config.privatePaceMs;
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
        noteSent: (ids) => this.store.noteSent(row.id, this.owner, ids),
        log: this.log,
      });
      return {
        status: 'sent',
        error: null,
        messageIds,
        uncertainAfter: null,
        chatNextAt: Date.now() + this.paceMs(row.chatId),
      };
    } catch (error) {
      const failure = failureOf(error);
      const token = (await this.store.setting('token')) ?? '';
      return afterFailure(row, failure, {
        store: this.store,
        config: this.config,
        log: this.log,
        refuseToken: () => this.store.setSetting('tokenRefused', tokenFingerprint(token)),
        pausedText: async () => (await this.paused()) ?? '',
      });
    }
  }

  /** Stops the loop; a send in flight finishes and is recorded, so nothing goes out twice. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([this.planning.idle(), this.sending.idle(), this.choring]);
    await this.store.release(this.owner);
  }
}

/** Which token Telegram refused, without keeping a second copy of it. */
const tokenFingerprint = (token: string) =>
  createHash('sha256').update(token).digest('base64url').slice(0, 16);
