// The floor for placing an order: the exact rows one orders.place call wrote in the core's
// database, written again into a byte copy of that database with prepared statements and nothing
// else — one IMMEDIATE transaction with the event, the order, its lines, the reservations
// (balances follow by trigger), the timeline row, the order-number sequence and the clock stamp.
// Rows are read back with every column (SELECT *), so a column added by a later migration is
// copied too; only the AUTOINCREMENT keys are left for SQLite to assign, as the core does.
import type Database from 'better-sqlite3';
import type { Db } from '../db/open';

type Row = Record<string, unknown>;

interface TableRows {
  table: string;
  rows: Row[];
}

export interface PlacedRows {
  /** In insert order: parents before children, as the foreign keys require. */
  tables: TableRows[];
  sequenceKey: string;
  hlc: string;
}

/** AUTOINCREMENT keys, which the core leaves to SQLite. */
const generated: Record<string, string> = {
  events: 'seq',
  stock_movements: 'id',
  order_timeline: 'id',
};

const strip = (table: string, rows: Row[]) =>
  rows.map((r) => {
    const { [generated[table] ?? '']: _key, ...rest } = r;
    return rest;
  });

/** Reads back (outside any timing) what the core wrote for one placed order. */
export function readPlacedRows(db: Db, orderId: string): PlacedRows {
  const s = db.sqlite;
  const all = (sql: string, ...args: unknown[]) => s.prepare(sql).all(...args) as Row[];
  const event = all(
    `SELECT * FROM events WHERE aggregate_id = ? AND type = 'order.placed'`,
    orderId,
  )[0]!;
  const order = all('SELECT * FROM orders WHERE id = ?', orderId)[0]!;
  const shop = s.prepare('SELECT code FROM branches WHERE id = ?').get(order['shop_id']) as {
    code: string;
  };
  const tables: TableRows[] = [
    { table: 'events', rows: [event] },
    { table: 'orders', rows: [order] },
    {
      table: 'order_lines',
      rows: all('SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no', orderId),
    },
    {
      table: 'stock_movements',
      rows: all('SELECT * FROM stock_movements WHERE event_id = ? ORDER BY id', event['id']),
    },
    {
      table: 'order_timeline',
      rows: all(
        'SELECT * FROM order_timeline WHERE order_id = ? AND event_id = ? ORDER BY id',
        orderId,
        event['id'],
      ),
    },
  ];
  return {
    tables: tables.map((t) => ({ table: t.table, rows: strip(t.table, t.rows) })),
    sequenceKey: `order:${shop.code}`,
    hlc: String(event['hlc']),
  };
}

export class RawOrderWriter {
  private readonly inserts = new Map<string, Database.Statement>();
  private readonly sequence: Database.Statement;
  private readonly clock: Database.Statement;
  private readonly write: Database.Transaction<(rows: PlacedRows) => void>;

  constructor(readonly db: Db) {
    const s = db.sqlite;
    this.sequence = s.prepare(
      'INSERT INTO sequences (key, value) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value',
    );
    this.clock = s.prepare(
      `INSERT INTO meta (key, value) VALUES ('hlc', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    this.write = s.transaction((placed: PlacedRows) => {
      this.sequence.get(placed.sequenceKey);
      for (const { table, rows } of placed.tables)
        for (const row of rows) this.insert(table, row).run(row);
      this.clock.run(placed.hlc);
    });
  }

  /** Prepared once per table and column set, then reused, as a hand-written writer would. */
  private insert(table: string, row: Row): Database.Statement {
    const cols = Object.keys(row);
    const key = `${table}(${cols.join(',')})`;
    let stmt = this.inserts.get(key);
    if (!stmt) {
      stmt = this.db.sqlite.prepare(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
      );
      this.inserts.set(key, stmt);
    }
    return stmt;
  }

  /** Prepares every statement a placement needs, so the first timed write compiles nothing. */
  prepare(sample: PlacedRows): void {
    for (const { table, rows } of sample.tables) for (const row of rows) this.insert(table, row);
  }

  place(rows: PlacedRows): void {
    this.write.immediate(rows);
  }
}
