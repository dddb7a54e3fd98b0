// The small layer that lets one event store (./sql-store.ts) and one update feed store
// (./update-feed.ts) run on both SQL drivers: better-sqlite3 (one process, synchronous) and pg
// (a pool shared by several processes). Statements are written once, with PostgreSQL's `$1`
// placeholders and, where PostgreSQL needs one, a `$1::type` cast on a parameter; the SQLite
// dialect numbers them as `?` and drops those casts. What the two spell differently is a method
// here (greatest, byte order, lists, advisory locks, snapshots, the database's clock);
// everything else is the SQL both speak (ON CONFLICT … DO UPDATE, RETURNING, INSERT … SELECT).
// Rows come back `unknown`: the store parses them with a row schema (./rows.ts).
// Decision: docs/decisions/0015-server-store-migrations.md.

export type SqlParam = string | number | boolean | null | Buffer | readonly string[];

/** Runs statements: the store itself, or one transaction of it. */
export interface SqlRunner {
  /** The rows a statement answers (none for a statement without RETURNING). */
  all(sql: string, params?: readonly SqlParam[]): Promise<unknown[]>;
  /** Runs a statement; answers how many rows it changed. */
  run(sql: string, params?: readonly SqlParam[]): Promise<number>;
}

/** A transaction's statements, and what only a transaction can do. */
export interface SqlTransaction extends SqlRunner {
  /**
   * Holds one advisory lock (by one key, or a key and a text) until the transaction ends, so
   * processes sharing a PostgreSQL database take turns. Nothing on SQLite: its write
   * transactions begin IMMEDIATE, one at a time already.
   */
  lock(key: number, text?: string): Promise<void>;
}

export interface SqlDialect extends SqlRunner {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs `work` in one write transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** Runs `work` in one read-only transaction that sees one snapshot of the store. */
  snapshot<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** The larger of two values (SQLite's two-argument max(), PostgreSQL's greatest()). */
  greatest(a: string, b: string): string;
  /** `ORDER BY x${byteOrder}` sorts text by its bytes on both (SQLite's BINARY is the default). */
  readonly byteOrder: string;
  /** A condition that `column` is one of a list passed as parameter `$n` (see listParam). */
  inList(column: string, n: number): string;
  /** The parameter for inList: an array on PostgreSQL, its JSON text on SQLite. */
  listParam(values: readonly string[]): SqlParam;
  /**
   * The database's clock, in ms since 1970, as an expression: what leases (./leases.ts) time
   * themselves by, so which process holds one never depends on a PC's clock.
   */
  readonly nowMs: string;
  close(): Promise<void>;
}

/** `(…), (…)` rows of `width` parameters each, from `$from + 1`, for a multi-row VALUES. */
export function valuesRows(rows: number, width: number, from = 0): string {
  return Array.from(
    { length: rows },
    (_, r) =>
      `(${Array.from({ length: width }, (_, c) => `$${from + r * width + c + 1}`).join(', ')})`,
  ).join(', ');
}

/** Rows per multi-row statement: far below either driver's parameter limit. */
export const ROWS_PER_STATEMENT = 500;

/** Splits `items` into runs of at most ROWS_PER_STATEMENT. */
export function inRuns<T>(items: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT)
    runs.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return runs;
}
