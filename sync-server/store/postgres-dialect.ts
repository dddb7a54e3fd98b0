// The PostgreSQL side of ./dialect.ts, over a pg pool shared by a server process's requests
// (several processes share the database).
import pg from 'pg';
import type { SqlDialect, SqlParam, SqlRunner, SqlTransaction } from './dialect';

/**
 * bigint (int8) columns and counts come back as numbers rather than strings: sequence numbers,
 * counts and millisecond times stay far below 2^53. For this pool only, not process-wide.
 */
function typeParsers(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  return types;
}

/** A pool for one store, whose idle connections failing never crash the process. */
/** What every server process's connections are called in pg_stat_activity. */
export const SERVER_APP_NAME = 'factory-shop-sync';

export function openPool(url: string, size: number, what: string): pg.Pool {
  // Named, so a restore that finds the database in use can say it is a server process's.
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    types: typeParsers(),
    application_name: SERVER_APP_NAME,
  });
  // An idle connection the server drops (restart, failover) must not crash the process;
  // the pool replaces it and the next query reports any lasting problem.
  pool.on('error', (err) => {
    console.error(
      JSON.stringify({ level: 'warn', msg: `${what}: idle connection failed`, error: err.message }),
    );
  });
  return pool;
}

const values = (params: readonly SqlParam[] = []) => [...params];

export class PostgresDialect implements SqlDialect {
  readonly kind = 'postgres';
  /** Byte order, as SQLite sorts, whatever the database's collation is. */
  readonly byteOrder = ' COLLATE "C"';
  /** The time the statement reads it (clock_timestamp(), not the transaction's start). */
  readonly nowMs = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';
  private closed = false;

  constructor(readonly pool: pg.Pool) {}

  async all(sql: string, params?: readonly SqlParam[]): Promise<unknown[]> {
    return (await this.pool.query(sql, values(params))).rows;
  }

  async run(sql: string, params?: readonly SqlParam[]): Promise<number> {
    return (await this.pool.query(sql, values(params))).rowCount ?? 0;
  }

  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return this.within('BEGIN', (c) => work(transactionOn(c)));
  }

  snapshot<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.within('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (c) =>
      work(transactionOn(c)),
    );
  }

  /** One client for `work`, in a transaction begun by `begin`. */
  async within<T>(begin: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch {
        client.release(true); // the connection is broken: do not hand it out again
      }
      throw err;
    }
  }

  greatest(a: string, b: string): string {
    return `greatest(${a}, ${b})`;
  }

  inList(column: string, n: number): string {
    return `${column} = ANY($${n}::text[])`;
  }

  listParam(list: readonly string[]): SqlParam {
    return list;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

function transactionOn(c: pg.PoolClient): SqlTransaction {
  return {
    all: async (sql, params) => (await c.query(sql, values(params))).rows,
    run: async (sql, params) => (await c.query(sql, values(params))).rowCount ?? 0,
    lock: async (key, text) => {
      if (text === undefined) await c.query('SELECT pg_advisory_xact_lock($1::bigint)', [key]);
      else await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [key, text]);
    },
  };
}
