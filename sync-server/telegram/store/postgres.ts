// Telegram's state in the PostgreSQL database the event log uses, shared by every server
// process. Its own small pool from the same address, so the event store stays as it is.
import pg from 'pg';
import type { z } from 'zod';
import { parseRows } from '../../../core/db/rows';
import { migratePostgres } from '../../store/migrations/runner';
import { SERVER_APP_NAME } from '../../store/postgres-dialect';
import { telegramStoreMigrations } from '../../store/migrations/telegram';
import { SqlTelegramStore, type SqlDriver, type Statement } from './sql-store';

/**
 * Advisory lock key: fixed, and apart from the event store's (0x4653_4500_000x). Migrations take
 * MIGRATION_LOCK, shared by every server store (0x4653_4554_0001 was this store's schema key).
 */
const CLAIM_LOCK = 0x4653_4554_0002;

class PostgresDriver implements SqlDriver {
  readonly kind = 'postgres';
  /** Claims run one at a time across processes, so two never pick rows of one lane at once. */
  readonly claimLock: Statement[] = [['SELECT pg_advisory_xact_lock($1::bigint)', [CLAIM_LOCK]]];
  constructor(private readonly pool: pg.Pool) {}

  async all<S extends z.ZodType>(row: S, sql: string, params: unknown[] = []) {
    return parseRows(row, (await this.pool.query(sql, params)).rows);
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }
  async batch<S extends z.ZodType>(statements: Statement[], row?: S) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      let rows: unknown[] = [];
      let changes = 0;
      for (const [sql, params] of statements) {
        const r = await client.query(sql, params);
        rows = r.rows;
        if (r.command !== 'SELECT') changes += r.rowCount ?? 0;
      }
      await client.query('COMMIT');
      return { rows: row ? parseRows(row, rows) : [], changes };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

export async function openPostgresTelegramStore(url: string): Promise<SqlTelegramStore> {
  const types = new pg.TypeOverrides();
  // Chat ids, times and counts stay far below 2^53: numbers, not strings. For this pool only.
  types.setTypeParser(pg.types.builtins.INT8, Number);
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    types,
    application_name: SERVER_APP_NAME,
  });
  pool.on('error', (err) => {
    console.error(
      JSON.stringify({
        level: 'warn',
        msg: 'telegram store: idle connection failed',
        error: err.message,
      }),
    );
  });
  try {
    await migratePostgres(pool, 'telegram', telegramStoreMigrations);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new SqlTelegramStore(new PostgresDriver(pool));
}
