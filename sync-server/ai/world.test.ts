// The AI model as head office serves it over HTTP: set up and tested in the console, its key in
// no answer and on no branch PC, and a branch PC's calls refused as head office's.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../../core/testing/demo';
import { startOpenAiStandIn, type OpenAiStandIn } from '../testing/openai-server';
import { http, startWorld, type World } from '../testing/world';

const KEY = 'sk-world-test-9f8e7d6c5b4a';

/** Every file under `dir` that holds `text` (databases and their WAL included). */
const filesHolding = (dir: string, text: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => readFileSync(file).includes(text));

let w: World;
let server: OpenAiStandIn;
beforeAll(async () => {
  server = await startOpenAiStandIn({ apiKey: KEY, capability: 'json_object' });
  w = await startWorld();
});
afterAll(async () => {
  await w.close();
  await server.close();
});

describe('the AI model at head office', () => {
  it('is set up and tested in the console; no answer carries the key, and no branch PC holds it', async () => {
    const saved = await w.admin('ai.saveSettings', {
      enabled: true,
      baseUrl: server.url,
      model: 'stand-in-model',
      apiKey: KEY,
      timeoutSeconds: 5,
    });
    expect(saved).toMatchObject({ apiKey: 'set', ready: true });
    const read = await http(w.base, 'POST', '/api/ai.settings', {}, w.adminToken);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).toContain('"apiKey":"set"');
    expect(JSON.stringify(read.body)).not.toContain(KEY);
    const tested = await w.admin('ai.test', {});
    expect(tested).toMatchObject({ ok: true, mode: 'json_object' });
    expect(JSON.stringify(tested)).not.toContain(KEY);
    expect((await w.admin('ai.settings', {})).mode).toBe('json_object');

    const shop = await w.enroll('SH01');
    await shop.engine.sync();
    expect(filesHolding(shop.dir, KEY)).toEqual([]);
    // Head office's replica (what branches sync from) holds none of it either: only its store.
    const replicaDir = join(w.server.replica.core.db.sqlite.name, '..');
    expect(filesHolding(replicaDir, KEY)).toEqual([]);
    expect(filesHolding(join(replicaDir, '..'), KEY)).toEqual([
      expect.stringMatching(/telegram[\\/]telegram\.sqlite(-wal)?$/),
    ]);
  });

  it('refuses a branch PC’s calls as head office’s', async () => {
    const shop = await w.enroll('SH02');
    const admin = shop.as('admin');
    expect(await failure(admin('ai.settings', {}))).toMatchObject({
      code: 'HEAD_OFFICE_ONLY',
      message: expect.stringMatching(/head office/),
    });
    expect(await failure(admin('ai.saveSettings', { apiKey: 'sk-other' }))).toMatchObject({
      code: 'HEAD_OFFICE_ONLY',
    });
    expect(
      await failure(
        admin('purchasing.adjustForecast', {
          branchId: w.branch.SH02,
          variantId: w.variants[0]!,
          description: 'A holiday on Friday',
        }),
      ),
    ).toMatchObject({ code: 'HEAD_OFFICE_ONLY', message: expect.stringMatching(/head office/) });
  });

  it('refuses a clerk at head office: the settings are an admin’s', async () => {
    const login = await http<{ result: { token: string } }>(w.base, 'POST', '/api/auth.login', {
      username: 'finance',
      password: 'correct-horse-battery',
    });
    const r = await http<{ ok: boolean; error: { code: string } }>(
      w.base,
      'POST',
      '/api/ai.settings',
      {},
      login.body.result.token,
    );
    expect(r.body).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
