// The AI model at head office (issue 14): its settings, kept in head office's shared store
// beside the Telegram token (never in the replica that syncs to branch PCs), the test an admin
// runs, and every ask, through core/ai/client.ts. Several server processes share the store, so
// a setting saved through one is used by all, and so is the JSON mode one of them found working.
import { z } from 'zod';
import { askJson, modeKey, type ModeMemory } from '../../core/ai/client';
import type {
  AiAnswer,
  AiRequest,
  AiService,
  AiSettingsInput,
  AiSettingsView,
  AiTestResult,
  JsonMode,
} from '../../core/ai/service';

/** The settings table's two calls (the Telegram store has them: sync-server/telegram/store/). */
export interface AiSettingsStore {
  setting(key: string): Promise<string | null>;
  setSetting(key: string, value: string | null): Promise<void>;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** Keys in the store's settings table; `ai.` keeps them apart from Telegram's. */
const KEY = {
  enabled: 'ai.enabled',
  baseUrl: 'ai.baseUrl',
  model: 'ai.model',
  apiKey: 'ai.apiKey',
  timeoutSeconds: 'ai.timeoutSeconds',
  /** Followed by the address and model: the JSON mode that worked there. */
  mode: 'ai.mode:',
} as const;

const jsonMode = z.enum(['json_schema', 'json_object', 'prompt']);

type Log = (e: Record<string, unknown>) => void;

export class HeadOfficeAi implements AiService {
  private readonly memory: ModeMemory;

  constructor(
    private readonly store: AiSettingsStore,
    private readonly log: Log = () => undefined,
  ) {
    this.memory = {
      recall: async (key) => {
        const parsed = jsonMode.safeParse(await store.setting(`${KEY.mode}${key}`));
        return parsed.success ? parsed.data : null;
      },
      remember: (key, mode) => store.setSetting(`${KEY.mode}${key}`, mode),
    };
  }

  private async read() {
    const [enabled, baseUrl, model, apiKey, timeout] = await Promise.all([
      this.store.setting(KEY.enabled),
      this.store.setting(KEY.baseUrl),
      this.store.setting(KEY.model),
      this.store.setting(KEY.apiKey),
      this.store.setting(KEY.timeoutSeconds),
    ]);
    const timeoutSeconds = Number(timeout) > 0 ? Number(timeout) : DEFAULT_TIMEOUT_SECONDS;
    return { enabled: enabled === 'true', baseUrl, model, apiKey, timeoutSeconds };
  }

  async settings(): Promise<AiSettingsView> {
    const s = await this.read();
    const mode: JsonMode | null =
      s.baseUrl && s.model ? await this.memory.recall(modeKey(s.baseUrl, s.model)) : null;
    return {
      enabled: s.enabled,
      baseUrl: s.baseUrl,
      model: s.model,
      apiKey: s.apiKey ? 'set' : 'not set',
      timeoutSeconds: s.timeoutSeconds,
      mode,
      ready: s.enabled && s.baseUrl !== null && s.model !== null,
    };
  }

  async saveSettings(input: AiSettingsInput, by: string): Promise<AiSettingsView> {
    if (input.enabled !== undefined)
      await this.store.setSetting(KEY.enabled, String(input.enabled));
    if (input.baseUrl !== undefined)
      await this.store.setSetting(KEY.baseUrl, input.baseUrl?.replace(/\/+$/, '') ?? null);
    if (input.model !== undefined) await this.store.setSetting(KEY.model, input.model);
    if (input.apiKey !== undefined) await this.store.setSetting(KEY.apiKey, input.apiKey);
    if (input.timeoutSeconds !== undefined)
      await this.store.setSetting(KEY.timeoutSeconds, String(input.timeoutSeconds));
    // What changed, never the key.
    this.log({
      level: 'info',
      msg: 'ai: settings changed',
      by,
      enabled: input.enabled,
      baseUrl: input.baseUrl,
      model: input.model,
      apiKey: input.apiKey === undefined ? 'kept' : input.apiKey ? 'set' : 'removed',
      timeoutSeconds: input.timeoutSeconds,
    });
    return this.settings();
  }

  async ask<T>(request: AiRequest<T>): Promise<AiAnswer<T>> {
    const s = await this.read();
    if (!s.enabled || !s.baseUrl || !s.model)
      return {
        ok: false,
        reason: 'not_set_up',
        message: !s.enabled
          ? 'The AI model is switched off in the AI settings.'
          : 'No AI model is set up: enter its address and model in the AI settings.',
        model: s.model,
      };
    const answer = await askJson(
      {
        baseUrl: s.baseUrl,
        model: s.model,
        apiKey: s.apiKey,
        timeoutMs: Math.round(s.timeoutSeconds * 1000),
      },
      request,
      this.memory,
    );
    if (!answer.ok)
      this.log({
        level: 'warn',
        msg: 'ai: no usable answer',
        reason: answer.reason,
        why: answer.message,
      });
    return answer;
  }

  async test(): Promise<AiTestResult> {
    const started = Date.now();
    const answer = await this.ask({
      name: 'connection_test',
      system: 'You check that a connection works.',
      user: 'Reply with the JSON object {"ok": true}.',
      schema: z.object({ ok: z.boolean() }),
      jsonSchema: {
        type: 'object',
        properties: { ok: { type: 'boolean' } },
        required: ['ok'],
        additionalProperties: false,
      },
      probe: true,
    });
    const ms = Date.now() - started;
    if (!answer.ok) return { ok: false, reason: answer.reason, message: answer.message, ms };
    const how: Record<JsonMode, string> = {
      json_schema: 'structured outputs (JSON Schema)',
      json_object: 'JSON mode only (no JSON Schema): answers are checked after they arrive',
      prompt:
        'neither JSON Schema nor JSON mode: JSON is asked for in the prompt and searched for in the answer',
    };
    return {
      ok: true,
      mode: answer.mode,
      model: answer.model,
      ms,
      message: `"${answer.model}" answered in ${ms} ms. The server supports ${how[answer.mode]}.`,
    };
  }
}
