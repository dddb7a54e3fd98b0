// Telegram's state at head office: settings (the bot token lives here, never in the replica
// that syncs to branches), handled updates, groups and their links, linked Telegram users, the
// notification outbox and each order's anchor card. SQLite for one server process; PostgreSQL
// (tables beside the event log) when several processes share one database.
import type { CardAudience } from '../../../core/telegram/card';
import type { GroupRole, TelegramGroup } from '../../../core/telegram/service';

export type OutboxKind = 'card' | 'document' | 'message';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxRow {
  id: number;
  /** Unique: the same cause never makes two rows (re-scanning events, a repeated update). */
  key: string;
  /** Rows of one lane (an order in one chat) are sent one at a time, in order. */
  lane: string;
  /** The server sequence of the order event that caused it (0 for others); a process sends it
   * only once its replica has folded that far, so it renders what the event did. */
  eventSeq: number;
  orderId: string | null;
  orderNumber: string | null;
  chatId: number;
  kind: OutboxKind;
  document: string | null;
  /** Who the card is for: an order's branch or finance group, or the purchasing group. */
  audience: CardAudience | 'purchasing' | null;
  cause: string;
  /** The HTML of a plain message. */
  text: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAt: number;
  claimedBy: string | null;
  claimedUntil: number | null;
  error: string | null;
  messageIds: number[];
  /**
   * Set when an attempt got no answer (Telegram may have taken the message): the highest message
   * id the bot knew in the chat then. The lost copy, if any, has a higher id than this.
   */
  uncertainAfter: number | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}

export type NewOutboxRow = Pick<
  OutboxRow,
  | 'key'
  | 'eventSeq'
  | 'orderId'
  | 'orderNumber'
  | 'chatId'
  | 'kind'
  | 'document'
  | 'audience'
  | 'cause'
  | 'text'
>;

export interface OutboxResult {
  status: 'sent' | 'pending' | 'failed';
  error: string | null;
  /** For pending: when to try again. */
  nextAt?: number;
  messageIds?: number[];
  /** Set (or cleared with null) after an attempt that got no answer; see OutboxRow. */
  uncertainAfter?: number | null;
  /** Pacing: the chat's next message waits until then (Telegram's flood limits, a 429). */
  chatNextAt?: number;
}

/** What the sender remembers per chat: when it may send there next, the newest message id. */
export interface ChatPace {
  chatId: number;
  nextAt: number;
  lastMessageId: number | null;
}

export interface Anchor {
  orderId: string;
  chatId: number;
  messageId: number;
  /** What the card shows now, so an unchanged card is not edited again. */
  text: string;
  markup: string;
  updatedAt: number;
}

export interface OutboxFilter {
  orderId?: string | undefined;
  status?: OutboxStatus | undefined;
  limit: number;
  offset: number;
}

export interface TelegramStore {
  readonly kind: 'sqlite' | 'postgres';

  setting(key: string): Promise<string | null>;
  setSetting(key: string, value: string | null): Promise<void>;
  /** Stores `value` unless the key has one: the first process to start picks the webhook secret. */
  initSetting(key: string, value: string): Promise<string>;

  /** How far order events were turned into outbox rows; only ever moves forward. */
  cursor(): Promise<number>;
  advanceCursor(seq: number): Promise<void>;

  /** True the first time an update id is seen. */
  recordUpdate(updateId: number, at: number): Promise<boolean>;
  /** Lets Telegram's retry of an update that failed half-way be handled again. */
  forgetUpdate(updateId: number): Promise<void>;
  /** Drops ids received before `before` (Telegram gives up redelivering after 24 hours). */
  pruneUpdates(before: number): Promise<void>;

  saveGroup(group: { chatId: number; title: string; type: string }, at: number): Promise<void>;
  /** Marks a group inactive; `reason` says why when it was not the bot leaving (kicked, seen on a send). */
  deactivateGroup(chatId: number, at: number, reason?: string): Promise<void>;
  /** A group upgraded to a supergroup gets a new chat id; its link and waiting rows follow. */
  migrateGroup(from: number, to: number): Promise<void>;
  groups(): Promise<TelegramGroup[]>;
  group(chatId: number): Promise<TelegramGroup | null>;
  /** Links a group to a branch or to finance (taking the link from any other group); neither unlinks. */
  linkGroup(
    chatId: number,
    link: { branchId: string | null; role: GroupRole | null },
  ): Promise<void>;

  createLinkCode(code: { codeHash: string; userId: string; expiresAt: number }): Promise<void>;
  /** Takes a code once: its user, or null if unknown, used or expired. */
  takeLinkCode(codeHash: string, now: number): Promise<string | null>;
  linkUser(link: {
    telegramUserId: number;
    userId: string;
    name: string;
    at: number;
  }): Promise<void>;
  linkedUser(telegramUserId: number): Promise<string | null>;

  /** Adds rows whose key is new; returns how many were added. */
  enqueue(rows: NewOutboxRow[], now: number): Promise<number>;
  /**
   * Atomically takes the next row due (pending, or sending with an expired lease) for `owner`,
   * in a chat whose pace allows a message now and that has no other row in flight, so one
   * chat's flood limit never holds back another chat and a chat gets one message at a time.
   * Fenced: `token` is the sender lease's (sync-server/leases/keeper.ts); a claim under a token
   * older than one a claim has used takes nothing, so a process that lost the lease while it
   * paused sends nothing more.
   */
  claim(
    owner: string,
    now: number,
    leaseMs: number,
    maxSeq: number,
    token: number,
  ): Promise<OutboxRow | null>;
  /** Records a claimed row's outcome and its chat's pace; false if the claim was lost. */
  finish(id: number, owner: string, result: OutboxResult, now: number): Promise<boolean>;
  /** Remembers what Telegram sent for a claimed row at once, so a retry does not send it again. */
  noteSent(id: number, owner: string, messageIds: number[]): Promise<void>;
  /** Fails every waiting row of a chat (the bot was kicked): they cannot be delivered. */
  failChat(chatId: number, error: string, now: number): Promise<number>;
  chatPace(chatId: number): Promise<ChatPace | null>;
  /** Message ids the bot is known to have in a chat (anchors, and rows changed since `since`). */
  knownMessageIds(chatId: number, since: number): Promise<Set<number>>;
  /** True if a row whose key starts with `prefix` was made since `since` or still waits. */
  recentRow(prefix: string, since: number): Promise<boolean>;
  /** Gives back rows a process claimed (null: any process's), at a stop, or left by a crash. */
  release(owner: string | null): Promise<void>;
  nextDue(maxSeq: number): Promise<number | null>;
  outbox(filter: OutboxFilter): Promise<OutboxRow[]>;
  counts(): Promise<{ pending: number; failed: number }>;

  anchor(orderId: string, chatId: number): Promise<Anchor | null>;
  saveAnchor(anchor: Anchor): Promise<void>;
  dropAnchor(orderId: string, chatId: number): Promise<void>;

  close(): Promise<void>;
}
