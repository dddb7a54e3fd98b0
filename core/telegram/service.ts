// What head office offers the contract's telegram.* operations. Only the sync server has one:
// the bot token and everything Telegram lives there, never on a branch PC.

export interface TelegramSettingsView {
  /** The token with all but the bot's id and last four characters hidden; null when none is set. */
  tokenMasked: string | null;
  publicUrl: string | null;
  /** Where Telegram posts updates (publicUrl + /telegram/webhook), once both are set. */
  webhookUrl: string | null;
  /** When Telegram last accepted the webhook (setWebhook), if ever with the current settings. */
  webhookSetAt: number | null;
  botUsername: string | null;
  /** The last problem talking to Telegram about the settings (a refused token, an unreachable URL). */
  lastError: string | null;
  /**
   * Why nothing is being sent, in words that say what to do (Telegram refuses the token: 401);
   * null while sending. Every message waits and goes out once a working token is set.
   */
  paused: string | null;
  /** The webhook as Telegram last described it (getWebhookInfo); null before it was asked. */
  webhook: TelegramWebhookState | null;
  outbox: { waiting: number; failed: number };
}

export interface TelegramWebhookState {
  /** The address Telegram posts to ('' when none is set there). */
  url: string;
  /** Updates Telegram holds because it could not deliver them yet. */
  pendingUpdateCount: number;
  /** When Telegram last failed to deliver an update, and why (its words). */
  lastErrorAt: number | null;
  lastErrorMessage: string | null;
  /** When this was asked. */
  checkedAt: number;
  /** While setWebhook keeps failing: when it is tried again. */
  nextAttemptAt: number | null;
}

/** Telegram in GET /health: enough for an admin or a monitor to see it went quiet and why. */
export interface TelegramHealth {
  token: boolean;
  paused: string | null;
  webhookSetAt: number | null;
  webhook: TelegramWebhookState | null;
  lastError: string | null;
  outbox: { waiting: number; failed: number };
}

export interface TelegramSettingsInput {
  /** A new token; null removes it (notifications then wait); absent keeps it. */
  token?: string | null | undefined;
  publicUrl?: string | null | undefined;
}

/** What a group is linked to besides a branch. */
export const groupRoles = ['finance', 'purchasing'] as const;
export type GroupRole = (typeof groupRoles)[number];

export interface TelegramGroup {
  chatId: number;
  title: string;
  type: string;
  active: boolean;
  addedAt: number;
  removedAt: number | null;
  /** Why the group is inactive when the bot learnt it from Telegram's refusal (kicked), in words. */
  removedReason: string | null;
  /** The branch (shop or factory) whose orders this group follows. */
  branchId: string | null;
  /** `finance`: the group where payments are verified; `purchasing`: purchase orders' cards. */
  role: GroupRole | null;
}

export interface TelegramGroupLinkInput {
  chatId: number;
  /** Link to a branch, or to finance; neither unlinks. */
  branchId?: string | null | undefined;
  role?: GroupRole | null | undefined;
}

export type NotificationStatus = 'waiting_for_token' | 'pending' | 'sending' | 'sent' | 'failed';

export interface NotificationLogEntry {
  id: number;
  orderId: string | null;
  orderNumber: string | null;
  chatId: number;
  /** card: the order's live card (sent once, then edited); document: a PDF; message: other text. */
  kind: 'card' | 'document' | 'message';
  /** The PDF, for documents. */
  document: string | null;
  /** What caused it: the order event's type, `welcome`, `reply` or `button`. */
  cause: string;
  status: NotificationStatus;
  attempts: number;
  error: string | null;
  /** Telegram's ids of the messages sent or edited. */
  messageIds: number[];
  createdAt: number;
  updatedAt: number;
  nextAttemptAt: number | null;
  sentAt: number | null;
}

export interface TelegramLogFilter {
  orderId?: string | undefined;
  status?: NotificationStatus | undefined;
  limit: number;
  offset: number;
}

export interface TelegramLinkCode {
  /** Send `/link <code>` to the bot in a private chat. */
  code: string;
  expiresAt: number;
  botUsername: string | null;
  /** t.me link that opens the bot with the code filled in, when the bot's name is known. */
  deepLink: string | null;
}

export interface TelegramService {
  settings(): Promise<TelegramSettingsView>;
  /** What /health shows, from the store only (no call to Telegram). */
  health(): Promise<TelegramHealth>;
  setSettings(input: TelegramSettingsInput, by: string): Promise<TelegramSettingsView>;
  groups(): Promise<TelegramGroup[]>;
  linkGroup(input: TelegramGroupLinkInput): Promise<TelegramGroup>;
  log(filter: TelegramLogFilter): Promise<NotificationLogEntry[]>;
  createLinkCode(userId: string): Promise<TelegramLinkCode>;
}
