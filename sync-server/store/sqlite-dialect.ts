// The SQLite side of ./dialect.ts, over one better-sqlite3 connection.
//
// better-sqlite3 is synchronous, but the store's transactions are async functions: between two
// of a transaction's statements other callers' promises may run. So while a transaction is open
// every other statement (and transaction) waits its turn here, and never lands inside it.
import type Database from 'better-sqlite3';
import type { SqlDialect, SqlParam, SqlRunner, SqlTransaction } from './dialect';

/** `$n` (and a `$n::type` cast) become `?`, with the parameters in the order they appear. */
interface Translated {
  text: string;
  order: number[];
}

const translations = new Map<string, Translated>();

function translate(sql: string): Translated {
  const known = translations.get(sql);
  if (known) return known;
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)(?:::[a-z0-9_]+(?:\[\])?)?/gi, (_m, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  const made = { text, order };
  translations.set(sql, made);
  return made;
}

/** SQLite binds no booleans and no arrays: 1/0, and a list as its JSON text. */
function bindable(value: SqlParam | undefined): string | number | null | Buffer {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' || typeof value === 'number' || value === null) return value;
  if (Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}

export class SqliteDialect implements SqlDialect {
  readonly kind = 'sqlite';
  readonly byteOrder = '';
  /** SQLite's own clock (the machine's: processes sharing a file run on one machine). One value
   * throughout a statement. */
  readonly nowMs = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";
  /** Set while a transaction is open; settles when it ends. Every caller waits in a loop of its
   * own (never in a shared helper), so the check and what follows it are one synchronous step. */
  private busy: Promise<void> | undefined;
  private readonly inside: SqlTransaction = {
    all: async (sql, params) => this.exec(sql, params).rows,
    run: async (sql, params) => this.exec(sql, params).changes,
    lock: async () => undefined,
  };

  constructor(readonly db: Database.Database) {}

  private exec(
    sql: string,
    params: readonly SqlParam[] = [],
  ): { rows: unknown[]; changes: number } {
    const { text, order } = translate(sql);
    const stmt = this.db.prepare(text);
    const values = order.map((i) => bindable(params[i]));
    if (stmt.reader) {
      const rows = stmt.all(...values);
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: stmt.run(...values).changes };
  }

  async all(sql: string, params?: readonly SqlParam[]): Promise<unknown[]> {
    while (this.busy) await this.busy;
    return this.exec(sql, params).rows;
  }

  async run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    while (this.busy) await this.busy;
    return this.exec(sql, params).changes;
  }

  /** Runs synchronous work on the connection when no transaction is open (the hot paths). */
  async exclusive<T>(work: (db: Database.Database) => T): Promise<T> {
    while (this.busy) await this.busy;
    return work(this.db);
  }

  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.within('BEGIN IMMEDIATE', work);
  }

  snapshot<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.within('BEGIN', work);
  }

  private async within<T>(begin: string, work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    // Checked and taken in one synchronous step after each wake-up: of several waiters, the
    // first to run takes the turn and the others wait again.
    while (this.busy) await this.busy;
    let release = () => {};
    this.busy = new Promise((resolve) => (release = resolve));
    try {
      this.db.exec(begin);
      try {
        const result = await work(this.inside);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.busy = undefined;
      release();
    }
  }

  greatest(a: string, b: string): string {
    return `max(${a}, ${b})`;
  }

  inList(column: string, n: number): string {
    return `${column} IN (SELECT value FROM json_each($${n}))`;
  }

  listParam(values: readonly string[]): SqlParam {
    return JSON.stringify(values);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
