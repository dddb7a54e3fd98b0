// The AI settings in the PostgreSQL store several head-office processes share: what one process
// saves (and the JSON mode it found working) every other uses; the key is read by none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestPostgres, type TestPostgres } from '../store/testing/postgres';
import { openPostgresTelegramStore } from '../telegram/store/postgres';
import type { SqlTelegramStore } from '../telegram/store/sql-store';
import { startOpenAiStandIn, type OpenAiStandIn } from '../testing/openai-server';
import { HeadOfficeAi } from './service';

const KEY = 'sk-postgres-test-key-42';

let pg: TestPostgres;
let server: OpenAiStandIn;
const stores: SqlTelegramStore[] = [];
beforeAll(async () => {
  pg = await startTestPostgres();
  server = await startOpenAiStandIn({ apiKey: KEY, capability: 'json_object' });
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await server.close();
  await pg.stop();
});

describe('the AI settings on PostgreSQL', () => {
  it('are shared by every process, the key and the working mode too, and no read shows the key', async () => {
    const url = await pg.createDatabase('ai_settings');
    for (let i = 0; i < 2; i++) stores.push(await openPostgresTelegramStore(url));
    const [one, two] = stores.map((s) => new HeadOfficeAi(s));
    await one!.saveSettings(
      { enabled: true, baseUrl: server.url, model: 'stand-in-model', apiKey: KEY },
      'admin',
    );
    const seen = await two!.settings();
    expect(seen).toMatchObject({ ready: true, apiKey: 'set', baseUrl: server.url, mode: null });
    expect(JSON.stringify(seen)).not.toContain(KEY);
    // The second process tests with the first's key; the mode it finds, the first then uses.
    expect(await two!.test()).toMatchObject({ ok: true, mode: 'json_object' });
    expect((await one!.settings()).mode).toBe('json_object');
    const before = server.calls.length;
    await one!.test();
    await one!.ask({
      name: 'again',
      system: 'Answer.',
      user: 'Say ok.',
      schema: z.object({ ok: z.boolean() }),
      jsonSchema: {
        type: 'object',
        properties: { ok: { type: 'boolean' } },
        required: ['ok'],
        additionalProperties: false,
      },
    });
    // ai.test probes afresh (structured outputs refused, then JSON mode); an ask goes straight
    // to the remembered mode.
    expect(server.calls.slice(before).map((c) => c.format)).toEqual([
      'json_schema',
      'json_object',
      'json_object',
    ]);
  });
});
