// Telegram's state in one SQLite file in the server's data folder (one server process).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqlTelegramStore, type SqlDriver, type Statement } from './sql-store';

const schema = `
CREATE TABLE IF NOT EXISTS telegram_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS telegram_cursor (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS telegram_updates (update_id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS telegram_groups (
  chat_id INTEGER PRIMARY KEY, title TEXT NOT NULL, type TEXT NOT NULL, active INTEGER NOT NULL,
  added_at INTEGER NOT NULL, removed_at INTEGER, branch_id TEXT, role TEXT
);
CREATE TABLE IF NOT EXISTS telegram_link_codes (
  code_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE IF NOT EXISTS telegram_users (
  telegram_user_id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, linked_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS telegram_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, lane TEXT NOT NULL,
  event_seq INTEGER NOT NULL, order_id TEXT, order_number TEXT, chat_id INTEGER NOT NULL,
  kind TEXT NOT NULL, document TEXT, audience TEXT, cause TEXT NOT NULL, text TEXT,
  status TEXT NOT NULL, attempts INTEGER NOT NULL, next_at INTEGER NOT NULL, claimed_by TEXT,
  claimed_until INTEGER, error TEXT, message_ids TEXT NOT NULL, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, sent_at INTEGER
);
CREATE INDEX IF NOT EXISTS telegram_outbox_lane ON telegram_outbox (lane, id);
CREATE INDEX IF NOT EXISTS telegram_outbox_due ON telegram_outbox (status, next_at);
CREATE INDEX IF NOT EXISTS telegram_outbox_order ON telegram_outbox (order_id);
CREATE TABLE IF NOT EXISTS telegram_leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, until INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS telegram_anchors (
  order_id TEXT NOT NULL, chat_id INTEGER NOT NULL, message_id INTEGER NOT NULL, text TEXT NOT NULL,
  markup TEXT NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (order_id, chat_id)
);
`;

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

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.exec(sql, params).rows as T[];
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return this.exec(sql, params).changes;
  }
  async batch<T>(statements: Statement[]): Promise<{ rows: T[]; changes: number }> {
    return this.db
      .transaction(() => {
        let rows: unknown[] = [];
        let changes = 0;
        for (const [sql, params] of statements) {
          const r = this.exec(sql, params);
          rows = r.rows;
          changes += r.changes;
        }
        return { rows: rows as T[], changes };
      })
      .immediate();
  }
  async close(): Promise<void> {
    this.db.close();
  }
}

/** Opens (or creates) the store. One process owns the file, so rows a crash left claimed are
 * given back at once rather than after their lease. */
export async function openSqliteTelegramStore(file: string): Promise<SqlTelegramStore> {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(schema);
  const store = new SqlTelegramStore(new SqliteDriver(db));
  await store.release(null);
  return store;
}
