// A local stand-in for an OpenAI-compatible server, for tests that drive the real `openai`
// client over real HTTP. It speaks the Chat Completions protocol (POST /v1/chat/completions,
// GET /v1/models) and enforces what such servers do: a Bearer key (401), a known model (404
// model_not_found), a well-formed body (400), the response formats it supports (400 naming
// response_format otherwise, as llama.cpp, Ollama and vLLM builds without them answer), JSON
// mode's rule that the messages say "JSON", strict schemas' rules, a rate limit (429 with
// retry-after) and a slow model (a delay). Pictures come as image_url parts holding data: URLs,
// checked for form and size; a server without vision refuses them as llama.cpp does without
// its mmproj. What the model says is scripted per call.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readImagePart, type ChatImage } from './openai-images';

export type { ChatImage } from './openai-images';

/** What the server supports: structured outputs, JSON mode only, or neither. */
export type StandInCapability = 'json_schema' | 'json_object' | 'none';

export interface ChatMessage {
  role: string;
  content: string;
}

/** A request as the script sees it. */
export interface ChatRequest {
  model: string;
  /** Each message's text parts, joined (its pictures are in `images`). */
  messages: ChatMessage[];
  /** Every picture of every message, in order. */
  images: ChatImage[];
  /** The response_format's type, or 'none' when the request has none. */
  format: 'json_schema' | 'json_object' | 'text' | 'none';
  schema: Record<string, unknown> | null;
  /** The system and user messages, joined: what a script answers from. */
  prompt: string;
  body: Record<string, unknown>;
}

export interface ScriptedReply {
  content: string | null;
  finishReason?: 'stop' | 'length' | 'content_filter';
  refusal?: string | null;
}

export interface StandInOptions {
  /** The key clients must send; null: any or none (a local server with no key). */
  apiKey: string | null;
  models: string[];
  capability: StandInCapability;
  /** How long the model takes to answer, in ms. */
  delayMs: number;
  /** The model's answer to each call (n counts answered calls from 1). */
  answer: (request: ChatRequest, n: number) => string | ScriptedReply;
  /** The next this many requests are refused with 429 and this retry-after (seconds). */
  rateLimit: { requests: number; retryAfterSeconds: number } | null;
  /** Whether the model sees pictures; without, a request holding one is refused (400). */
  vision: boolean;
  /** The largest picture taken, in bytes once decoded (OpenAI's limit is 20 MB). */
  maxImageBytes: number;
}

export interface RecordedCall {
  path: string;
  status: number;
  format: ChatRequest['format'] | null;
  authorization: string | null;
  body: unknown;
}

export interface OpenAiStandIn {
  /** The base URL to give the client: http://127.0.0.1:<port>/v1 */
  url: string;
  options: StandInOptions;
  /** Every request, in order, with what it was answered. */
  calls: RecordedCall[];
  set(options: Partial<StandInOptions>): void;
  close(): Promise<void>;
}

interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const errorBody = (
  message: string,
  type: string,
  param: string | null = null,
  code: string | null = null,
): OpenAiErrorBody => ({ error: { message, type, param, code } });

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: OpenAiErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error.message);
  }
}

const invalid = (message: string, param: string | null, code: string | null = null) =>
  new HttpFailure(400, errorBody(message, 'invalid_request_error', param, code));

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structured outputs' strict rules: every object closed and every property required. */
function checkStrict(schema: unknown, at: string): void {
  if (!isRecord(schema)) return;
  if (schema['type'] === 'object') {
    const properties = isRecord(schema['properties']) ? schema['properties'] : {};
    if (schema['additionalProperties'] !== false)
      throw invalid(
        `Invalid schema for response_format: In context=(${at}), 'additionalProperties' is required to be supplied and to be false.`,
        'response_format',
      );
    const required = Array.isArray(schema['required']) ? schema['required'] : [];
    const missing = Object.keys(properties).filter((k) => !required.includes(k));
    if (missing.length)
      throw invalid(
        `Invalid schema for response_format: In context=(${at}), 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`,
        'response_format',
      );
    for (const [k, v] of Object.entries(properties)) checkStrict(v, `${at}, 'properties', '${k}'`);
  }
  if (schema['type'] === 'array') checkStrict(schema['items'], `${at}, 'items'`);
}

function imageOf(part: Record<string, unknown>, at: string, options: StandInOptions): ChatImage {
  const read = readImagePart(part, options);
  if ('refused' in read)
    throw invalid(read.refused, read.param === null ? null : `${at}.${read.param}`, read.code);
  return read;
}

/** A message's text, with its pictures put into `images`. */
function contentText(
  content: unknown,
  i: number,
  images: ChatImage[],
  options: StandInOptions,
): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((part, j) => {
        if (isRecord(part) && part['type'] === 'text' && typeof part['text'] === 'string')
          return part['text'];
        if (isRecord(part) && part['type'] === 'image_url') {
          images.push(imageOf(part, `messages[${i}].content[${j}]`, options));
          return '';
        }
        throw invalid(`Invalid content part in messages[${i}].`, `messages.[${i}].content`);
      })
      .join('');
  throw invalid(
    `Invalid type for 'messages[${i}].content': expected a string or an array of content parts.`,
    `messages.[${i}].content`,
  );
}

/** The request, checked as the protocol asks, with the server's capability applied. */
function readRequest(body: unknown, options: StandInOptions): ChatRequest {
  if (!isRecord(body)) throw invalid('The request body must be a JSON object.', null);
  const model = body['model'];
  if (typeof model !== 'string' || !model)
    throw invalid("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  const raw = body['messages'];
  if (!Array.isArray(raw))
    throw invalid(
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    );
  if (raw.length === 0)
    throw invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  const images: ChatImage[] = [];
  const messages = raw.map((m: unknown, i) => {
    if (!isRecord(m) || typeof m['role'] !== 'string' || !ROLES.has(m['role']))
      throw invalid(
        `Invalid value for 'messages[${i}].role': expected one of system, developer, user, assistant, tool.`,
        `messages.[${i}].role`,
      );
    return { role: m['role'], content: contentText(m['content'], i, images, options) };
  });
  for (const [param, min, max] of [
    ['temperature', 0, 2],
    ['top_p', 0, 1],
  ] as const) {
    const v = body[param];
    if (v !== undefined && (typeof v !== 'number' || v < min || v > max))
      throw invalid(`Invalid '${param}': must be a number from ${min} to ${max}.`, param);
  }
  for (const param of ['max_tokens', 'max_completion_tokens', 'n']) {
    const v = body[param];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 1))
      throw invalid(`Invalid '${param}': must be an integer of at least 1.`, param);
  }
  if (body['stream'] === true)
    throw invalid('This stand-in does not stream; send stream: false.', 'stream');
  let format: ChatRequest['format'] = 'none';
  let schema: Record<string, unknown> | null = null;
  const rf = body['response_format'];
  if (rf !== undefined) {
    if (!isRecord(rf) || !['text', 'json_object', 'json_schema'].includes(String(rf['type'])))
      throw invalid(
        "Invalid 'response_format.type': expected one of 'text', 'json_object', 'json_schema'.",
        'response_format.type',
      );
    format = rf['type'] as ChatRequest['format'];
    const supported =
      format === 'text' ||
      (format === 'json_object' && options.capability !== 'none') ||
      (format === 'json_schema' && options.capability === 'json_schema');
    if (!supported)
      throw invalid(
        `response_format type '${format}' is not supported by this server`,
        'response_format',
        'unsupported_response_format',
      );
    if (format === 'json_schema') {
      const js = rf['json_schema'];
      if (!isRecord(js) || typeof js['name'] !== 'string')
        throw invalid(
          "Missing required parameter: 'response_format.json_schema.name'.",
          'response_format.json_schema.name',
          'missing_required_parameter',
        );
      if (!NAME.test(js['name']))
        throw invalid(
          "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.",
          'response_format.json_schema.name',
          'invalid_value',
        );
      schema = isRecord(js['schema']) ? js['schema'] : null;
      if (js['strict'] === true) {
        if (!schema || schema['type'] !== 'object')
          throw invalid(
            'Invalid schema for response_format: schema must be a JSON Schema of \'type: "object"\'.',
            'response_format',
          );
        checkStrict(schema, 'root');
      }
    }
    if (format === 'json_object' && !messages.some((m) => /json/i.test(m.content)))
      throw invalid(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'messages',
      );
  }
  const prompt = messages.map((m) => m.content).join('\n\n');
  return { model, messages, images, format, schema, prompt, body };
}

const formatOf = (type: unknown): ChatRequest['format'] | null =>
  type === 'text' || type === 'json_object' || type === 'json_schema' ? type : null;

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': `req_${randomBytes(12).toString('hex')}`,
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const defaults: StandInOptions = {
  apiKey: 'sk-test-stand-in',
  models: ['stand-in-model'],
  capability: 'json_schema',
  delayMs: 0,
  answer: () => '{"ok": true}',
  rateLimit: null,
  vision: true,
  maxImageBytes: 20 * 1024 * 1024,
};

export async function startOpenAiStandIn(
  options: Partial<StandInOptions> = {},
): Promise<OpenAiStandIn> {
  const state: StandInOptions = { ...defaults, ...options };
  const calls: RecordedCall[] = [];
  let answered = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const call: RecordedCall = {
      path,
      status: 0,
      format: null,
      authorization: req.headers.authorization ?? null,
      body: null,
    };
    calls.push(call);
    const text = await readBody(req);
    try {
      if (state.apiKey !== null && req.headers.authorization !== `Bearer ${state.apiKey}`)
        throw new HttpFailure(
          401,
          errorBody(
            `Incorrect API key provided: ${(req.headers.authorization ?? '').replace(/^Bearer\s+/, '').slice(0, 3)}****. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            null,
            'invalid_api_key',
          ),
        );
      if (req.method === 'GET' && path === '/v1/models') {
        call.status = 200;
        return send(res, 200, {
          object: 'list',
          data: state.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'local' })),
        });
      }
      if (path !== '/v1/chat/completions')
        throw new HttpFailure(
          404,
          errorBody(`Invalid URL (${req.method} ${path})`, 'invalid_request_error'),
        );
      if (req.method !== 'POST')
        throw new HttpFailure(
          405,
          errorBody(`Method ${req.method} not allowed`, 'invalid_request_error'),
        );
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw invalid(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
          null,
        );
      }
      call.body = body;
      const rf = isRecord(body) ? body['response_format'] : undefined;
      call.format = rf === undefined ? 'none' : isRecord(rf) ? formatOf(rf['type']) : null;
      if (state.rateLimit && state.rateLimit.requests > 0) {
        state.rateLimit.requests--;
        throw new HttpFailure(
          429,
          errorBody(
            'Rate limit reached for requests. Please try again later.',
            'requests',
            null,
            'rate_limit_exceeded',
          ),
          { 'retry-after': String(state.rateLimit.retryAfterSeconds) },
        );
      }
      const request = readRequest(body, state);
      call.format = request.format;
      if (!state.models.includes(request.model))
        throw new HttpFailure(
          404,
          errorBody(
            `The model \`${request.model}\` does not exist or you do not have access to it.`,
            'invalid_request_error',
            null,
            'model_not_found',
          ),
        );
      if (state.delayMs > 0) {
        const gone = await new Promise<boolean>((done) => {
          const timer = setTimeout(() => done(false), state.delayMs);
          res.once('close', () => {
            clearTimeout(timer);
            done(true);
          });
        });
        if (gone) {
          call.status = 499;
          return;
        }
      }
      answered++;
      const scripted = state.answer(request, answered);
      const reply: ScriptedReply = typeof scripted === 'string' ? { content: scripted } : scripted;
      const completion = reply.content ?? '';
      const promptTokens = tokens(request.prompt);
      const completionTokens = tokens(completion);
      call.status = 200;
      send(res, 200, {
        id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        system_fingerprint: 'fp_stand_in',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply.content, refusal: reply.refusal ?? null },
            logprobs: null,
            finish_reason: reply.finishReason ?? 'stop',
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    } catch (error) {
      // A script that throws is a model that crashed: a 500, as servers answer then.
      if (!(error instanceof HttpFailure)) {
        call.status = 500;
        return send(
          res,
          500,
          errorBody(`The server had an error: ${String(error)}`, 'server_error'),
        );
      }
      call.status = error.status;
      send(res, error.status, error.body, error.headers);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      call500(res, error);
    });
  });
  const call500 = (res: ServerResponse, error: unknown) => {
    if (!res.headersSent)
      send(res, 500, errorBody(`The server had an error: ${String(error)}`, 'server_error'));
  };
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    options: state,
    calls,
    set: (changes) => Object.assign(state, changes),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
