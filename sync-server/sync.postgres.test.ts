// The sync model again, on PostgreSQL, with two server processes sharing the database and every
// request of the branch PCs and of head office alternating between them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from './store/testing/postgres';
import { runAndCheck } from './testing/model-check';
import { op, skews } from './testing/model-ops';
import { buildTemplate, openWorld, type Template } from './testing/model-world';

// A failure prints its seed and path: SYNC_MODEL_SEED, SYNC_MODEL_PATH and SYNC_MODEL_RUNS=1 run
// that case again.
const replay = process.env['SYNC_MODEL_SEED']
  ? { seed: Number(process.env['SYNC_MODEL_SEED']), path: process.env['SYNC_MODEL_PATH'] }
  : {};
const RUNS = Number(process.env['SYNC_MODEL_PG_RUNS'] ?? 60);
// A run takes one to two seconds: one that hangs fails this test, not the whole CI run; a soak
// of thousands of runs gets the time it needs.
const timeout = Math.max(600_000, RUNS * 5_000);
let pg: TestPostgres;
let template: Template;
let n = 0;

beforeAll(async () => {
  pg = await startTestPostgres();
  template = await buildTemplate({ databaseUrl: await pg.createDatabase('model_template') });
}, 180_000);
// Stopping a server that holds a database per run can take a while on a loaded machine.
afterAll(() => pg?.stop(), 180_000);

describe('sync model on PostgreSQL', { timeout }, () => {
  it(`converges with two server processes on one database (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), skews, async (ops, skew) => {
        const url = await pg.createDatabase(`run_${++n}`, 'model_template');
        const w = await openWorld(template, url, { secondServer: true, skews: skew });
        try {
          await runAndCheck(w, template, ops);
        } finally {
          await w.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true, ...replay },
    );
  });
});
