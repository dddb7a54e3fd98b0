// Telegram's state in the PostgreSQL database the event log uses, shared by every server
// process. Its own small pool from the same address, so the event store stays as it is.
import pg from 'pg';
import { SqlTelegramStore, type SqlDriver, type Statement } from './sql-store';

/** Advisory lock keys: fixed, and apart from the event store's (0x4653_4500_000x). */
const SCHEMA_LOCK = 0x4653_4554_0001;
const CLAIM_LOCK = 0x4653_4554_0002;

const schema = `
CREATE TABLE IF NOT EXISTS telegram_settings (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS telegram_cursor (name text PRIMARY KEY, seq bigint NOT NULL);
CREATE TABLE IF NOT EXISTS telegram_updates (update_id bigint PRIMARY KEY, received_at bigint NOT NULL);
CREATE TABLE IF NOT EXISTS telegram_groups (
  chat_id bigint PRIMARY KEY, title text NOT NULL, type text NOT NULL, active integer NOT NULL,
  added_at bigint NOT NULL, removed_at bigint, branch_id text, role text
);
CREATE TABLE IF NOT EXISTS telegram_link_codes (
  code_hash text PRIMARY KEY, user_id text NOT NULL, expires_at bigint NOT NULL, used_at bigint
);
CREATE TABLE IF NOT EXISTS telegram_users (
  telegram_user_id bigint PRIMARY KEY, user_id text NOT NULL, name text NOT NULL, linked_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS telegram_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, key text NOT NULL UNIQUE, lane text NOT NULL,
  event_seq bigint NOT NULL, order_id text, order_number text, chat_id bigint NOT NULL,
  kind text NOT NULL, document text, audience text, cause text NOT NULL, text text,
  status text NOT NULL, attempts integer NOT NULL, next_at bigint NOT NULL, claimed_by text,
  claimed_until bigint, error text, message_ids text NOT NULL, created_at bigint NOT NULL,
  updated_at bigint NOT NULL, sent_at bigint
);
CREATE INDEX IF NOT EXISTS telegram_outbox_lane ON telegram_outbox (lane, id);
CREATE INDEX IF NOT EXISTS telegram_outbox_due ON telegram_outbox (status, next_at);
CREATE INDEX IF NOT EXISTS telegram_outbox_order ON telegram_outbox (order_id);
CREATE TABLE IF NOT EXISTS telegram_leases (name text PRIMARY KEY, owner text NOT NULL, until bigint NOT NULL);
CREATE TABLE IF NOT EXISTS telegram_anchors (
  order_id text NOT NULL, chat_id bigint NOT NULL, message_id bigint NOT NULL, text text NOT NULL,
  markup text NOT NULL, updated_at bigint NOT NULL, PRIMARY KEY (order_id, chat_id)
);
`;

class PostgresDriver implements SqlDriver {
  readonly kind = 'postgres';
  /** Claims run one at a time across processes, so two never pick rows of one lane at once. */
  readonly claimLock: Statement[] = [['SELECT pg_advisory_xact_lock($1::bigint)', [CLAIM_LOCK]]];
  constructor(private readonly pool: pg.Pool) {}

  async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }
  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }
  async batch<T>(statements: Statement[]): Promise<{ rows: T[]; changes: number }> {
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
      return { rows: rows as T[], changes };
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
  const pool = new pg.Pool({ connectionString: url, max: 4, types });
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
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SCHEMA_LOCK]);
      await client.query(schema);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new SqlTelegramStore(new PostgresDriver(pool));
}
