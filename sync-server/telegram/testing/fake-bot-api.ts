// A Bot API server on 127.0.0.1 for tests: `POST /bot<token>/<method>` with JSON, urlencoded or
// multipart bodies (and query-string parameters, which node-telegram-bot-api uses for uploads).
// It records every call, keeps chats and the bot's messages, enforces the documented limits, and
// answers 429 with retry_after, fails, or holds a call on demand.
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
  private readonly faults: Fault[] = [];
  private readonly holds = new Map<string, Promise<void>>();
  private nextMessageId = 100;
  private server!: Server;
  url = '';

  static async start(tokens: string[] = []): Promise<FakeBotApi> {
    const api = new FakeBotApi();
    for (const t of tokens) api.tokens.add(t);
    api.server = createServer((req, res) => void api.serve(req, res));
    await new Promise<void>((ok) => api.server.listen(0, '127.0.0.1', ok));
    api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
    return api;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((ok) => this.server.close(() => ok()));
  }

  addChat(id: number, title: string, type: FakeChat['type'] = id > 0 ? 'private' : 'group') {
    this.chats.set(id, { id, title, type, member: true });
  }
  kick(chatId: number) {
    const chat = this.chats.get(chatId);
    if (chat) chat.member = false;
  }
  /** The next `times` calls of `method` answer 429 asking to wait `seconds`. */
  rateLimit(method: string, seconds: number, times = 1) {
    this.faults.push({
      method,
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
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
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
    const fault = this.faults.find((f) => f.method === method && f.times > 0);
    if (fault) {
      fault.times--;
      return fault.answer;
    }
    switch (method) {
      case 'getMe':
        return ok(this.bot);
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
    const message: FakeMessage = {
      chatId: chat.id,
      messageId: this.nextMessageId++,
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
