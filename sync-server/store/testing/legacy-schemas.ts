// The server stores' DDL as the code before the numbered migrations ran it on every open
// (copied from git: sync-server/store/{sqlite,postgres,sqlite-updates,postgres-updates}.ts and
// sync-server/telegram/store/{sqlite,postgres}.ts as they were), and at the end the journal as
// the first numbered migrations kept it (before hashes). Tests make a store with it to prove such
// a store moves onto the migrations with its data. Never change it; append what a later build
// leaves behind.

/** The event store's SQLite text; that build then added devices.update_refused when missing. */
export const legacySqliteEventSchema = `
CREATE TABLE IF NOT EXISTS refusals (
  event_id TEXT PRIMARY KEY, type TEXT NOT NULL, device_id TEXT NOT NULL, branch_id TEXT NOT NULL,
  user_id TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  branch_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  hlc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  aggregate_id TEXT,
  payload TEXT NOT NULL,
  received_hlc TEXT NOT NULL,
  scope_all INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_for_all ON events (seq) WHERE scope_all = 1;
CREATE TABLE IF NOT EXISTS event_scope (branch_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (branch_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aggregates (aggregate_id TEXT PRIMARY KEY, branches TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS branches (id TEXT PRIMARY KEY, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY, branch_id TEXT NOT NULL, number INTEGER NOT NULL, name TEXT NOT NULL,
  token_hash TEXT UNIQUE, enrolled_at INTEGER NOT NULL, revoked_at INTEGER, last_seen_at INTEGER,
  app_version TEXT, pending INTEGER NOT NULL DEFAULT 0, cursor INTEGER NOT NULL DEFAULT 0,
  last_backup_at INTEGER, free_disk_bytes INTEGER,
  UNIQUE (branch_id, number)
);
CREATE TABLE IF NOT EXISTS log_epochs (
  n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, since INTEGER NOT NULL, began_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS enrollments (
  code_hash TEXT PRIMARY KEY, branch_id TEXT NOT NULL, issued_by TEXT NOT NULL,
  expires_at INTEGER NOT NULL, used_at INTEGER
);
CREATE TABLE IF NOT EXISTS login_states (
  user_id TEXT PRIMARY KEY, failed_attempts INTEGER NOT NULL, locked_until INTEGER
);
CREATE TABLE IF NOT EXISTS console_sessions (
  token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, credential TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
);
`;

export const legacySqliteUpdateFeedSchema = `
CREATE TABLE IF NOT EXISTS update_feed (
  id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, settings TEXT
);
CREATE TABLE IF NOT EXISTS update_blobs (
  sha512 TEXT PRIMARY KEY, bytes INTEGER NOT NULL, chunks INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS update_chunks (
  sha512 TEXT NOT NULL, n INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (sha512, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS update_files (
  name TEXT PRIMARY KEY, sha512 TEXT NOT NULL, bytes INTEGER NOT NULL, at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS update_manifests (
  channel TEXT NOT NULL, version TEXT NOT NULL, text TEXT NOT NULL, signature TEXT NOT NULL,
  at INTEGER NOT NULL, PRIMARY KEY (channel, version)
);
`;

export const legacySqliteColumnPatch = 'ALTER TABLE devices ADD COLUMN update_refused TEXT';

export const legacyPostgresEventSchema = `
CREATE TABLE IF NOT EXISTS refusals (
  event_id text PRIMARY KEY, type text NOT NULL, device_id text NOT NULL, branch_id text NOT NULL,
  user_id text NOT NULL, code text NOT NULL, message text NOT NULL, at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  type text NOT NULL,
  schema_version integer NOT NULL,
  branch_id text NOT NULL,
  device_id text NOT NULL,
  user_id text NOT NULL,
  hlc text NOT NULL,
  created_at bigint NOT NULL,
  aggregate_id text,
  payload text NOT NULL,
  received_hlc text NOT NULL,
  scope_all boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS events_for_all ON events (seq) WHERE scope_all;
CREATE TABLE IF NOT EXISTS event_scope (
  branch_id text NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (branch_id, seq)
);
CREATE TABLE IF NOT EXISTS aggregates (aggregate_id text PRIMARY KEY, branches jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS branches (id text PRIMARY KEY, kind text NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  id text PRIMARY KEY,
  branch_id text NOT NULL,
  number integer NOT NULL,
  name text NOT NULL,
  token_hash text UNIQUE,
  enrolled_at bigint NOT NULL,
  revoked_at bigint,
  last_seen_at bigint,
  app_version text,
  pending bigint NOT NULL DEFAULT 0,
  cursor bigint NOT NULL DEFAULT 0,
  UNIQUE (branch_id, number)
);
ALTER TABLE devices ADD COLUMN IF NOT EXISTS last_backup_at bigint;
ALTER TABLE devices ADD COLUMN IF NOT EXISTS free_disk_bytes bigint;
ALTER TABLE devices ADD COLUMN IF NOT EXISTS update_refused text;
CREATE TABLE IF NOT EXISTS log_epochs (
  n integer PRIMARY KEY,
  id text NOT NULL UNIQUE,
  since bigint NOT NULL,
  began_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS enrollments (
  code_hash text PRIMARY KEY,
  branch_id text NOT NULL,
  issued_by text NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint
);
CREATE TABLE IF NOT EXISTS files (hash text PRIMARY KEY, bytes bytea NOT NULL, size bigint NOT NULL);
CREATE TABLE IF NOT EXISTS login_states (
  user_id text PRIMARY KEY,
  failed_attempts integer NOT NULL,
  locked_until bigint
);
CREATE TABLE IF NOT EXISTS console_sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  credential text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
`;

export const legacyPostgresUpdateFeedSchema = `
CREATE TABLE IF NOT EXISTS update_feed (
  id integer PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL, settings text
);
CREATE TABLE IF NOT EXISTS update_blobs (
  sha512 text PRIMARY KEY, bytes bigint NOT NULL, chunks integer NOT NULL
);
CREATE TABLE IF NOT EXISTS update_chunks (
  sha512 text NOT NULL, n integer NOT NULL, bytes bytea NOT NULL, PRIMARY KEY (sha512, n)
);
CREATE TABLE IF NOT EXISTS update_files (
  name text PRIMARY KEY, sha512 text NOT NULL, bytes bigint NOT NULL, at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS update_manifests (
  channel text NOT NULL, version text NOT NULL, text text NOT NULL, signature text NOT NULL,
  at bigint NOT NULL, PRIMARY KEY (channel, version)
);
`;

export const legacySqliteTelegramSchema = `
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

export const legacyPostgresTelegramSchema = `
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

/**
 * The journal as the first numbered migrations made it (no hash column), on both dialects, and
 * the steps such a store had recorded: events 1-4, telegram 1.
 */
export const legacyJournal = `CREATE TABLE IF NOT EXISTS store_migrations (
  store text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at bigint NOT NULL,
  PRIMARY KEY (store, version)
)`;

export const legacyJournalSteps: { store: 'events' | 'telegram'; version: number; name: string }[] =
  [
    { store: 'events', version: 1, name: 'log, devices, sign-ins and update feed' },
    { store: 'events', version: 2, name: 'devices.last_backup_at' },
    { store: 'events', version: 3, name: 'devices.free_disk_bytes' },
    { store: 'events', version: 4, name: 'devices.update_refused' },
    {
      store: 'telegram',
      version: 1,
      name: 'settings, groups, links, outbox, leases and anchors',
    },
  ];
