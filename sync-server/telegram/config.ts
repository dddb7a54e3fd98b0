// Telegram's settings from the command line and environment. The token and address given here
// are stored at start (as if the admin had set them); the admin console can change them later.

export interface TelegramConfig {
  /** --telegram-token or TELEGRAM_BOT_TOKEN. */
  token?: string | null;
  /** --public-url or PUBLIC_URL: the https address Telegram posts updates to. */
  publicUrl?: string | null;
  /** TELEGRAM_API_URL: a local Bot API server, or the test suite's fake one. */
  apiUrl?: string;
  /** How often the sender looks for due rows (and other processes' events), ms. */
  pollMs?: number;
  /** First retry delay after a failure; doubles per attempt up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts before a row that keeps failing (not 429) is marked failed. */
  maxAttempts?: number;
  /** How long a claimed row is reserved for the process sending it. */
  leaseMs?: number;
  /**
   * How long the sender lease lasts unrenewed (renewed every poll): another server process
   * takes over sending within this once the one sending stops answering.
   */
  senderLeaseMs?: number;
  requestTimeoutMs?: number;
  linkCodeTtlMs?: number;
  /** Time zone for times on the cards; the server's own by default. */
  timeZone?: string;
  /** Least time between two messages in one group (Telegram: about 20 a minute), ms. */
  groupPaceMs?: number;
  /** Least time between two messages in one private chat (Telegram: about one a second), ms. */
  privatePaceMs?: number;
  /** First retry of a failed setWebhook; doubles up to webhookRetryMaxMs. */
  webhookRetryBaseMs?: number;
  webhookRetryMaxMs?: number;
  /** How often the webhook's state is asked of Telegram (getWebhookInfo), ms. */
  webhookCheckMs?: number;
  /** A PDF button pressed again by the same person on the same card within this sends nothing. */
  buttonRepeatMs?: number;
}

export type ResolvedTelegramConfig = Required<
  Omit<TelegramConfig, 'token' | 'publicUrl' | 'timeZone'>
> &
  Pick<TelegramConfig, 'token' | 'publicUrl' | 'timeZone'>;

export const resolveTelegramConfig = (c: TelegramConfig = {}): ResolvedTelegramConfig => ({
  token: c.token ?? null,
  publicUrl: c.publicUrl ?? null,
  timeZone: c.timeZone,
  apiUrl: c.apiUrl ?? 'https://api.telegram.org',
  pollMs: c.pollMs ?? 2000,
  retryBaseMs: c.retryBaseMs ?? 2000,
  retryMaxMs: c.retryMaxMs ?? 10 * 60_000,
  maxAttempts: c.maxAttempts ?? 15,
  leaseMs: c.leaseMs ?? 2 * 60_000,
  senderLeaseMs: c.senderLeaseMs ?? Math.max(15_000, 5 * (c.pollMs ?? 2000)),
  requestTimeoutMs: c.requestTimeoutMs ?? 30_000,
  linkCodeTtlMs: c.linkCodeTtlMs ?? 15 * 60_000,
  groupPaceMs: c.groupPaceMs ?? 3000,
  privatePaceMs: c.privatePaceMs ?? 1000,
  webhookRetryBaseMs: c.webhookRetryBaseMs ?? 5000,
  webhookRetryMaxMs: c.webhookRetryMaxMs ?? 5 * 60_000,
  webhookCheckMs: c.webhookCheckMs ?? 60_000,
  buttonRepeatMs: c.buttonRepeatMs ?? 30_000,
});

/** Options for node:util parseArgs. */
export const telegramArgs = {
  'telegram-token': { type: 'string' },
  'public-url': { type: 'string' },
} as const;

export function telegramConfig(
  values: { 'telegram-token'?: string | undefined; 'public-url'?: string | undefined },
  env: NodeJS.ProcessEnv,
): TelegramConfig {
  return {
    token: values['telegram-token'] ?? env['TELEGRAM_BOT_TOKEN'] ?? null,
    publicUrl: values['public-url'] ?? env['PUBLIC_URL'] ?? null,
    ...(env['TELEGRAM_API_URL'] && { apiUrl: env['TELEGRAM_API_URL'] }),
  };
}
