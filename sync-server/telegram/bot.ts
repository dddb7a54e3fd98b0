// The Bot API through node-telegram-bot-api, and what its failures mean for the outbox: wait
// (429 retry_after, for that chat), follow a group to its supergroup (migrate_to_chat_id),
// pause until the token is fixed (401), give up on a chat (kicked, gone), or try again later,
// knowing whether Telegram may have taken the message (no answer) or surely did not.
import TelegramBot from 'node-telegram-bot-api';
import { z } from 'zod';
import type { InlineKeyboard } from '../../core/telegram/card';

// The library's documented switch for the file-upload behaviour it will default to (no
// deprecation warning on every PDF: we always give a filename and content type).
process.env['NTBA_FIX_350'] ??= '1';

export const ALLOWED_UPDATES = ['message', 'my_chat_member', 'callback_query'] as const;

export type TelegramFailure =
  | { kind: 'rate_limited'; retryAfter: number; description: string }
  /** The group became a supergroup: the same call goes to `to`. Any error answer may carry it. */
  | { kind: 'migrated'; to: number; description: string }
  /** 401: the token was revoked or replaced. Nothing is sent until an admin sets a working one. */
  | { kind: 'unauthorized'; description: string }
  /** 403: the bot was kicked from the chat, or blocked by the person. */
  | { kind: 'forbidden'; description: string }
  | { kind: 'not_modified'; description: string }
  | { kind: 'message_gone'; description: string }
  | { kind: 'permanent'; description: string }
  /** Telegram answered an error, or was surely never reached: nothing was sent. */
  | { kind: 'transient'; description: string }
  /** No answer after the request went out: Telegram may have accepted it. */
  | { kind: 'uncertain'; description: string };

export class TelegramCallError extends Error {
  override readonly name = 'TelegramCallError';
  constructor(readonly failure: TelegramFailure) {
    super(failure.description);
  }
}

const errorBody = z.object({
  ok: z.literal(false),
  error_code: z.number(),
  description: z.string().default(''),
  parameters: z
    .object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() })
    .optional(),
});
/** Failures that happen before a request leaves this machine: Telegram surely got nothing. */
const NOT_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ERR_INVALID_URL/;
const errorShape = z.object({ response: z.object({ body: z.unknown() }).optional() });

/** Sorts a failed call: Telegram's own answers by code and words, anything else is transient. */
export function classify(error: unknown): TelegramFailure {
  const shape = errorShape.safeParse(error);
  const body = errorBody.safeParse(shape.success ? shape.data.response?.body : undefined);
  if (!body.success) {
    const message = error instanceof Error ? error.message : String(error);
    return NOT_SENT.test(message)
      ? { kind: 'transient', description: `Telegram could not be reached: ${message}` }
      : { kind: 'uncertain', description: `Telegram did not answer: ${message}` };
  }
  const { error_code: code, description, parameters } = body.data;
  if (parameters?.migrate_to_chat_id !== undefined)
    return { kind: 'migrated', to: parameters.migrate_to_chat_id, description };
  if (code === 401) return { kind: 'unauthorized', description: `${code} ${description}` };
  if (code === 429)
    return { kind: 'rate_limited', retryAfter: parameters?.retry_after ?? 5, description };
  if (code === 400 && /message is not modified/i.test(description))
    return { kind: 'not_modified', description };
  if (code === 400 && /message to edit not found|message can't be edited/i.test(description))
    return { kind: 'message_gone', description };
  if (code === 403) return { kind: 'forbidden', description };
  // 400 (chat not found, bad markup) does not get better by waiting.
  if (code === 400) return { kind: 'permanent', description };
  return { kind: 'transient', description: `${code} ${description}` };
}

const sentMessage = z.object({ message_id: z.number() });
const me = z.object({ id: z.number(), username: z.string().optional() });
const webhookInfo = z.object({
  url: z.string(),
  pending_update_count: z.number(),
  last_error_date: z.number().optional(),
  last_error_message: z.string().optional(),
});

/** What Telegram says about the webhook (getWebhookInfo), times in ms. */
export interface WebhookState {
  url: string;
  pendingUpdateCount: number;
  lastErrorAt: number | null;
  lastErrorMessage: string | null;
  checkedAt: number;
}

export interface BotOptions {
  apiUrl: string;
  requestTimeoutMs: number;
}

export class BotClient {
  private readonly api: TelegramBot;

  constructor(token: string, options: BotOptions) {
    this.api = new TelegramBot(token, {
      polling: false,
      baseApiUrl: options.apiUrl,
      filepath: false,
      request: { url: '', timeout: options.requestTimeoutMs },
    });
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new TelegramCallError(classify(error));
    }
  }

  async getMe(): Promise<{ id: number; username: string | null }> {
    const user = me.parse(await this.call(() => this.api.getMe()));
    return { id: user.id, username: user.username ?? null };
  }

  async setWebhook(url: string, secret: string): Promise<void> {
    // The library puts these parameters in the query string as given; Telegram reads the list
    // of update types as JSON there.
    const options: Record<string, string> = {
      secret_token: secret,
      allowed_updates: JSON.stringify(ALLOWED_UPDATES),
    };
    await this.call(() => this.api.setWebHook(url, options as TelegramBot.SetWebHookOptions));
  }

  async getWebhookInfo(now: number): Promise<WebhookState> {
    const info = webhookInfo.parse(await this.call(() => this.api.getWebHookInfo()));
    return {
      url: info.url,
      pendingUpdateCount: info.pending_update_count,
      lastErrorAt: info.last_error_date === undefined ? null : info.last_error_date * 1000,
      lastErrorMessage: info.last_error_message ?? null,
      checkedAt: now,
    };
  }

  async deleteMessage(chatId: number, messageId: number): Promise<void> {
    await this.call(() => this.api.deleteMessage(chatId, messageId));
  }

  async sendMessage(chatId: number, html: string, markup?: InlineKeyboard): Promise<number> {
    const message = await this.call(() =>
      this.api.sendMessage(chatId, html, {
        parse_mode: 'HTML',
        ...(markup && { reply_markup: markup }),
      }),
    );
    return sentMessage.parse(message).message_id;
  }

  async editMessageText(
    chatId: number,
    messageId: number,
    html: string,
    markup: InlineKeyboard,
  ): Promise<void> {
    await this.call(() =>
      this.api.editMessageText(html, {
        chat_id: chatId,
        message_id: messageId,
        parse_mode: 'HTML',
        reply_markup: markup,
      }),
    );
  }

  async sendDocument(
    chatId: number,
    pdf: Buffer,
    fileName: string,
    captionHtml: string,
  ): Promise<number> {
    const message = await this.call(() =>
      this.api.sendDocument(
        chatId,
        pdf,
        { caption: captionHtml, parse_mode: 'HTML' },
        { filename: fileName, contentType: 'application/pdf' },
      ),
    );
    return sentMessage.parse(message).message_id;
  }

  async answerCallbackQuery(id: string, text: string, alert: boolean): Promise<void> {
    await this.call(() =>
      this.api.answerCallbackQuery(id, { text, ...(alert && { show_alert: true }) }),
    );
  }
}
