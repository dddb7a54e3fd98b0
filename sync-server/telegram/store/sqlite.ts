// Telegram's state in one SQLite file beside the event store's (several server processes on one
// machine may share both: the holder of the sender lease sends, ../outbox.ts).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { parseRows } from '../../../core/db/rows';
import { migrateSqlite } from '../../store/migrations/runner';
import { telegramStoreMigrations } from '../../store/migrations/telegram';
import { SqlTelegramStore, type SqlDriver, type Statement } from './sql-store';

/** better-sqlite3 numbers anonymous `?` only: $n placeholders become `?` with their values in order. */
function positional(sql: string, params: unknown[]): [string, unknown[]] {
  const values: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    values.push(params[Number(n) - 1]);
    return '?';
  });
  return [text, values];
}

class SqliteDriver implements SqlDriver {
  readonly kind = 'sqlite';
  readonly claimLock: Statement[] = [];
  constructor(private readonly db: Database.Database) {}

  private exec(sql: string, params: unknown[]): { rows: unknown[]; changes: number } {
    const [text, values] = positional(sql, params);
    const stmt = this.db.prepare(text);
    if (stmt.reader) {
      const rows = stmt.all(...values);
      return { rows, changes: rows.length };
    }
    return { rows: [], changes: stmt.run(...values).changes };
  }

  async all<S extends z.ZodType>(row: S, sql: string, params: unknown[] = []) {
    return parseRows(row, this.exec(sql, params).rows);
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return this.exec(sql, params).changes;
  }
  async batch<S extends z.ZodType>(statements: Statement[], row?: S) {
    const { rows, changes } = this.db
      .transaction(() => {
        let rows: unknown[] = [];
        let changes = 0;
        for (const [sql, params] of statements) {
          const r = this.exec(sql, params);
          rows = r.rows;
          changes += r.changes;
        }
        return { rows, changes };
      })
      .immediate();
    return { rows: row ? parseRows(row, rows) : [], changes };
  }
  async close(): Promise<void> {
    this.db.close();
  }
}

/** Opens (or creates) the store. Rows a crash left claimed are given back by the outbox once it
 * holds the sender lease (../index.ts), not here: another process may be sending. */
export async function openSqliteTelegramStore(file: string): Promise<SqlTelegramStore> {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    // Before WAL, which would rewrite the header of a store this build refuses.
    migrateSqlite(db, 'telegram', telegramStoreMigrations);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqlTelegramStore(new SqliteDriver(db));
}
