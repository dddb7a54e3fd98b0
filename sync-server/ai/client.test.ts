// core/ai/client.ts with the real `openai` client over real HTTP against the local stand-in
// (../testing/openai-server.ts): each JSON mode and the fallback between them, answers wrapped
// in fences or words, and every failure answered in words instead of thrown.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { askJson, inProcessModes, type AiConnection } from '../../core/ai/client';
import type { AiRequest } from '../../core/ai/service';
import {
  startOpenAiStandIn,
  type OpenAiStandIn,
  type StandInOptions,
} from '../testing/openai-server';

const KEY = 'sk-test-stand-in';
const MODEL = 'stand-in-model';

const request: AiRequest<{ daily: number[]; reason: string }> = {
  name: 'forecast_adjustment',
  system: 'You adjust forecasts.',
  user: 'Double the first day.',
  schema: z.object({ daily: z.array(z.number()), reason: z.string() }),
  jsonSchema: {
    type: 'object',
    properties: {
      daily: { type: 'array', items: { type: 'number' } },
      reason: { type: 'string' },
    },
    required: ['daily', 'reason'],
    additionalProperties: false,
  },
};

let open: OpenAiStandIn[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function standIn(options: Partial<StandInOptions> = {}) {
  const s = await startOpenAiStandIn({ apiKey: KEY, models: [MODEL], ...options });
  open.push(s);
  const conn: AiConnection = { baseUrl: s.url, model: MODEL, apiKey: KEY, timeoutMs: 3000 };
  return { s, conn };
}

const formats = (s: OpenAiStandIn) => s.calls.map((c) => c.format ?? `${c.status}`);

describe('asking for JSON', () => {
  it('uses structured outputs where the server has them, with the schema sent strict', async () => {
    const { s, conn } = await standIn({
      capability: 'json_schema',
      answer: () => '{"daily": [2, 1], "reason": "doubled"}',
    });
    const answer = await askJson(conn, request, inProcessModes());
    expect(answer).toEqual({
      ok: true,
      value: { daily: [2, 1], reason: 'doubled' },
      mode: 'json_schema',
      model: MODEL,
    });
    expect(formats(s)).toEqual(['json_schema']);
    expect(s.calls[0]?.body).toMatchObject({
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'forecast_adjustment', strict: true, schema: request.jsonSchema },
      },
    });
    expect(s.calls[0]?.authorization).toBe(`Bearer ${KEY}`);
  });

  it('falls back to JSON mode when structured outputs are refused, and remembers it for the server', async () => {
    const { s, conn } = await standIn({
      capability: 'json_object',
      answer: () => '{"daily": [1], "reason": "none"}',
    });
    const memory = inProcessModes();
    const first = await askJson(conn, request, memory);
    expect(first).toMatchObject({ ok: true, mode: 'json_object' });
    expect(s.calls.map((c) => [c.format, c.status])).toEqual([
      ['json_schema', 400],
      ['json_object', 200],
    ]);
    // JSON mode's rule: the messages say "JSON" (the stand-in refuses them otherwise).
    expect(JSON.stringify(s.calls[1]?.body)).toMatch(/JSON Schema/);
    const second = await askJson(conn, request, memory);
    expect(second).toMatchObject({ ok: true, mode: 'json_object' });
    expect(formats(s)).toHaveLength(3);
    expect(s.calls[2]?.format).toBe('json_object');
  });

  it('asks in the prompt alone when the server has neither mode, and finds JSON in fences', async () => {
    const { s, conn } = await standIn({
      capability: 'none',
      answer: (r) =>
        r.prompt.includes('Answer with JSON only')
          ? 'Here you go:\n```json\n{"daily": [4], "reason": "fenced"}\n```'
          : 'no',
    });
    const answer = await askJson(conn, request, inProcessModes());
    expect(answer).toMatchObject({ ok: true, mode: 'prompt', value: { daily: [4] } });
    expect(s.calls.map((c) => [c.format, c.status])).toEqual([
      ['json_schema', 400],
      ['json_object', 400],
      ['none', 200],
    ]);
  });

  it('finds JSON a model surrounded with sentences', async () => {
    const { conn } = await standIn({
      capability: 'none',
      answer: () => 'Sure! {"daily": [5], "reason": "words around"} Let me know.',
    });
    expect(await askJson(conn, request, inProcessModes())).toMatchObject({
      ok: true,
      value: { daily: [5], reason: 'words around' },
    });
  });

  it('probes again from structured outputs when asked to, whatever was remembered', async () => {
    const { s, conn } = await standIn({ capability: 'json_schema' });
    const memory = inProcessModes();
    await memory.remember(`${conn.baseUrl}|${MODEL}`, 'prompt');
    const probe = { ...request, probe: true, schema: z.object({ ok: z.boolean() }) };
    expect(await askJson(conn, probe, memory)).toMatchObject({ ok: true, mode: 'json_schema' });
    expect(await memory.recall(`${conn.baseUrl}|${MODEL}`)).toBe('json_schema');
    expect(formats(s)).toEqual(['json_schema']);
  });
});

describe('a failure is an answer, in words', () => {
  it('a wrong key: 401', async () => {
    const { conn } = await standIn();
    const answer = await askJson({ ...conn, apiKey: 'sk-wrong' }, request, inProcessModes());
    expect(answer).toMatchObject({ ok: false, reason: 'wrong_key' });
    expect(!answer.ok && answer.message).toMatch(/refused the API key \(401\)/);
  });

  it('an unknown model: 404', async () => {
    const { conn } = await standIn();
    const answer = await askJson({ ...conn, model: 'gpt-nope' }, request, inProcessModes());
    expect(answer).toMatchObject({ ok: false, reason: 'unknown_model' });
    expect(!answer.ok && answer.message).toMatch(/does not know the model "gpt-nope"/);
  });

  it('a slow model: a timeout within the time allowed', async () => {
    const { conn } = await standIn({ delayMs: 5000 });
    const started = Date.now();
    const answer = await askJson({ ...conn, timeoutMs: 300 }, request, inProcessModes());
    expect(answer).toMatchObject({ ok: false, reason: 'timeout' });
    expect(!answer.ok && answer.message).toMatch(/no answer within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a rate limit longer than the time allowed: 429 and when to try again, without waiting', async () => {
    const { s, conn } = await standIn({ rateLimit: { requests: 5, retryAfterSeconds: 30 } });
    const started = Date.now();
    const answer = await askJson(conn, request, inProcessModes());
    expect(answer).toMatchObject({ ok: false, reason: 'rate_limited' });
    expect(!answer.ok && answer.message).toMatch(/\(429\): try again in 30 s/);
    expect(s.calls).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a short rate limit is waited out once', async () => {
    const { s, conn } = await standIn({
      rateLimit: { requests: 1, retryAfterSeconds: 0.1 },
      answer: () => '{"daily": [1], "reason": "after the wait"}',
    });
    expect(await askJson(conn, request, inProcessModes())).toMatchObject({ ok: true });
    expect(s.calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it('a server that is not there', async () => {
    const port = await new Promise<number>((ok) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => ok(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const conn = {
      baseUrl: `http://127.0.0.1:${port}/v1`,
      model: MODEL,
      apiKey: KEY,
      timeoutMs: 2000,
    };
    const answer = await askJson(conn, request, inProcessModes());
    expect(answer).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(!answer.ok && answer.message).toMatch(/Could not reach http:\/\/127.0.0.1/);
  });

  it('an address that is not the API (no /v1)', async () => {
    const { s } = await standIn();
    const conn = {
      baseUrl: s.url.replace(/\/v1$/, ''),
      model: MODEL,
      apiKey: KEY,
      timeoutMs: 2000,
    };
    const answer = await askJson(conn, request, inProcessModes());
    expect(answer).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(!answer.ok && answer.message).toMatch(/ends in \/v1/);
  });

  it('an answer that is not what was asked: the schema’s issues', async () => {
    const { conn } = await standIn({ answer: () => '{"daily": ["12", "NaN"], "reason": 3}' });
    const answer = await askJson(conn, request, inProcessModes());
    expect(answer).toMatchObject({ ok: false, reason: 'schema_mismatch' });
    expect(!answer.ok && answer.issues?.map((i) => i.path)).toEqual([
      'daily.0',
      'daily.1',
      'reason',
    ]);
  });

  it('an answer with no JSON, or cut off at the length limit', async () => {
    const { s, conn } = await standIn({ answer: () => 'I would rather not.' });
    expect(await askJson(conn, request, inProcessModes())).toMatchObject({
      ok: false,
      reason: 'unparsable',
      message: 'The answer is not JSON: "I would rather not."',
    });
    s.set({ answer: () => ({ content: '{"daily": [1, 2, 3', finishReason: 'length' }) });
    expect(await askJson(conn, request, inProcessModes())).toMatchObject({
      ok: false,
      reason: 'unparsable',
      message: expect.stringMatching(/cut off/),
    });
  });

  it('a schema the server finds invalid is not taken for a missing mode', async () => {
    const { s, conn } = await standIn();
    const loose = {
      ...request,
      jsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } } },
    };
    const answer = await askJson(conn, loose, inProcessModes());
    expect(answer).toMatchObject({ ok: false, reason: 'refused' });
    expect(!answer.ok && answer.message).toMatch(/additionalProperties/);
    expect(formats(s)).toEqual(['json_schema']);
  });
});
