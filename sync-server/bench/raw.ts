// The floor for pull-and-apply: the exact rows a replica holds after applying the pulled events
// (the events themselves and every projected row), written again into a fresh database (same
// schema and pragmas, via openDatabase) with prepared statements and nothing else, one IMMEDIATE
// transaction per pulled page with the page's cursor. Two orders: event by event (each event,
// then the rows its projection made: what an applier writes, the floor the ratio is taken
// against) and table by table within each page (a bulk loader's best case). Stock balances are
// left to the ledger trigger and the dashboards' aggregates summed at each page's end, as in the
// core; AUTOINCREMENT keys are left to SQLite.
import type Database from 'better-sqlite3';
import { summingAtEnd } from '../../core/analytics/aggregates';
import type { Db } from '../../core/db/open';

type Row = Record<string, unknown>;

/** Parents before children, as the foreign keys require. stock_balances: kept by trigger. */
const tableOrder = [
  'events',
  'branches',
  'products',
  'variants',
  'users',
  'devices',
  'customers',
  'price_history',
  'production_batches',
  'orders',
  'order_lines',
  'order_timeline',
  'order_discrepancies',
  'files',
  'payment_slips',
  'sales',
  'sale_lines',
  'sale_payments',
  'stock_movements',
  'conflicts',
  'conflict_resolutions',
];

interface TableColumns {
  table: string;
  columns: string[];
}

/** One row to write: which table (an index into `tables`) and its values in column order. */
interface RawRow {
  table: number;
  values: unknown[];
}

export interface RawPage {
  cursor: number;
  rows: RawRow[];
}

export interface RawRows {
  events: number;
  rows: number;
  byTable: Record<string, number>;
  tables: TableColumns[];
  /** Each event followed by the rows its projection made, as an applier writes them. */
  byEvent: RawPage[];
  /** The same rows grouped table by table within each page, as a bulk loader writes them. */
  byTableOrder: RawPage[];
}

/** An INTEGER PRIMARY KEY (AUTOINCREMENT) column: SQLite assigns it, the writer leaves it out. */
function generatedKey(db: Db, table: string): string | null {
  const cols = db.sqlite.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table) as {
    name: string;
    type: string;
    pk: number;
  }[];
  const keys = cols.filter((c) => c.pk > 0);
  return keys.length === 1 && keys[0]!.type.toLowerCase() === 'integer' ? keys[0]!.name : null;
}

/**
 * Reads back (outside any timing) what the replica wrote, split the way it was written: the
 * events of each pulled page (by server order) with the rows their projections made.
 */
export function readAppliedRows(replica: Db, pageSize: number): RawRows {
  const s = replica.sqlite;
  const events = s
    .prepare(
      'SELECT id, aggregate_id AS aggregateId, server_seq AS seq FROM events ORDER BY server_seq',
    )
    .all() as { id: string; aggregateId: string | null; seq: number }[];
  const indexOfEvent = new Map<string, number>();
  const firstOfAggregate = new Map<string, number>();
  events.forEach((e, i) => {
    indexOfEvent.set(e.id, i);
    if (e.aggregateId && !firstOfAggregate.has(e.aggregateId))
      firstOfAggregate.set(e.aggregateId, i);
  });
  // The event whose projection wrote a row: its own, else the first of the aggregate it belongs
  // to (order lines: the order's placing; a customer: its first save). Master rows with no
  // such event go first.
  const ownerOf = (table: string, row: Row): number => {
    const ref = (key: string) => (typeof row[key] === 'string' ? (row[key] as string) : null);
    const event = table === 'events' ? ref('id') : ref('event_id');
    if (event !== null) return indexOfEvent.get(event) ?? 0;
    const owner = ref('order_id') ?? ref('sale_id') ?? ref('id');
    return (owner !== null ? firstOfAggregate.get(owner) : undefined) ?? 0;
  };
  // A row never goes before a row it refers to (foreign keys): parents' owners, by key.
  const foreignKeys = new Map(
    tableOrder.map((t) => [
      t,
      s
        .prepare('SELECT "table" AS parent, "from", "to" FROM pragma_foreign_key_list(?)')
        .all(t) as {
        parent: string;
        from: string;
        to: string;
      }[],
    ]),
  );
  const referenced = new Set([...foreignKeys.values()].flat().map((k) => `${k.parent}.${k.to}`));
  const ownerOfKey = new Map<string, number>();
  const tables: TableColumns[] = [];
  const placed: { event: number; row: RawRow }[] = [];
  const byTable: Record<string, number> = {};
  for (const table of tableOrder) {
    const skip = generatedKey(replica, table);
    const all = s.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Row[];
    if (all.length === 0) continue;
    const columns = Object.keys(all[0]!).filter((c) => c !== skip);
    const index = tables.push({ table, columns }) - 1;
    const keys = columns.filter((c) => referenced.has(`${table}.${c}`));
    for (const row of all) {
      const event = Math.max(
        ownerOf(table, row),
        ...foreignKeys
          .get(table)!
          .map((k) => ownerOfKey.get(`${k.parent}.${k.to}=${String(row[k.from])}`) ?? 0),
      );
      for (const c of keys) ownerOfKey.set(`${table}.${c}=${String(row[c])}`, event);
      placed.push({ event, row: { table: index, values: columns.map((c) => row[c]) } });
    }
    byTable[table] = all.length;
  }
  const pageCount = Math.ceil(events.length / pageSize);
  const pagesBy = (compare: (a: (typeof placed)[number], b: (typeof placed)[number]) => number) => {
    const pages: RawPage[] = Array.from({ length: pageCount }, (_, i) => ({
      cursor: events[Math.min(events.length, (i + 1) * pageSize) - 1]!.seq,
      rows: [],
    }));
    for (const p of [...placed].sort(compare))
      pages[Math.floor(p.event / pageSize)]!.rows.push(p.row);
    return pages;
  };
  // Array.prototype.sort is stable: rows of one table keep their rowid order.
  return {
    events: events.length,
    rows: placed.length,
    byTable,
    tables,
    byEvent: pagesBy((a, b) => a.event - b.event || a.row.table - b.row.table),
    byTableOrder: pagesBy(
      (a, b) =>
        Math.floor(a.event / pageSize) - Math.floor(b.event / pageSize) ||
        a.row.table - b.row.table,
    ),
  };
}

/** Writes the pages into `target`, one IMMEDIATE transaction per page; the seconds it took. */
export function writeRawRows(target: Db, raw: RawRows, pages: RawPage[]): number {
  const s = target.sqlite;
  const inserts: Database.Statement[] = raw.tables.map((t) =>
    s.prepare(
      `INSERT INTO ${t.table} (${t.columns.join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`,
    ),
  );
  const cursor = s.prepare(
    `INSERT INTO meta (key, value) VALUES ('sync.cursor', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  const write = s.transaction((page: RawPage) =>
    summingAtEnd(target, () => {
      for (const row of page.rows) inserts[row.table]!.run(row.values);
      cursor.run(String(page.cursor));
    }),
  );
  const start = performance.now();
  for (const page of pages) write.immediate(page);
  return (performance.now() - start) / 1000;
}
