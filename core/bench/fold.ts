// The check on history.ts: the seeder writes rows straight, so nothing but this says they are the
// rows the projections would have written. The seeder also writes the events those rows stand
// for; here they are folded through the real projections (applyOrdered, as a replica applies a
// pulled page) into a copy of the database as it was before seeding, and the two are compared
// table by table. Slow next to the seeder: run at a small scale, by history.test.ts.
import { z } from 'zod';
import type { Db } from '../db/open';
import { tableHash } from '../db/stateHash';
import { replicatedTables } from '../events/registry';
import { applyOrdered, emptyTally, type ApplyTally } from '../sync/apply';
import { orderedEvent, type OrderedEvent } from '../sync/protocol';

/**
 * Columns that may differ between the seeded rows and the fold, and why. Only the surrogate keys
 * SQLite numbers in the order rows arrive (the seeder inserts an order's rows table by table, a
 * projection event by event); the state hash leaves them out for the same reason.
 */
export const surrogateKeys: Readonly<Record<string, string>> = {
  events: 'seq',
  stock_movements: 'id',
  order_timeline: 'id',
  payment_slips: 'id',
};

/** The tables compared: every replicated table (what the state hash covers) and the event log. */
export const comparedTables: readonly string[] = ['events', ...replicatedTables];

const PAGE = 5_000;

/** An event row as stored, its payload JSON text read back. */
const storedEvent = orderedEvent.extend({
  payload: z.string().transform((text): unknown => JSON.parse(text)),
});

/**
 * Folds the events `seeded` holds with a server number (the seeder numbers its own, as if pulled
 * from head office) into `target`, a copy of the database from before the seeding, in pages of
 * 5,000 in the server's order. The PCs the history came from are enrolled first, as head office
 * would have told the replica of them (devices are master data, not written by these events).
 */
export function foldSeededEvents(seeded: Db, target: Db): ApplyTally {
  const known = new Set(target.sqlite.prepare('SELECT id FROM devices').pluck().all().map(String));
  const devices = z
    .array(z.record(z.string(), z.unknown()))
    .parse(seeded.sqlite.prepare('SELECT * FROM devices').all());
  for (const d of devices.filter((row) => !known.has(String(row['id'])))) {
    const cols = Object.keys(d);
    target.sqlite
      .prepare(
        `INSERT INTO devices (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
      )
      .run(d);
  }
  const read = seeded.sqlite.prepare(
    `SELECT id, type, schema_version AS schemaVersion, branch_id AS branchId, device_id AS deviceId,
       user_id AS userId, hlc, created_at AS createdAt, aggregate_id AS aggregateId, payload,
       server_seq AS seq, received_hlc AS receivedHlc
     FROM events WHERE server_seq > ? ORDER BY server_seq LIMIT ${PAGE}`,
  );
  const apply = target.sqlite.transaction((page: OrderedEvent[], tally: ApplyTally) =>
    applyOrdered(target, page, tally),
  );
  const tally = emptyTally();
  let after = 0;
  for (;;) {
    // Parsed as a pulled page is: a seeded event the wire would refuse fails here.
    const page: OrderedEvent[] = z.array(storedEvent).parse(read.all(after));
    if (page.length === 0) return tally;
    apply.immediate(page, tally);
    after = page.at(-1)!.seq;
  }
}

const columnsOf = (db: Db, table: string) =>
  db.sqlite
    .prepare('SELECT name FROM pragma_table_info(?)')
    .pluck()
    .all(table)
    .map(String)
    .filter((c) => c !== surrogateKeys[table]);

const rowsOf = (db: Db, table: string) => {
  const list = columnsOf(db, table)
    .map((c) => `"${c}"`)
    .join(', ');
  return new Set(
    db.sqlite
      .prepare(`SELECT ${list} FROM ${table}`)
      .raw()
      .all()
      .map((r) => JSON.stringify(r)),
  );
};

/**
 * Where the seeded database and the fold disagree: one line per table, with how many rows are
 * found on one side only and the first of each, cut short; none when they agree. Surrogate keys
 * are left out (see above).
 */
export function seededDifferences(seeded: Db, fold: Db): string[] {
  const out: string[] = [];
  for (const table of comparedTables) {
    const exclude = surrogateKeys[table] ? [surrogateKeys[table]] : [];
    if (tableHash(seeded, table, exclude) === tableHash(fold, table, exclude)) continue;
    const [mine, theirs] = [rowsOf(seeded, table), rowsOf(fold, table)];
    const onlySeeded = [...mine].filter((r) => !theirs.has(r));
    const onlyFold = [...theirs].filter((r) => !mine.has(r));
    const first = (rows: string[]) => (rows[0] ?? '').slice(0, 600);
    out.push(
      `${table} (${columnsOf(seeded, table).join(', ')}): ${onlySeeded.length} rows only seeded, ` +
        `as ${first(onlySeeded)}; ${onlyFold.length} only in the fold, as ${first(onlyFold)}`,
    );
  }
  return out;
}
