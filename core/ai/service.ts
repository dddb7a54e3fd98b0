// What head office offers the contract's ai.* operations and the AI forecast adjustment. Only
// the sync server has one: the API key lives there, never on a branch PC. Types only (the
// contract's host services name them without an import cycle).
import type { z } from 'zod';

/**
 * How an answer in JSON is asked for: `json_schema` (structured outputs, the answer held to the
 * schema by the server), `json_object` (JSON mode: any JSON object), `prompt` (no
 * response_format; the prompt asks for JSON only and the answer is searched for it).
 */
export type JsonMode = 'json_schema' | 'json_object' | 'prompt';

export interface AiSettingsView {
  enabled: boolean;
  /** The OpenAI-compatible server's address, like https://api.openai.com/v1 or http://gpu-box:8000/v1. */
  baseUrl: string | null;
  model: string | null;
  /** Never the key itself. */
  apiKey: 'set' | 'not set';
  timeoutSeconds: number;
  /** The JSON mode last seen working with this address and model; null before a call. */
  mode: JsonMode | null;
  /** Ready to be asked: on, with an address and a model. */
  ready: boolean;
}

export interface AiSettingsInput {
  enabled?: boolean | undefined;
  baseUrl?: string | null | undefined;
  model?: string | null | undefined;
  /** A new key; null removes it (servers on the premises often need none); absent keeps it. */
  apiKey?: string | null | undefined;
  timeoutSeconds?: number | undefined;
}

/** Why no usable answer came, as a stable word; the message says it for a person. */
export type AiFailure =
  | 'not_set_up'
  | 'timeout'
  | 'unreachable'
  | 'wrong_key'
  | 'unknown_model'
  | 'rate_limited'
  | 'refused'
  | 'unparsable'
  | 'schema_mismatch';

/** A picture sent with the user's message (a scanned page), base64 without the data: prefix. */
export interface AiImage {
  mime: 'image/png' | 'image/jpeg';
  base64: string;
}

export interface AiRequest<T> {
  /** The answer's name for structured outputs: letters, digits, `_` and `-`, at most 64. */
  name: string;
  system: string;
  user: string;
  /**
   * Pictures for a model that sees. A server without vision refuses them (400); the question is
   * then asked once more in text alone, and the answer says so (`withoutImages`).
   */
  images?: AiImage[];
  /** What the answer is parsed with, whatever mode it came in. */
  schema: z.ZodType<T>;
  /** The same answer as JSON Schema, for the server (strict: every property required, no others). */
  jsonSchema: Record<string, unknown>;
  /** Try every mode from the first, forgetting the one remembered (ai.test). */
  probe?: boolean;
}

export type AiAnswer<T> =
  | {
      ok: true;
      value: T;
      mode: JsonMode;
      model: string;
      /** Present when the server refused the images and the answer came from the text alone. */
      withoutImages?: true;
    }
  | {
      ok: false;
      reason: AiFailure;
      /** In words a person can act on. */
      message: string;
      model: string | null;
      /** For schema_mismatch: where the answer differs from the schema. */
      issues?: { path: string; message: string }[];
    };

export type AiTestResult =
  | { ok: true; mode: JsonMode; model: string; ms: number; message: string }
  | { ok: false; reason: AiFailure; message: string; ms: number };

export interface AiService {
  settings(): Promise<AiSettingsView>;
  saveSettings(input: AiSettingsInput, by: string): Promise<AiSettingsView>;
  /** One tiny request to the server as set up: which JSON mode it answers in, or what is wrong. */
  test(): Promise<AiTestResult>;
  /** Never throws for the model's or the server's failure: it answers why instead. */
  ask<T>(request: AiRequest<T>): Promise<AiAnswer<T>>;
}
