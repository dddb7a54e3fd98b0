// Telegram's store's migrations, both dialects side by side (the store: ../../telegram/store/).
// Append a step to change the schema; never edit a released one. Step 1 is the schema the store
// had when the numbered migrations began, each CREATE kept "IF NOT EXISTS": a store made before
// them is recognised by its tables and the step recorded without running.
import type { StoreMigration } from './runner';

const tables = [
  'telegram_settings',
  'telegram_cursor',
  'telegram_updates',
  'telegram_groups',
  'telegram_link_codes',
  'telegram_users',
  'telegram_outbox',
  'telegram_leases',
  'telegram_anchors',
];

const sqliteSchema = `
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

const postgresSchema = `
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

export const telegramStoreMigrations: StoreMigration[] = [
  {
    version: 1,
    name: 'settings, groups, links, outbox, leases and anchors',
    sql: { sqlite: sqliteSchema, postgres: postgresSchema },
    madeBefore: { tables },
  },
  {
    version: 2,
    name: 'per-chat pacing, why a group went inactive, uncertain sends',
    sql: {
      sqlite: `
CREATE TABLE telegram_chats (
  chat_id INTEGER PRIMARY KEY, next_at INTEGER NOT NULL, last_message_id INTEGER
);
ALTER TABLE telegram_groups ADD COLUMN removed_reason TEXT;
ALTER TABLE telegram_outbox ADD COLUMN uncertain_after INTEGER;
`,
      postgres: `
CREATE TABLE telegram_chats (
  chat_id bigint PRIMARY KEY, next_at bigint NOT NULL, last_message_id bigint
);
ALTER TABLE telegram_groups ADD COLUMN removed_reason text;
ALTER TABLE telegram_outbox ADD COLUMN uncertain_after bigint;
`,
    },
  },
  {
    version: 3,
    // The newest sender-lease token a claim used (docs/decisions/0019). telegram_leases, the
    // planner lease before the event store had leases, stays unused: a server of the build
    // before, still running while this one starts, goes on reading it.
    name: 'sender fence',
    sql: {
      sqlite: 'CREATE TABLE telegram_fences (name TEXT PRIMARY KEY, token INTEGER NOT NULL);',
      postgres: 'CREATE TABLE telegram_fences (name text PRIMARY KEY, token bigint NOT NULL);',
    },
  },
];
