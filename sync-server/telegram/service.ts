// The telegram.* operations at head office: settings, groups, the notification log, link codes.
import { DomainError } from '../../core/errors';
import type {
  NotificationLogEntry,
  TelegramGroup,
  TelegramGroupLinkInput,
  TelegramLinkCode,
  TelegramLogFilter,
  TelegramService,
  TelegramSettingsInput,
  TelegramSettingsView,
} from '../../core/telegram/service';
import type { HeadOfficeReplica } from '../replica';
import { BotClient, TelegramCallError } from './bot';
import type { ResolvedTelegramConfig } from './config';
import { hashLinkCode, newLinkCode } from './link-codes';
import type { Log, Outbox } from './outbox';
import type { OutboxRow, TelegramStore } from './store/types';

export const WEBHOOK_PATH = '/telegram/webhook';

export const maskToken = (token: string) => {
  const [id, secret = ''] = token.split(':');
  return `${id}:${'•'.repeat(8)}${secret.slice(-4)}`;
};

const webhookUrl = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;

export class HeadOfficeTelegram implements TelegramService {
  constructor(
    private readonly store: TelegramStore,
    private readonly outbox: Outbox,
    private readonly replica: HeadOfficeReplica,
    private readonly config: ResolvedTelegramConfig,
    private readonly secret: string,
    private readonly report: Log,
  ) {}

  async settings(): Promise<TelegramSettingsView> {
    const [token, publicUrl, setAt, botUsername, lastError, counts] = await Promise.all([
      this.store.setting('token'),
      this.store.setting('publicUrl'),
      this.store.setting('webhookSetAt'),
      this.store.setting('botUsername'),
      this.store.setting('lastError'),
      this.store.counts(),
    ]);
    return {
      tokenMasked: token ? maskToken(token) : null,
      publicUrl,
      webhookUrl: publicUrl ? webhookUrl(publicUrl) : null,
      webhookSetAt: setAt ? Number(setAt) : null,
      botUsername,
      lastError,
      outbox: { waiting: counts.pending, failed: counts.failed },
    };
  }

  async setSettings(input: TelegramSettingsInput, by: string): Promise<TelegramSettingsView> {
    if (input.token !== undefined) {
      if (input.token) await this.checkToken(input.token);
      else await this.store.setSetting('botUsername', null);
      await this.store.setSetting('token', input.token);
    }
    if (input.publicUrl !== undefined) await this.store.setSetting('publicUrl', input.publicUrl);
    await this.store.setSetting('webhookSetAt', null);
    await this.store.setSetting('lastError', null);
    this.report({
      level: 'info',
      msg: 'telegram: settings changed',
      by,
      token: input.token === undefined ? 'kept' : input.token ? 'set' : 'removed',
      publicUrl: input.publicUrl,
    });
    await this.registerWebhook();
    void this.outbox.wake();
    return this.settings();
  }

  /** Asks Telegram who the token belongs to: a wrong token is refused here, not at the first order. */
  private async checkToken(token: string): Promise<void> {
    const bot = new BotClient(token, {
      apiUrl: this.config.apiUrl,
      requestTimeoutMs: this.config.requestTimeoutMs,
    });
    try {
      await this.store.setSetting('botUsername', (await bot.getMe()).username);
    } catch (error) {
      if (!(error instanceof TelegramCallError)) throw error;
      if (/^(401|404)\b/.test(error.failure.description))
        throw new DomainError(
          'VALIDATION',
          'token: Telegram does not know this token. Copy it again from BotFather.',
          {
            field: 'token',
          },
        );
      // Telegram out of reach: keep the token; the outbox retries and the admin sees why.
      await this.store.setSetting('botUsername', null);
    }
  }

  /** Registers the webhook (with its secret) once both a token and a public address are set. */
  async registerWebhook(): Promise<void> {
    const [bot, publicUrl] = [await this.outbox.bot(), await this.store.setting('publicUrl')];
    if (!bot || !publicUrl) return;
    try {
      await bot.setWebhook(webhookUrl(publicUrl), this.secret);
      await this.store.setSetting('webhookSetAt', String(Date.now()));
      await this.store.setSetting('lastError', null);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.store.setSetting('lastError', `setWebhook: ${message}`);
      this.report({ level: 'warn', msg: 'telegram: setWebhook failed', error: message });
    }
  }

  groups(): Promise<TelegramGroup[]> {
    return this.store.groups();
  }

  async linkGroup(input: TelegramGroupLinkInput): Promise<TelegramGroup> {
    const group = await this.store.group(input.chatId);
    if (!group)
      throw new DomainError(
        'NOT_FOUND',
        'chatId: the bot is not in that group. Add it to the group first.',
        {
          field: 'chatId',
        },
      );
    if (!group.active && (input.branchId || input.role))
      throw new DomainError(
        'INVALID_STATE',
        `The bot was removed from "${group.title}". Add it again first.`,
      );
    if (input.branchId) {
      const branch = this.replica.core.db.sqlite
        .prepare(`SELECT kind FROM branches WHERE id = ?`)
        .get(input.branchId) as { kind: string } | undefined;
      if (!branch || branch.kind === 'head_office')
        throw new DomainError('NOT_FOUND', 'branchId: no such shop or factory.', {
          field: 'branchId',
        });
    }
    await this.store.linkGroup(input.chatId, {
      branchId: input.branchId ?? null,
      role: input.role ?? null,
    });
    this.report({
      level: 'info',
      msg: 'telegram: group linked',
      chat: input.chatId,
      branch: input.branchId,
      role: input.role,
    });
    return (await this.store.group(input.chatId)) ?? group;
  }

  async log(filter: TelegramLogFilter): Promise<NotificationLogEntry[]> {
    const hasToken = (await this.store.setting('token')) !== null;
    // Waiting for a token is a pending row while no token is set.
    const wanted = filter.status === 'waiting_for_token' ? 'pending' : filter.status;
    if (
      (filter.status === 'waiting_for_token' && hasToken) ||
      (filter.status === 'pending' && !hasToken)
    )
      return [];
    const rows = await this.store.outbox({ ...filter, status: wanted });
    return rows.map((r) => logEntry(r, hasToken));
  }

  async createLinkCode(userId: string): Promise<TelegramLinkCode> {
    const code = newLinkCode();
    const expiresAt = Date.now() + this.config.linkCodeTtlMs;
    await this.store.createLinkCode({ codeHash: hashLinkCode(code), userId, expiresAt });
    const botUsername = await this.store.setting('botUsername');
    return {
      code,
      expiresAt,
      botUsername,
      deepLink: botUsername ? `https://t.me/${botUsername}?start=${code.replace('-', '')}` : null,
    };
  }
}

function logEntry(r: OutboxRow, hasToken: boolean): NotificationLogEntry {
  return {
    id: r.id,
    orderId: r.orderId,
    orderNumber: r.orderNumber,
    chatId: r.chatId,
    kind: r.kind,
    document: r.document,
    cause: r.cause,
    status: r.status === 'pending' && !hasToken ? 'waiting_for_token' : r.status,
    attempts: r.attempts,
    error: r.error,
    messageIds: r.messageIds,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    nextAttemptAt: r.status === 'pending' ? r.nextAt : null,
    sentAt: r.sentAt,
  };
}
