// Asks an OpenAI-compatible server (OpenAI itself, or llama.cpp, vLLM, Ollama on the premises)
// for an answer in JSON, through the `openai` client. Structured outputs first; a server that
// refuses them (a 400 naming response_format) is asked in JSON mode, then with the prompt alone.
// The mode that worked is remembered per address and model. Pictures go as image parts of the
// user's message; a server without vision (a 400 saying so) is asked once more in text alone,
// per call, as that costs one refused request. Whatever the server or the model does, the
// caller gets an answer parsed by its zod schema or the reason there is none: this never throws
// for their failure.
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai';
import type {
  ChatCompletion,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import { extractJson } from './extract';
import type { AiAnswer, AiFailure, AiRequest, JsonMode } from './service';

export interface AiConnection {
  baseUrl: string;
  model: string;
  /** null: the server asks for none (a local one); the client still sends a placeholder. */
  apiKey: string | null;
  /** For the whole ask, every mode and retry included. */
  timeoutMs: number;
}

/** Where the working mode per address and model is kept (head office: its shared store). */
export interface ModeMemory {
  recall(key: string): Promise<JsonMode | null>;
  remember(key: string, mode: JsonMode): Promise<void>;
}

export const modeKey = (baseUrl: string, model: string) =>
  `${baseUrl.replace(/\/+$/, '')}|${model}`;

/** A memory for this process only (tests, one-off calls). */
export function inProcessModes(): ModeMemory {
  const modes = new Map<string, JsonMode>();
  return {
    recall: (key) => Promise.resolve(modes.get(key) ?? null),
    remember: (key, mode) => {
      modes.set(key, mode);
      return Promise.resolve();
    },
  };
}

const MODES: readonly JsonMode[] = ['json_schema', 'json_object', 'prompt'];
/** One retry of our own for a busy or failing server, when its wait fits in the time left. */
const RETRIES = 1;
const DEFAULT_RETRY_MS = 500;

type Failure = Extract<AiAnswer<never>, { ok: false }>;
type Attempt =
  | { kind: 'answered'; completion: ChatCompletion; withoutImages: boolean }
  | { kind: 'unsupported' }
  | { kind: 'failed'; failure: Failure };

const fail = (
  reason: AiFailure,
  message: string,
  model: string | null,
  issues?: Failure['issues'],
): Failure => ({ ok: false, reason, message, model, ...(issues && { issues }) });

function userContent<T>(request: AiRequest<T>, images: boolean) {
  if (!images || !request.images?.length) return request.user;
  const parts: ChatCompletionContentPart[] = [{ type: 'text', text: request.user }];
  for (const image of request.images)
    parts.push({
      type: 'image_url',
      image_url: { url: `data:${image.mime};base64,${image.base64}` },
    });
  return parts;
}

function messagesFor<T>(request: AiRequest<T>, mode: JsonMode, images: boolean) {
  const schema = JSON.stringify(request.jsonSchema);
  // JSON mode needs the word "JSON" in the messages (OpenAI refuses the request without it).
  const how =
    mode === 'json_schema'
      ? 'Answer in JSON.'
      : mode === 'json_object'
        ? `Answer with one JSON object that matches this JSON Schema:\n${schema}`
        : `Answer with JSON only: one JSON object that matches this JSON Schema, and no other text before or after it.\n${schema}`;
  return [
    { role: 'system' as const, content: `${request.system}\n\n${how}` },
    { role: 'user' as const, content: userContent(request, images) },
  ];
}

function bodyFor<T>(
  request: AiRequest<T>,
  mode: JsonMode,
  model: string,
  images: boolean,
): ChatCompletionCreateParamsNonStreaming {
  const body: ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: messagesFor(request, mode, images),
  };
  if (mode === 'json_schema')
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: request.name, schema: request.jsonSchema, strict: true },
    };
  else if (mode === 'json_object') body.response_format = { type: 'json_object' };
  return body;
}

/** A 400 about the response format: this server does not do that mode (llama.cpp, Ollama, vLLM). */
function refusesMode(error: APIError): boolean {
  // A schema the server finds invalid is ours to fix, not a mode to give up on.
  if (error.status !== 400 || /invalid schema/i.test(error.message)) return false;
  return (
    error.param === 'response_format' ||
    /response_format|json_schema|json_object|structured output|json mode/i.test(error.message)
  );
}

/**
 * A 400 about pictures from a model that does not see: llama.cpp without its mmproj, vLLM with a
 * text-only model, OpenAI's text models.
 */
const refusesImages = (error: APIError): boolean =>
  error.status === 400 &&
  /image input is not supported|mmproj|image_url is only supported|not a multimodal model|does not support (images?|vision)|vision is not supported/i.test(
    error.message,
  );

function retryAfterMs(error: APIError): number | null {
  const ms = Number(error.headers?.get('retry-after-ms'));
  if (ms > 0) return ms;
  const seconds = Number(error.headers?.get('retry-after'));
  return seconds >= 0 && error.headers?.get('retry-after') ? seconds * 1000 : null;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function failureOf(error: unknown, conn: AiConnection, timedOut: boolean): Failure {
  const { baseUrl, model } = conn;
  if (timedOut || error instanceof APIUserAbortError || error instanceof APIConnectionTimeoutError)
    return fail(
      'timeout',
      `${baseUrl} gave no answer within ${seconds(conn.timeoutMs)}: the model may be busy or too slow; try again, or allow more time in the AI settings.`,
      model,
    );
  if (error instanceof APIConnectionError)
    return fail(
      'unreachable',
      `Could not reach ${baseUrl}: check the address and that the server is running and reachable from head office.`,
      model,
    );
  if (!(error instanceof APIError))
    return fail(
      'refused',
      `The request failed: ${error instanceof Error ? error.message : String(error)}`,
      model,
    );
  const said = error.message.replace(/^\d{3}\s+/, '');
  switch (error.status) {
    case 401:
      return fail(
        'wrong_key',
        `${baseUrl} refused the API key (401): enter the key again in the AI settings.`,
        model,
      );
    case 403:
      return fail(
        'wrong_key',
        `${baseUrl} does not let this key use "${model}" (403): ${said}`,
        model,
      );
    case 404:
      return error.code === 'model_not_found' || /model/i.test(said)
        ? fail(
            'unknown_model',
            `${baseUrl} does not know the model "${model}" (404): check its name in the AI settings (GET ${baseUrl}/models lists them).`,
            model,
          )
        : fail(
            'unreachable',
            `${baseUrl} has no chat completions API (404): the address usually ends in /v1.`,
            model,
          );
    case 429: {
      const wait = retryAfterMs(error);
      return fail(
        'rate_limited',
        `${baseUrl} is busy or the key's quota is used up (429)${wait !== null ? `: try again in ${seconds(wait)}` : ''}.`,
        model,
      );
    }
    default:
      return fail('refused', `${baseUrl} refused the request (${error.status}): ${said}`, model);
  }
}

const retryable = (error: unknown) =>
  error instanceof APIError &&
  error.status !== undefined &&
  (error.status === 408 || error.status === 429 || error.status >= 500);

/** Waits `ms`, or less when the ask's time runs out. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        done();
      },
      { once: true },
    );
  });

function interpret<T>(
  completion: ChatCompletion,
  mode: JsonMode,
  request: AiRequest<T>,
  conn: AiConnection,
): AiAnswer<T> {
  const model = completion.model || conn.model;
  const choice = completion.choices[0];
  if (!choice) return fail('unparsable', 'The server answered with no choices.', model);
  if (choice.message.refusal)
    return fail('refused', `The model declined: ${choice.message.refusal}`, model);
  const content = choice.message.content ?? '';
  const found = extractJson(content);
  if (found === undefined) {
    const preview = content.trim().slice(0, 120);
    return fail(
      'unparsable',
      choice.finish_reason === 'length'
        ? 'The answer was cut off before its JSON was complete (the model hit its length limit).'
        : preview
          ? `The answer is not JSON: "${preview}${content.trim().length > 120 ? '…' : ''}"`
          : 'The answer was empty.',
      model,
    );
  }
  const parsed = request.schema.safeParse(found);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
    }));
    return fail(
      'schema_mismatch',
      `The answer does not match what was asked: ${issues
        .slice(0, 3)
        .map((i) => `${i.path || '(answer)'}: ${i.message}`)
        .join('; ')}`,
      model,
      issues,
    );
  }
  return { ok: true, value: parsed.data, mode, model };
}

/**
 * Asks `conn`'s model `request`, in the best JSON mode the server takes, within
 * `conn.timeoutMs` for everything.
 */
export async function askJson<T>(
  conn: AiConnection,
  request: AiRequest<T>,
  memory: ModeMemory,
): Promise<AiAnswer<T>> {
  const deadline = Date.now() + conn.timeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), conn.timeoutMs);
  const client = new OpenAI({
    baseURL: conn.baseUrl,
    // The client insists on a key; a server that needs none ignores it.
    apiKey: conn.apiKey ?? 'no-key',
    maxRetries: 0,
    timeout: conn.timeoutMs,
  });
  const key = modeKey(conn.baseUrl, conn.model);

  let images = Boolean(request.images?.length);
  const attempt = async (mode: JsonMode): Promise<Attempt> => {
    for (let tried = 0; ; tried++) {
      try {
        const completion = await client.chat.completions.create(
          bodyFor(request, mode, conn.model, images),
          {
            signal: controller.signal,
            timeout: Math.max(deadline - Date.now(), 1),
            maxRetries: 0,
          },
        );
        return {
          kind: 'answered',
          completion,
          withoutImages: Boolean(request.images?.length) && !images,
        };
      } catch (error) {
        if (images && error instanceof APIError && refusesImages(error)) {
          // Not a retry of a failure: the same question in the only form this server takes.
          images = false;
          tried--;
          continue;
        }
        if (error instanceof APIError && refusesMode(error)) return { kind: 'unsupported' };
        const wait =
          error instanceof APIError ? (retryAfterMs(error) ?? DEFAULT_RETRY_MS) : DEFAULT_RETRY_MS;
        if (tried < RETRIES && retryable(error) && Date.now() + wait < deadline) {
          await pause(wait, controller.signal);
          if (!controller.signal.aborted) continue;
        }
        return { kind: 'failed', failure: failureOf(error, conn, controller.signal.aborted) };
      }
    }
  };

  try {
    const remembered = request.probe ? null : await memory.recall(key);
    for (const mode of MODES.slice(remembered ? MODES.indexOf(remembered) : 0)) {
      const outcome = await attempt(mode);
      if (outcome.kind === 'unsupported') continue;
      if (outcome.kind === 'failed') return outcome.failure;
      // The server took the request in this mode, whatever the model made of it. Remembering is
      // a saving for next time: a store that fails it does not cost this answer.
      if (remembered !== mode) await memory.remember(key, mode).catch(() => undefined);
      const answer = interpret(outcome.completion, mode, request, conn);
      return answer.ok && outcome.withoutImages ? { ...answer, withoutImages: true } : answer;
    }
    return fail(
      'refused',
      `${conn.baseUrl} refuses every way of asking for JSON (structured outputs, JSON mode, plain prompt).`,
      conn.model,
    );
  } finally {
    clearTimeout(timer);
  }
}
