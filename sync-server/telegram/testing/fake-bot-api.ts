// A Bot API server on 127.0.0.1 for tests: `POST /bot<token>/<method>` with JSON, urlencoded or
// multipart bodies (and query-string parameters, which node-telegram-bot-api uses for uploads).
// It records every call, keeps chats and the bot's messages, enforces the documented limits, and
// answers 429 with retry_after, fails, or holds a call on demand. Like Telegram it answers a
// group upgraded to a supergroup with 400 and `migrate_to_chat_id`, a revoked token with 401, a
// kicked bot with 403, and (when flood limits are on) too many messages with 429 per chat; it can
// be out of reach, or take a message and drop the connection before answering.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkMarkup,
  checkText,
  markupKey,
  parseMultipart,
  type ParsedBody,
  type UploadedFile,
} from './bot-api-checks';
import { FloodMeter, TELEGRAM_FLOOD_LIMITS, type FloodLimits } from './flood-limits';

export interface FakeCall {
  method: string;
  /** A path prefix before /bot<token>, telling apart clients given different base URLs. */
  via: string;
  token: string;
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
  at: number;
  status: number;
  response: Record<string, unknown>;
}

export interface FakeChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  title: string;
  /** False once the bot was removed (kicked). */
  member: boolean;
  /** Set once the group became a supergroup: every call for it is refused with the new id. */
  migratedTo?: number;
}

export interface FakeMessage {
  chatId: number;
  messageId: number;
  text: string | null;
  caption: string | null;
  markup: string;
  document: { fileName: string; mimeType: string; size: number; bytes: Buffer } | null;
  edits: string[];
}

type Answer = { status: number; body: Record<string, unknown> };
interface Fault {
  method: string;
  /** Only calls for this chat, when set. */
  chatId?: number;
  times: number;
  answer: Answer;
}

const fail = (code: number, description: string, extra: Record<string, unknown> = {}): Answer => ({
  status: code,
  body: { ok: false, error_code: code, description, ...extra },
});
const ok = (result: unknown): Answer => ({ status: 200, body: { ok: true, result } });

const methods = [
  'getMe',
  'setWebhook',
  'sendMessage',
  'sendDocument',
  'editMessageText',
  'answerCallbackQuery',
  'getWebhookInfo',
  'deleteMessage',
];
const canonical = (name: string) =>
  methods.find((m) => m.toLowerCase() === name.toLowerCase()) ?? name;

export class FakeBotApi {
  readonly calls: FakeCall[] = [];
  readonly chats = new Map<number, FakeChat>();
  readonly messages = new Map<string, FakeMessage>();
  readonly tokens = new Set<string>();
  readonly bot = {
    id: 7000001,
    is_bot: true,
    first_name: 'Factory ERP',
    username: 'fse_orders_bot',
  };
  webhook: { url: string; secretToken: string | null; allowedUpdates: unknown } | null = null;
  /** What getWebhookInfo tells: updates Telegram holds for the webhook, its last failure. */
  webhookQueue = {
    pending: 0,
    lastErrorAt: null as number | null,
    lastError: null as string | null,
  };
  private readonly faults: Fault[] = [];
  private readonly holds = new Map<string, Promise<void>>();
  private readonly drops = new Map<string, number>();
  /** Message ids count up per chat, as in Telegram. */
  private readonly nextMessageId = new Map<number, number>();
  private flood: FloodMeter | null = null;
  private server!: Server;
  private port = 0;
  url = '';

  static async start(tokens: string[] = []): Promise<FakeBotApi> {
    const api = new FakeBotApi();
    for (const t of tokens) api.tokens.add(t);
    await api.listen(0);
    api.port = (api.server.address() as AddressInfo).port;
    api.url = `http://127.0.0.1:${api.port}`;
    return api;
  }

  private async listen(port: number): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((ok) => this.server.listen(port, '127.0.0.1', ok));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((ok) => this.server.close(() => ok()));
  }

  /** Telegram out of reach: connections are refused until comeBack(). */
  goOffline(): Promise<void> {
    return this.close();
  }
  async comeBack(): Promise<void> {
    await this.listen(this.port);
  }

  /** Enforces Telegram's flood limits (429 with retry_after per chat); null turns them off. */
  floodLimits(limits: Partial<FloodLimits> | null = {}): void {
    this.flood = limits ? new FloodMeter({ ...TELEGRAM_FLOOD_LIMITS, ...limits }) : null;
  }

  /** The group becomes a supergroup with a new id: the old id is refused with migrate_to_chat_id. */
  upgrade(chatId: number, newId: number): void {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`no chat ${chatId}`);
    chat.migratedTo = newId;
    this.chats.set(newId, { id: newId, type: 'supergroup', title: chat.title, member: true });
  }

  /** BotFather revoked the token: every call with it answers 401. */
  revoke(token: string): void {
    this.tokens.delete(token);
  }

  /** The next `times` calls of `method` are carried out, then the connection drops unanswered. */
  dropAnswer(method: string, times = 1): void {
    this.drops.set(method, (this.drops.get(method) ?? 0) + times);
  }

  addChat(id: number, title: string, type: FakeChat['type'] = id > 0 ? 'private' : 'group') {
    this.chats.set(id, { id, title, type, member: true });
  }
  kick(chatId: number) {
    const chat = this.chats.get(chatId);
    if (chat) chat.member = false;
  }
  /** The next `times` calls of `method` (for `chatId`, if given) answer 429 asking to wait `seconds`. */
  rateLimit(method: string, seconds: number, times = 1, chatId?: number) {
    this.faults.push({
      method,
      ...(chatId !== undefined && { chatId }),
      times,
      answer: fail(429, `Too Many Requests: retry after ${seconds}`, {
        parameters: { retry_after: seconds },
      }),
    });
  }
  /** The next `times` calls of `method` fail with this code and description. */
  failNext(method: string, code: number, description: string, times = 1) {
    this.faults.push({ method, times, answer: fail(code, description) });
  }
  /** Calls of `method` wait (unanswered) until the returned function is called. */
  hold(method: string): () => void {
    let release: () => void = () => undefined;
    this.holds.set(method, new Promise<void>((ok) => (release = ok)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }
  /** Successful calls, by method. */
  succeeded(method?: string): FakeCall[] {
    return this.calls.filter((c) => c.status === 200 && (!method || c.method === method));
  }
  messagesIn(chatId: number): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.chatId === chatId);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = /^(?:\/([a-z0-9-]+))?\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    // Method names are case-insensitive (the library calls setWebHook): recorded canonically.
    const method = route ? canonical(route[3] ?? '') : url.pathname;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let parsed: ParsedBody = { params: {}, files: {} };
    let answer: Answer;
    try {
      parsed = this.parseBody(body, req.headers['content-type'] ?? '');
      for (const [k, v] of url.searchParams) parsed.params[k] ??= v;
      const hold = this.holds.get(method);
      if (hold) await hold;
      answer = route ? this.answer(route[2] ?? '', method, parsed) : fail(404, 'Not Found');
    } catch (error) {
      answer = fail(400, `Bad Request: ${error instanceof Error ? error.message : String(error)}`);
    }
    const drop = answer.status === 200 && (this.drops.get(method) ?? 0) > 0;
    if (drop) this.drops.set(method, (this.drops.get(method) ?? 1) - 1);
    this.calls.push({
      method,
      via: route?.[1] ?? '',
      token: route?.[2] ?? '',
      params: parsed.params,
      files: parsed.files,
      at: Date.now(),
      status: answer.status,
      response: answer.body,
    });
    // Taken, but the answer is lost on the way: the client sees the connection reset.
    if (drop) req.socket.destroy();
    else {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    }
  }

  private parseBody(body: Buffer, contentType: string): ParsedBody {
    if (body.length === 0) return { params: {}, files: {} };
    if (contentType.startsWith('application/json'))
      return { params: JSON.parse(body.toString('utf8')) as Record<string, unknown>, files: {} };
    if (contentType.startsWith('application/x-www-form-urlencoded'))
      return { params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), files: {} };
    if (contentType.startsWith('multipart/form-data')) return parseMultipart(body, contentType);
    throw new Error(`unsupported content type "${contentType}"`);
  }

  private answer(token: string, method: string, { params: p, files }: ParsedBody): Answer {
    if (!this.tokens.has(token)) return fail(401, 'Unauthorized');
    const fault = this.faults.find(
      (f) =>
        f.method === method &&
        f.times > 0 &&
        (f.chatId === undefined || f.chatId === Number(p['chat_id'])),
    );
    if (fault) {
      fault.times--;
      return fault.answer;
    }
    switch (method) {
      case 'getMe':
        return ok(this.bot);
      case 'getWebhookInfo':
        return ok({
          url: this.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: this.webhookQueue.pending,
          ...(this.webhookQueue.lastErrorAt !== null && {
            last_error_date: Math.floor(this.webhookQueue.lastErrorAt / 1000),
            last_error_message: this.webhookQueue.lastError ?? '',
          }),
          ...(this.webhook?.allowedUpdates !== undefined && {
            allowed_updates: this.webhook.allowedUpdates,
          }),
        });
      case 'deleteMessage': {
        const chat = this.chatFor(p);
        if ('status' in chat) return chat;
        const key = `${chat.id}:${Number(p['message_id'])}`;
        if (!this.messages.delete(key))
          return fail(400, 'Bad Request: message to delete not found');
        return ok(true);
      }
      case 'setWebhook': {
        if (typeof p['url'] !== 'string')
          return fail(400, 'Bad Request: bad webhook: URL must be given');
        const secret = p['secret_token'];
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(secret)))
          return fail(400, 'Bad Request: secret token contains unallowed characters');
        const allowed =
          typeof p['allowed_updates'] === 'string'
            ? JSON.parse(p['allowed_updates'])
            : p['allowed_updates'];
        this.webhook = {
          url: p['url'],
          secretToken: secret === undefined ? null : String(secret),
          allowedUpdates: allowed,
        };
        return ok(true);
      }
      case 'sendMessage':
        return this.send(
          p,
          () => {
            const error = checkText(p['text'], p['parse_mode'], 4096, 'message text');
            return error ? fail(400, error) : null;
          },
          { text: String(p['text']), caption: null, document: null },
        );
      case 'sendDocument': {
        const file = files['document'];
        return this.send(
          p,
          () => {
            if (!file && typeof p['document'] !== 'string')
              return fail(400, 'Bad Request: there is no document in the request');
            const error = checkText(p['caption'], p['parse_mode'], 1024, 'caption');
            return error ? fail(400, error) : null;
          },
          {
            text: null,
            caption: typeof p['caption'] === 'string' ? p['caption'] : null,
            document: file
              ? {
                  fileName: file.filename,
                  mimeType: file.contentType,
                  size: file.bytes.length,
                  bytes: file.bytes,
                }
              : null,
          },
        );
      }
      case 'editMessageText':
        return this.edit(p);
      case 'answerCallbackQuery': {
        if (typeof p['callback_query_id'] !== 'string' || p['callback_query_id'] === '')
          return fail(
            400,
            'Bad Request: query is too old and response timeout expired or query ID is invalid',
          );
        const text = p['text'];
        if (typeof text === 'string' && text.length > 200)
          return fail(400, 'Bad Request: MESSAGE_TOO_LONG');
        return ok(true);
      }
      default:
        return fail(404, 'Not Found: method not found');
    }
  }

  private chatFor(p: Record<string, unknown>): FakeChat | Answer {
    const chat = this.chats.get(Number(p['chat_id']));
    if (!chat) return fail(400, 'Bad Request: chat not found');
    if (chat.migratedTo !== undefined)
      return fail(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        parameters: { migrate_to_chat_id: chat.migratedTo },
      });
    if (!chat.member)
      return fail(
        403,
        `Forbidden: bot was kicked from the ${chat.type === 'supergroup' ? 'supergroup' : 'group'} chat`,
      );
    return chat;
  }

  private send(
    p: Record<string, unknown>,
    check: () => Answer | null,
    content: Pick<FakeMessage, 'text' | 'caption' | 'document'>,
  ): Answer {
    const chat = this.chatFor(p);
    if ('status' in chat) return chat;
    const problem =
      check() ??
      (checkMarkup(p['reply_markup']) ? fail(400, checkMarkup(p['reply_markup']) ?? '') : null);
    if (problem) return problem;
    const wait = this.flood?.take(chat.id, Date.now()) ?? 0;
    if (wait > 0)
      return fail(429, `Too Many Requests: retry after ${wait}`, {
        parameters: { retry_after: wait },
      });
    const messageId = this.nextMessageId.get(chat.id) ?? 100;
    this.nextMessageId.set(chat.id, messageId + 1);
    const message: FakeMessage = {
      chatId: chat.id,
      messageId,
      markup: markupKey(p['reply_markup']),
      edits: [],
      ...content,
    };
    this.messages.set(`${chat.id}:${message.messageId}`, message);
    return ok(this.wire(message, chat));
  }

  private edit(p: Record<string, unknown>): Answer {
    const chat = this.chatFor(p);
    if ('status' in chat) return chat;
    const message = this.messages.get(`${chat.id}:${Number(p['message_id'])}`);
    if (!message || message.text === null)
      return fail(400, 'Bad Request: message to edit not found');
    const error =
      checkText(p['text'], p['parse_mode'], 4096, 'message text') ?? checkMarkup(p['reply_markup']);
    if (error) return fail(400, error);
    const text = String(p['text']);
    const markup = markupKey(p['reply_markup']);
    if (text === message.text && markup === message.markup)
      return fail(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    message.edits.push(message.text);
    message.text = text;
    message.markup = markup;
    return ok(this.wire(message, chat));
  }

  private wire(m: FakeMessage, chat: FakeChat) {
    return {
      message_id: m.messageId,
      from: this.bot,
      chat: { id: chat.id, type: chat.type, title: chat.title },
      date: Math.floor(Date.now() / 1000),
      ...(m.text !== null && { text: m.text }),
      ...(m.caption !== null && { caption: m.caption }),
      ...(m.document && {
        document: {
          file_id: `doc-${m.messageId}`,
          file_unique_id: `u-${m.messageId}`,
          file_name: m.document.fileName,
          mime_type: m.document.mimeType,
          file_size: m.document.size,
        },
      }),
    };
  }
}
