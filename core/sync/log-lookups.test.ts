// Lookups in the log that run often and find few events read those through partial indexes, not
// the whole log, which grows with a PC's history: each sync round looks for the files that events
// name (to push this PC's own, to fetch what it lacks), and every start of the app for the events
// an older version kept aside. SQLite uses a partial index only for a query that repeats its
// condition, so each test holds a query to its index.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { fileNamingTypes } from '../events/registry';
import { deferredSql } from './apply';
import { DOWNLOAD_WHERE, UPLOAD_WHERE, namedFilesSql } from './engine';

const dir = mkdtempSync(join(tmpdir(), 'fse-named-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => openDatabase(join(dir, `db${++n}.sqlite`));

const indexSql = (db: ReturnType<typeof fresh>): string =>
  parseRow(
    z.object({ sql: z.string() }),
    db.sqlite
      .prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`)
      .get('events_naming_files'),
  )?.sql ?? '';

const plan = (db: ReturnType<typeof fresh>, sql: string): string =>
  parseRows(z.object({ detail: z.string() }), db.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all())
    .map((r) => r.detail)
    .join('; ');

interface LogRow {
  type: string;
  device: string;
  serverSeq: number | null;
  status: string;
}

/** A fresh log holding `rows` (nothing projected: only the events table is asked). */
function withLog(rows: LogRow[], check: (db: ReturnType<typeof fresh>) => void): void {
  const db = fresh();
  try {
    const insert = db.sqlite.prepare(
      `INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc,
         created_at, aggregate_id, payload, server_seq, apply_status)
       VALUES (?, ?, 1, 'b', ?, 'u', '000000000000001-000000-n', 0, NULL, ?, ?, ?)`,
    );
    rows.forEach((r, i) =>
      insert.run(`e${i}`, r.type, r.device, `{"i":${i}}`, r.serverSeq, r.status),
    );
    check(db);
  } finally {
    db.close();
  }
}

/** The rows `sql` answers when SQLite may use no index on events: by reading every event. */
const readingEvery = (db: ReturnType<typeof fresh>, sql: string, ...params: string[]) =>
  db.sqlite.prepare(sql.replace('FROM events', 'FROM events NOT INDEXED')).all(...params);

describe('the events that name files', () => {
  it('are indexed by exactly the types the registry says name files', () => {
    withLog([], (db) => {
      const condition = indexSql(db).split(' WHERE ')[1] ?? '';
      const types = [...condition.matchAll(/"type" = '([^']*)'/g)].map((m) => m[1]);
      expect(fileNamingTypes.length).toBeGreaterThan(0);
      // A type added to the registry that names files needs a migration of the index as well.
      expect(types).toEqual([...fileNamingTypes].sort());
    });
  });

  it('cost an insert into the log no temporary table (an IN list in the condition would)', () => {
    withLog([], (db) => {
      const program = parseRows(
        z.object({ opcode: z.string() }),
        db.sqlite
          .prepare(
            `EXPLAIN INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id,
               hlc, created_at, aggregate_id, payload, server_seq, received_hlc, apply_status)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .all(...Array<null>(13).fill(null)),
      ).map((r) => r.opcode);
      expect(program).toContain('IdxInsert');
      expect(program).not.toContain('OpenEphemeral');
    });
  });

  it('are read through that index when looking for files to fetch, not by reading every event', () => {
    withLog([], (db) => {
      expect(plan(db, namedFilesSql(DOWNLOAD_WHERE))).toContain('USING INDEX events_naming_files');
      expect(plan(db, namedFilesSql(DOWNLOAD_WHERE))).not.toMatch(/SCAN events(?! USING)/);
    });
  });

  it('are found the same through the index as by reading every event (property)', () => {
    const otherTypes = ['sale.recorded', 'stock.adjusted', 'order.placed'];
    const row = fc.record({
      type: fc.constantFrom(...fileNamingTypes, ...otherTypes),
      status: fc.constantFrom('applied', 'conflict', 'deferred'),
      device: fc.constantFrom('pc-1', 'pc-2'),
      numbered: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), (rows) => {
        const log = rows.map((r, i) => ({ ...r, serverSeq: r.numbered ? i + 1 : null }));
        withLog(log, (db) => {
          for (const [where, params] of [
            [DOWNLOAD_WHERE, []],
            [UPLOAD_WHERE, ['pc-1']],
          ] as const) {
            const indexed = db.sqlite.prepare(namedFilesSql(where)).all(...params);
            const key = (r: unknown) => JSON.stringify(r);
            expect(indexed.map(key).sort()).toEqual(
              readingEvery(db, namedFilesSql(where), ...params)
                .map(key)
                .sort(),
            );
          }
          const wanted = rows.filter(
            (r) => r.status === 'applied' && fileNamingTypes.includes(r.type),
          ).length;
          expect(db.sqlite.prepare(namedFilesSql(DOWNLOAD_WHERE)).all()).toHaveLength(wanted);
        });
      }),
      { numRuns: 30 },
    );
  });
});

describe('the events an older app kept aside', () => {
  it('are read at each start through their own index, not by reading every event', () => {
    withLog([], (db) => {
      expect(plan(db, deferredSql)).toContain('USING INDEX events_deferred');
      expect(plan(db, deferredSql)).not.toContain('events_server_seq');
    });
  });

  it('are found the same through the index as by reading every event (property)', () => {
    const status = fc.constantFrom('applied', 'conflict', 'deferred');
    fc.assert(
      fc.property(fc.array(status, { maxLength: 40 }), (rows) => {
        // Kept-aside events are pulled ones, numbered (here against the order of writing).
        const log = rows.map((s, i) => ({
          type: 'future.thing',
          device: 'pc',
          serverSeq: 100 - i,
          status: s,
        }));
        withLog(log, (db) => {
          const indexed = db.sqlite.prepare(deferredSql).all();
          expect(indexed).toEqual(readingEvery(db, deferredSql));
          expect(indexed).toHaveLength(rows.filter((s) => s === 'deferred').length);
        });
      }),
      { numRuns: 30 },
    );
  });
});
