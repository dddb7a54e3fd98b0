// The telegram.* operations at head office: settings, groups, the notification log, link codes.
import { eq } from 'drizzle-orm';
import { branches, customers } from '../../core/db/schema';
import { DomainError } from '../../core/errors';
import type {
  NotificationLogEntry,
  TelegramGroup,
  TelegramGroupLinkInput,
  TelegramHealth,
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
import { customerGroups, customerOfGroup, linkCustomerGroup } from './road';
import type { OutboxRow, TelegramStore } from './store/types';
import { webhookUrl, type WebhookKeeper } from './webhook-keeper';

export { WEBHOOK_PATH } from './webhook-keeper';

/** A console call waits this long for Telegram's view of the webhook, then shows the last one. */
const REFRESH_WAIT_MS = 3000;

export const maskToken = (token: string) => {
  const [id, secret = ''] = token.split(':');
  return `${id}:${'•'.repeat(8)}${secret.slice(-4)}`;
};

export class HeadOfficeTelegram implements TelegramService {
  constructor(
    private readonly store: TelegramStore,
    private readonly outbox: Outbox,
    private readonly replica: HeadOfficeReplica,
    private readonly config: ResolvedTelegramConfig,
    private readonly webhook: WebhookKeeper,
    private readonly report: Log,
  ) {}

  /** The console asks Telegram about the webhook afresh (when it can, briefly), then answers. */
  async settings(): Promise<TelegramSettingsView> {
    if ((await this.store.setting('webhookSetAt')) && !(await this.outbox.paused())) {
      let timer: NodeJS.Timeout | undefined;
      const enough = new Promise<void>((ok) => (timer = setTimeout(ok, REFRESH_WAIT_MS)));
      await Promise.race([this.webhook.refresh(), enough]);
      clearTimeout(timer);
    }
    return this.view();
  }

  async health(): Promise<TelegramHealth> {
    const v = await this.view();
    return {
      token: v.tokenMasked !== null,
      paused: v.paused,
      webhookSetAt: v.webhookSetAt,
      webhook: v.webhook,
      lastError: v.lastError,
      outbox: v.outbox,
    };
  }

  private async view(): Promise<TelegramSettingsView> {
    const [token, publicUrl, setAt, botUsername, lastError, counts, paused, webhook] =
      await Promise.all([
        this.store.setting('token'),
        this.store.setting('publicUrl'),
        this.store.setting('webhookSetAt'),
        this.store.setting('botUsername'),
        this.store.setting('lastError'),
        this.store.counts(),
        this.outbox.paused(),
        this.webhook.state(),
      ]);
    return {
      tokenMasked: token ? maskToken(token) : null,
      publicUrl,
      webhookUrl: publicUrl ? webhookUrl(publicUrl) : null,
      webhookSetAt: setAt ? Number(setAt) : null,
      botUsername,
      lastError,
      paused,
      webhook,
      outbox: { waiting: counts.pending, failed: counts.failed },
    };
  }

  async setSettings(input: TelegramSettingsInput, by: string): Promise<TelegramSettingsView> {
    if (input.token !== undefined) {
      if (input.token) await this.checkToken(input.token);
      else await this.store.setSetting('botUsername', null);
      await this.store.setSetting('token', input.token);
      // A token set anew (checked with getMe when Telegram answers) ends a pause for a refused one.
      await this.store.setSetting('tokenRefused', null);
    }
    if (input.publicUrl !== undefined) await this.store.setSetting('publicUrl', input.publicUrl);
    await this.store.setSetting('webhookSetAt', null);
    await this.store.setSetting('webhookNextAt', null);
    await this.store.setSetting('webhookInfo', null);
    await this.store.setSetting('lastError', null);
    this.report({
      level: 'info',
      msg: 'telegram: settings changed',
      by,
      token: input.token === undefined ? 'kept' : input.token ? 'set' : 'removed',
      publicUrl: input.publicUrl,
    });
    // The holder of the sender lease keeps the webhook: this process at once, else that one at
    // its next round (webhookNextAt was cleared).
    if (this.outbox.leads) await this.registerWebhook();
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

  /**
   * Registers the webhook (with its secret) once both a token and a public address are set; a
   * failure is retried with backoff by the outbox's rounds (webhook-keeper.ts).
   */
  async registerWebhook(): Promise<void> {
    await this.webhook.register();
  }

  /** The groups, each with the customer it is linked to, if any (decision 0034). */
  async groups(): Promise<(TelegramGroup & { customerId: string | null })[]> {
    const [groups, links] = await Promise.all([this.store.groups(), customerGroups(this.store)]);
    return groups.map((g) => ({ ...g, customerId: customerOfGroup(links, g.chatId) }));
  }

  /** Links a group to a branch, a role or a customer (its deliveries' notes); none unlinks. */
  async linkGroup(
    input: TelegramGroupLinkInput & { customerId?: string | null | undefined },
  ): Promise<TelegramGroup & { customerId: string | null }> {
    const group = await this.store.group(input.chatId);
    if (!group)
      throw new DomainError(
        'NOT_FOUND',
        'chatId: the bot is not in that group. Add it to the group first.',
        {
          field: 'chatId',
        },
      );
    if (!group.active && (input.branchId || input.role || input.customerId))
      throw new DomainError(
        'INVALID_STATE',
        group.removedReason
          ? `"${group.title}" is inactive: ${group.removedReason}`
          : `The bot was removed from "${group.title}". Add it again first.`,
      );
    if (input.branchId) {
      const branch = this.replica.core.db.orm
        .select({ kind: branches.kind })
        .from(branches)
        .where(eq(branches.id, input.branchId))
        .get();
      if (!branch || branch.kind === 'head_office')
        throw new DomainError('NOT_FOUND', 'branchId: no such shop or factory.', {
          field: 'branchId',
        });
    }
    if (
      input.customerId &&
      !this.replica.core.db.orm
        .select({ id: customers.id })
        .from(customers)
        .where(eq(customers.id, input.customerId))
        .get()
    )
      throw new DomainError('NOT_FOUND', 'customerId: no such customer.', { field: 'customerId' });
    // A group follows one thing: a customer's group gets that customer's notes, nothing else.
    await this.store.linkGroup(input.chatId, {
      branchId: input.customerId ? null : (input.branchId ?? null),
      role: input.customerId ? null : (input.role ?? null),
    });
    await linkCustomerGroup(this.store, input.chatId, input.customerId ?? null);
    this.report({
      level: 'info',
      msg: 'telegram: group linked',
      chat: input.chatId,
      branch: input.branchId,
      role: input.role,
      customer: input.customerId,
    });
    const links = await customerGroups(this.store);
    return {
      ...((await this.store.group(input.chatId)) ?? group),
      customerId: customerOfGroup(links, input.chatId),
    };
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
