// Head office's first run with two server processes on one PostgreSQL database, as behind a load
// balancer: setups sent to both at the same moment make one head office (the store's claim
// holds an advisory lock every process shares), and each process's console then signs in that
// one admin and enrolls PCs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from './store/testing/postgres';
import { closeAll, expectWhole, fresh, raceSetups } from './testing/first-run';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 180_000);
afterEach(closeAll);
afterAll(() => pg?.stop(), 180_000);

describe("head office's first run on PostgreSQL", () => {
  it.each([1, 2, 3])(
    'setups sent to two processes at once make one head office (round %i)',
    async (round) => {
      const databaseUrl = await pg.createDatabase(`first_run_${round}`);
      const [a, b] = await Promise.all([fresh({ databaseUrl }), fresh({ databaseUrl })]);
      const { winner, tried } = await raceSetups(a, b);
      expect(await expectWhole(b.url, tried)).toBe(winner);
      expect(await expectWhole(a.url, tried)).toBe(winner);
      // Both server processes' devices, and the PCs enrolled through each, are of one branch.
      const devices = await a.hub.store.devices();
      expect(devices.length).toBeGreaterThanOrEqual(4);
      expect(new Set(devices.map((d) => d.branchId))).toEqual(
        new Set([await a.hub.store.headOfficeBranch()]),
      );
    },
    120_000,
  );
});
