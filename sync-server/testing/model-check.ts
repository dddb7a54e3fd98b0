// One run of the sync model and what must hold after it, shared by the SQLite and PostgreSQL tests.
import { expect } from 'vitest';
import { ledgerMismatches, stateHash } from '../../core/db/stateHash';
import { differenceFromFreshFold, freshFoldHash } from './fold';
import { deliverEverything, expected, run, type Op } from './model-ops';
import type { ModelWorld, Template } from './model-world';

export async function runAndCheck(w: ModelWorld, template: Template, ops: Op[]): Promise<void> {
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
    const count = (db: typeof replica.db, sql: string) =>
      (db.sqlite.prepare(sql).get(device.id) as { n: number }).n;
    expect(
      count(
        s.core.db,
        'SELECT count(*) AS n FROM events WHERE device_id = ? AND server_seq IS NULL',
      ),
    ).toBe(0);
    // Every event this PC made is at head office exactly once.
    const made = count(s.core.db, 'SELECT count(*) AS n FROM events WHERE device_id = ?');
    expect(count(replica.db, 'SELECT count(*) AS n FROM events WHERE device_id = ?')).toBe(made);
    expect(ledgerMismatches(s.core.db)).toEqual([]);
    // Every slip's file reached this PC (so head office has it too).
    const slipFiles = s.core.db.sqlite
      .prepare('SELECT DISTINCT file_hash AS hash FROM payment_slips')
      .all() as { hash: string }[];
    expect(slipFiles.filter(({ hash }) => !s.core.files.has(hash))).toEqual([]);
    expect({
      site: s.code,
      differs: await differenceFromFreshFold(s.core.db, w.base(), s.token, device.branchId),
    }).toEqual({
      site: s.code,
      differs: [],
    });
    expect(stateHash(s.core.db)).toBe(await freshFoldHash(w.base(), s.token, device.branchId));
  }
  // Every head-office replica (one per server process) equals a fresh fold of everything.
  for (const server of w.servers()) {
    const core = server.replica.core;
    expect(ledgerMismatches(core.db)).toEqual([]);
    expect(stateHash(core.db)).toBe(
      await freshFoldHash(w.base(), null, core.context().device!.branchId, server.hub),
    );
  }
}
