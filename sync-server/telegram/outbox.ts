// The sender loop: plan rows from the replica, then claim and send due rows one at a time,
// each chat at its own pace (a chat that Telegram asked to wait holds back only itself). What a
// failure means for the row, its chat and the bot is in ./failures.ts. Without a bot token, or
// while Telegram refuses the token (401), rows wait, and go out once a working one is set.
//
// Of several server processes on one store, the holder of the sender lease (TELEGRAM_LEASE, in
// the event store: ../leases/keeper.ts) plans, sends, paces and keeps the webhook; the others
// only add rows (button presses, replies) to the shared outbox. A holder that stops lets go; one
// that dies is replaced once its lease runs out (docs/decisions/0019).
import { createHash } from 'node:crypto';
import { syncCursor } from '../../core/sync/engine';
import type { LeaseKeeper } from '../leases/keeper';
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

/** The lease whose holder plans, sends and paces Telegram's messages and keeps its webhook. */
export const TELEGRAM_LEASE = 'telegram';

export interface SenderLease {
  keeper: LeaseKeeper;
  /** The log's head: how a process sharing a SQLite store learns of others' pushes. */
  headSeq(): Promise<number>;
}

export class Outbox {
  /** Identifies this process's claims: the name it holds leases under. */
  readonly owner: string;
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
  private ticking = false;

  constructor(
    private readonly store: TelegramStore,
    private readonly replica: HeadOfficeReplica,
    private readonly config: ResolvedTelegramConfig,
    private readonly log: Log,
    private readonly lease: SenderLease,
  ) {
    this.owner = lease.keeper.holder;
    const failed = (what: string) => (error: unknown) =>
      log({ level: 'error', msg: `telegram: ${what} failed`, error: String(error) });
    this.planning = new Serial(() => this.plan(), failed('planning notifications'));
    this.sending = new Serial(() => this.send(), failed('sending notifications'));
    // On a shared database this process folds eagerly only once it holds the sender lease.
    if (store.kind === 'postgres') replica.foldsEagerly = false;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.config.pollMs);
    this.timer.unref();
    void this.tick();
  }

  /** This process holds the sender lease now. */
  get leads(): boolean {
    return this.lease.keeper.current() !== null;
  }

  /** Takes or renews the sender lease; whether this process holds it. */
  async lead(): Promise<boolean> {
    const lead = (await this.lease.keeper.keep()) !== null;
    // On a shared database only the holder folds pushes as they come (decision 0013).
    if (this.store.kind === 'postgres') this.replica.foldsEagerly = lead;
    return lead;
  }

  /**
   * Each poll renews the sender lease (or takes it, if free); a process without it does nothing
   * more. With one process every fold of new events wakes the outbox (replica.onCaughtUp), so a
   * poll only sends rows whose time came, and plans now and then as a safety net.
   *
   * Processes sharing PostgreSQL do not hear each other's pushes: the holder catches up and plans
   * at every poll, and folds branch pushes into its replica as they come; the others fold only
   * when a console call needs their replica current (decision 0013: a fold in every process cost
   * each process every event). Sharing a SQLite store, the holder catches up when the log moved
   * on without its replica folding anything.
   */
  private async tick(): Promise<void> {
    // Renewing never waits for a send (a slow Telegram would let the lease run out meanwhile).
    if (this.closed || this.ticking) return;
    this.ticking = true;
    const lead = await this.lead().finally(() => (this.ticking = false));
    if (!lead || this.closed) return;
    this.doChores();
    if (
      this.store.kind === 'postgres' ||
      Date.now() - this.plannedAt > SAFETY_PLAN_MS ||
      (await this.pushedElsewhere())
    )
      void this.wake();
    else void this.sending.run();
  }

  /** Events in the log that no fold here is under way or waiting for: another process took them. */
  private async pushedElsewhere(): Promise<boolean> {
    if (!this.replica.ready || this.replica.foldPending) return false;
    const head = await this.lease.headSeq().catch(() => 0); // the store away: the next poll
    return head > syncCursor(this.replica.core.db);
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
    if (!this.leads) return;
    // Woken by a fold, or by a poll: a fold waiting for pushes to pause wakes planning again.
    await this.replica.catchUpUnlessDue();
    if (this.closed) return;
    await planNotifications(this.replica.core.db, this.store, Date.now());
    this.plannedAt = Date.now();
  }

  private async send(): Promise<void> {
    const db = this.replica.core.db;
    if (!this.leads) return;
    const bot = await this.bot();
    if (!bot || (await this.paused())) return;
    while (!this.closed) {
      // Checked here and fenced in the store: a process that lost the lease stops at once.
      const lease = this.lease.keeper.current();
      if (!lease) return;
      const row = await this.store.claim(
        this.owner,
        Date.now(),
        this.config.leaseMs,
        syncCursor(db),
        lease.token,
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
    await this.lease.keeper.release();
  }
}

/** Which token Telegram refused, without keeping a second copy of it. */
const tokenFingerprint = (token: string) =>
  createHash('sha256').update(token).digest('base64url').slice(0, 16);
