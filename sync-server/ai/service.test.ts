// Head office's AI settings in its shared store (the SQLite kind here; the same SQL serves
// PostgreSQL), the key never read back, and the admin's test answering which JSON mode the
// server supports or what is wrong, in words.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openSqliteTelegramStore } from '../telegram/store/sqlite';
import { startOpenAiStandIn, type OpenAiStandIn } from '../testing/openai-server';
import { HeadOfficeAi } from './service';

const KEY = 'sk-secret-0123456789abcdef';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function setUp(capability: 'json_schema' | 'json_object' | 'none' = 'json_schema') {
  const file = join(mkdtempSync(join(tmpdir(), 'fse-ai-')), 'telegram.sqlite');
  const store = await openSqliteTelegramStore(file);
  const server: OpenAiStandIn = await startOpenAiStandIn({ apiKey: KEY, capability });
  closers.push(
    () => store.close(),
    () => server.close(),
  );
  const logged: Record<string, unknown>[] = [];
  const ai = new HeadOfficeAi(store, (e) => logged.push(e));
  return { ai, store, server, file, logged };
}

describe('the AI settings at head office', () => {
  it('are kept in the shared store, and no read or log ever shows the key', async () => {
    const { ai, server, file, logged } = await setUp();
    expect(await ai.settings()).toMatchObject({ enabled: false, apiKey: 'not set', ready: false });
    const saved = await ai.saveSettings(
      {
        enabled: true,
        baseUrl: `${server.url}/`,
        model: 'stand-in-model',
        apiKey: KEY,
        timeoutSeconds: 5,
      },
      'admin-1',
    );
    expect(saved).toEqual({
      enabled: true,
      baseUrl: server.url,
      model: 'stand-in-model',
      apiKey: 'set',
      timeoutSeconds: 5,
      mode: null,
      ready: true,
    });
    expect(JSON.stringify(saved)).not.toContain(KEY);
    expect(JSON.stringify(logged)).not.toContain(KEY);
    // Another process on the same store sees them (and the key works from there).
    const otherStore = await openSqliteTelegramStore(file);
    closers.push(() => otherStore.close());
    const other = new HeadOfficeAi(otherStore);
    expect(await other.settings()).toEqual(saved);
    expect(await other.test()).toMatchObject({ ok: true, mode: 'json_schema' });
    // Keeping the key: absent leaves it; null removes it.
    await ai.saveSettings({ model: 'stand-in-model' }, 'admin-1');
    expect((await ai.settings()).apiKey).toBe('set');
    await ai.saveSettings({ apiKey: null }, 'admin-1');
    expect((await ai.settings()).apiKey).toBe('not set');
  });

  it('off, or without an address and model, nothing is asked', async () => {
    const { ai, server } = await setUp();
    const ask = () =>
      ai.ask({
        name: 't',
        system: 's',
        user: 'u',
        schema: z.object({}),
        jsonSchema: { type: 'object', properties: {}, required: [], additionalProperties: false },
      });
    expect(await ask()).toMatchObject({ ok: false, reason: 'not_set_up' });
    await ai.saveSettings({ baseUrl: server.url, model: 'stand-in-model', apiKey: KEY }, 'a');
    expect(await ask()).toMatchObject({ ok: false, reason: 'not_set_up', message: /switched off/ });
    expect(server.calls).toHaveLength(0);
    await ai.saveSettings({ enabled: true }, 'a');
    expect(await ask()).toMatchObject({ ok: true });
  });
});

describe('the admin’s test', () => {
  it.each([
    ['json_schema', 'json_schema', /structured outputs/],
    ['json_object', 'json_object', /JSON mode only/],
    ['none', 'prompt', /neither JSON Schema nor JSON mode/],
  ] as const)(
    'on a server with %s answers %s, and the mode is remembered',
    async (capability, mode, words) => {
      const { ai, server } = await setUp(capability);
      await ai.saveSettings(
        { enabled: true, baseUrl: server.url, model: 'stand-in-model', apiKey: KEY },
        'a',
      );
      const result = await ai.test();
      expect(result).toMatchObject({ ok: true, mode, model: 'stand-in-model' });
      expect(result.ok && result.message).toMatch(words);
      expect((await ai.settings()).mode).toBe(mode);
    },
  );

  it('says what is wrong: the key, the model, the time', async () => {
    const { ai, server } = await setUp();
    await ai.saveSettings(
      {
        enabled: true,
        baseUrl: server.url,
        model: 'stand-in-model',
        apiKey: 'sk-wrong',
        timeoutSeconds: 1,
      },
      'a',
    );
    expect(await ai.test()).toMatchObject({ ok: false, reason: 'wrong_key', message: /401/ });
    await ai.saveSettings({ apiKey: KEY, model: 'llama-9000' }, 'a');
    expect(await ai.test()).toMatchObject({
      ok: false,
      reason: 'unknown_model',
      message: /"llama-9000" \(404\)/,
    });
    await ai.saveSettings({ model: 'stand-in-model' }, 'a');
    server.set({ delayMs: 3000 });
    expect(await ai.test()).toMatchObject({
      ok: false,
      reason: 'timeout',
      message: /no answer within 1 s/,
    });
  });
});
