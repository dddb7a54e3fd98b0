// Model-based proof of the sync guarantees: random offline work at three branches and head
// office, with lost, repeated and replayed requests and server restarts. Once everything is
// delivered, every replica equals a fresh fold of the server's log for its branch, every
// acknowledged event is there exactly once, and every balance equals its ledger.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateHash, ledgerMismatches } from '../core/db/stateHash';
import { deliverEverything, expected, op, run } from './testing/model-ops';
import { buildTemplate, openWorld, type Template } from './testing/model-world';
import { differenceFromFreshFold, freshFoldHash } from './testing/fold';

const RUNS = Number(process.env['SYNC_MODEL_RUNS'] ?? 200);

let template: Template;
beforeAll(async () => {
  template = await buildTemplate();
}, 120_000);

describe('sync model', () => {
  it(`converges after random offline work, faults and restarts (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        const w = await openWorld(template);
        try {
          for (const o of ops) {
            try {
              await run(w, template, o);
            } catch (e) {
              if (!expected(e)) throw e;
            }
          }
          await deliverEverything(w);
          const replica = w.server().replica.core;
          for (const s of w.sites) {
            const device = s.core.context().device!;
            const pending = s.core.db.sqlite
              .prepare(
                'SELECT count(*) AS n FROM events WHERE device_id = ? AND server_seq IS NULL',
              )
              .get(device.id) as { n: number };
            expect(pending.n).toBe(0);
            // Every event this PC made is at head office exactly once.
            const mine = s.core.db.sqlite
              .prepare('SELECT id FROM events WHERE device_id = ?')
              .all(device.id) as { id: string }[];
            const atHq = replica.db.sqlite
              .prepare(`SELECT count(*) AS n FROM events WHERE device_id = ?`)
              .get(device.id) as { n: number };
            expect(atHq.n).toBe(mine.length);
            expect(ledgerMismatches(s.core.db)).toEqual([]);
            expect({
              site: s.code,
              differs: await differenceFromFreshFold(s.core.db, w.base(), s.token, device.branchId),
            }).toEqual({ site: s.code, differs: [] });
            expect(stateHash(s.core.db)).toBe(
              await freshFoldHash(w.base(), s.token, device.branchId),
            );
          }
          expect(ledgerMismatches(replica.db)).toEqual([]);
          const hqDevice = replica.context().device!;
          expect(stateHash(replica.db)).toBe(
            await freshFoldHash(w.base(), null, hqDevice.branchId, w.server().hub),
          );
        } finally {
          await w.close();
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 3_600_000);
});

afterAll(() => undefined);
