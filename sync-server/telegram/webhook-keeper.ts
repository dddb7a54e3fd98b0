// Keeps Telegram's webhook registered: setWebhook once a token and a public address are set,
// again with backoff while it fails (Telegram out of reach at start), again when Telegram's own
// record (getWebhookInfo) no longer names our address; and keeps what getWebhookInfo said
// (updates waiting, Telegram's last delivery error) for the console and /health. With several
// server processes only the holder of the sender lease runs it (outbox.ts), so it happens once;
// when the next try is due is kept in the store, so a new holder goes on from there.
import { z } from 'zod';
import type { TelegramWebhookState } from '../../core/telegram/service';
import type { BotClient } from './bot';
import type { ResolvedTelegramConfig } from './config';
import type { Log } from './outbox';
import type { TelegramStore } from './store/types';

export const WEBHOOK_PATH = '/telegram/webhook';

export const webhookUrl = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;

const stored = z.object({
  url: z.string(),
  pendingUpdateCount: z.number(),
  lastErrorAt: z.number().nullable(),
  lastErrorMessage: z.string().nullable(),
  checkedAt: z.number(),
});

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class WebhookKeeper {
  private failures = 0;
  private checkedAt = 0;

  constructor(
    private readonly store: TelegramStore,
    private readonly bot: () => Promise<BotClient | null>,
    private readonly config: ResolvedTelegramConfig,
    private readonly secret: string,
    private readonly log: Log,
  ) {}

  /** Registers now; true when Telegram accepted. A failure is kept as the admin's last error. */
  async register(): Promise<boolean> {
    const [bot, publicUrl] = [await this.bot(), await this.store.setting('publicUrl')];
    if (!bot || !publicUrl) return false;
    try {
      await bot.setWebhook(webhookUrl(publicUrl), this.secret);
      await this.store.setSetting('webhookSetAt', String(Date.now()));
      await this.store.setSetting('webhookNextAt', null);
      if ((await this.store.setting('lastError'))?.startsWith('setWebhook'))
        await this.store.setSetting('lastError', null);
      this.failures = 0;
      this.checkedAt = 0; // ask Telegram how it sees the new webhook at the next round
      return true;
    } catch (error) {
      this.failures++;
      const delay = Math.min(
        this.config.webhookRetryMaxMs,
        this.config.webhookRetryBaseMs * 2 ** (this.failures - 1),
      );
      const nextTryAt = Date.now() + delay;
      await this.store.setSetting(
        'lastError',
        `setWebhook: ${message(error)} — trying again by itself (attempt ${this.failures + 1} in ${Math.ceil(delay / 1000)} s).`,
      );
      await this.store.setSetting('webhookNextAt', String(nextTryAt));
      this.log({ level: 'warn', msg: 'telegram: setWebhook failed', error: message(error) });
      return false;
    }
  }

  /** One round: register if not registered and its time came, else look at Telegram's record. */
  async maintain(now = Date.now()): Promise<void> {
    const [token, publicUrl, setAt, paused, nextTryAt] = await Promise.all([
      this.store.setting('token'),
      this.store.setting('publicUrl'),
      this.store.setting('webhookSetAt'),
      this.store.setting('tokenRefused'),
      this.store.setting('webhookNextAt'),
    ]);
    if (!token || !publicUrl || paused) return;
    if (!setAt) {
      if (now >= Number(nextTryAt ?? 0)) await this.register();
      return;
    }
    if (now - this.checkedAt < this.config.webhookCheckMs) return;
    this.checkedAt = now;
    const state = await this.refresh();
    // Someone (another deployment, a test with the same token) moved the webhook: take it back.
    if (state && state.url !== webhookUrl(publicUrl)) {
      this.log({ level: 'warn', msg: 'telegram: webhook points elsewhere', url: state.url });
      await this.store.setSetting('webhookSetAt', null);
    }
  }

  /** Asks Telegram (getWebhookInfo) and keeps the answer; null when it cannot be asked. */
  async refresh(): Promise<TelegramWebhookState | null> {
    const bot = await this.bot();
    if (!bot) return null;
    try {
      const info = await bot.getWebhookInfo(Date.now());
      await this.store.setSetting('webhookInfo', JSON.stringify(info));
      return { ...info, nextAttemptAt: await this.nextAttempt() };
    } catch (error) {
      this.log({ level: 'warn', msg: 'telegram: getWebhookInfo failed', error: message(error) });
      return null;
    }
  }

  /** What Telegram said last time, from the store (several processes see the same). */
  async state(): Promise<TelegramWebhookState | null> {
    const raw = await this.store.setting('webhookInfo');
    let parsed: unknown = null;
    try {
      parsed = raw ? JSON.parse(raw) : null;
    } catch {
      parsed = null;
    }
    const info = stored.safeParse(parsed);
    const nextAttemptAt = await this.nextAttempt();
    if (!info.success)
      return nextAttemptAt === null
        ? null
        : {
            url: '',
            pendingUpdateCount: 0,
            lastErrorAt: null,
            lastErrorMessage: null,
            checkedAt: 0,
            nextAttemptAt,
          };
    return { ...info.data, nextAttemptAt };
  }

  private async nextAttempt(): Promise<number | null> {
    const [setAt, next] = await Promise.all([
      this.store.setting('webhookSetAt'),
      this.store.setting('webhookNextAt'),
    ]);
    return setAt || !next ? null : Number(next);
  }
}
