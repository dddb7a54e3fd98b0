// How the PostgreSQL store takes in a push (./postgres.ts keeps the ordering rule and calls this).
//
// Ingests run one at a time (an advisory lock held until commit; see ./postgres.ts), so what runs
// while the lock is held bounds the ingest of every server process together. It is one statement,
// run on its own (its transaction commits as it ends), that writes the whole batch: events,
// scopes, registrations, and answers for the ids known already. No round trip to this process
// happens while the lock is held, so a busy event loop here (a replica fold, a large request being
// parsed) never holds up the other processes' ingests. What needs no lock is done before it: the
// batch becomes one JSON document here, written by JSON.stringify (native) rather than as twelve
// arrays escaped element by element by the driver, and PostgreSQL parses it before its turn.
// docs/decisions/0013-postgres-ingest.md has the measurements.
import type pg from 'pg';
import { INGEST_LOCK } from './sql-store';
import type { Ack, IngestItem } from './types';

/**
 * One event as the statement reads it (json_to_recordset: keys are the column names). The payload
 * goes as the JSON text to store, a string in the document: PostgreSQL's JSON functions refuse a
 * document with a \u0000 escape in it, but not one whose strings spell such an escape out.
 */
interface InputRow {
  n: number;
  id: string;
  type: string;
  schema_version: number;
  branch_id: string;
  device_id: string;
  user_id: string;
  hlc: string;
  created_at: number;
  aggregate_id: string | null;
  payload: string;
  received_hlc: string;
  scope_all: boolean;
  /** The branches that may see it, unless all may. */
  scope: string[] | null;
  /** Branches later events of its aggregate inherit, when it starts one. */
  register: string[] | null;
}

// The statement parses the batch, then takes the lock (`turn` counts the parsed rows first, so
// other processes' statements parse theirs meanwhile), and only then do rows reach the insert,
// which draws their sequence numbers in the batch's order (ORDER BY n). The lock is held until
// the statement's transaction has committed.
//
// The statement's snapshot is older than the lock: `events` in the last SELECT holds the ids
// known before it began (none of those inserted here); an id another ingest committed while this
// one waited for its turn is neither inserted nor found, and is looked up once the statement is
// done. Scopes are plain inserts: their sequence numbers were drawn just now.
const INGEST_SQL = `
WITH input AS MATERIALIZED (
  SELECT * FROM json_to_recordset($1::json) AS t(
    n integer, id text, type text, schema_version integer, branch_id text, device_id text,
    user_id text, hlc text, created_at bigint, aggregate_id text, payload text,
    received_hlc text, scope_all boolean, scope json, register jsonb)
), turn AS MATERIALIZED (
  SELECT pg_advisory_xact_lock(${INGEST_LOCK} + 0 * count(*)) FROM input
), written AS (
  INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc, created_at,
                      aggregate_id, payload, received_hlc, scope_all)
  SELECT id, type, schema_version, branch_id, device_id, user_id, hlc, created_at,
         aggregate_id, payload, received_hlc, scope_all
    FROM input, turn ORDER BY n
  ON CONFLICT (id) DO NOTHING
  RETURNING id, seq
), scoped AS (
  INSERT INTO event_scope (branch_id, seq)
  SELECT DISTINCT b.branch, w.seq
    FROM written w JOIN input i USING (id), json_array_elements_text(i.scope) AS b(branch)
), registered AS (
  -- The first registration of an aggregate wins, within the batch as across batches.
  INSERT INTO aggregates (aggregate_id, branches)
  SELECT DISTINCT ON (i.aggregate_id) i.aggregate_id, i.register
    FROM written w JOIN input i USING (id)
   WHERE i.register IS NOT NULL AND i.aggregate_id IS NOT NULL
   ORDER BY i.aggregate_id, i.n
  ON CONFLICT DO NOTHING
)
SELECT id, seq, NULL AS "receivedHlc" FROM written
UNION ALL
SELECT e.id, e.seq, e.received_hlc
  FROM input i JOIN events e USING (id)
 WHERE NOT EXISTS (SELECT FROM written w WHERE w.id = i.id)`;

interface IngestedRow {
  id: string;
  seq: number;
  /** Null for an event written now (the batch has its clock); the stored one for a known id. */
  receivedHlc: string | null;
}

/** The statement's one parameter: the batch, each id once (the first item with it). */
function inputOf(firstOf: Map<string, IngestItem>): string {
  const rows: InputRow[] = [];
  for (const { event: e, scope, register, receivedHlc, payloadJson } of firstOf.values())
    rows.push({
      n: rows.length,
      id: e.id,
      type: e.type,
      schema_version: e.schemaVersion,
      branch_id: e.branchId,
      device_id: e.deviceId,
      user_id: e.userId,
      hlc: e.hlc,
      created_at: e.createdAt,
      aggregate_id: e.aggregateId,
      payload: payloadJson,
      received_hlc: receivedHlc,
      scope_all: scope.all,
      scope: scope.all ? null : scope.branches,
      register,
    });
  return JSON.stringify(rows);
}

/** Writes a batch in one transaction; see EventStore.ingest. */
export async function ingestBatch(pool: pg.Pool, items: IngestItem[]): Promise<Ack[]> {
  if (items.length === 0) return [];
  // The first item with a given id is the one that may be written; later ones in the same
  // batch are answered with its sequence number, as if they came in a later push.
  const firstOf = new Map<string, IngestItem>();
  for (const item of items) if (!firstOf.has(item.event.id)) firstOf.set(item.event.id, item);
  const input = inputOf(firstOf);
  // Named: each connection parses and plans it once.
  const { rows } = await pool.query<IngestedRow>({
    name: 'fse-ingest',
    text: INGEST_SQL,
    values: [input],
  });
  const acks = new Map<string, Ack>();
  for (const { id, seq, receivedHlc } of rows) {
    const stamp = receivedHlc ?? firstOf.get(id)?.receivedHlc;
    if (stamp !== undefined) acks.set(id, { id, seq, receivedHlc: stamp });
  }
  // Ids another ingest wrote while this one waited for its turn (a push and its retry at once).
  const missing = [...firstOf.keys()].filter((id) => !acks.has(id));
  if (missing.length > 0) {
    const known = await pool.query<Ack>(
      'SELECT id, seq, received_hlc AS "receivedHlc" FROM events WHERE id = ANY($1::text[])',
      [missing],
    );
    for (const ack of known.rows) acks.set(ack.id, ack);
  }
  return items.map(({ event: { id } }) => {
    const ack = acks.get(id);
    if (!ack) throw new Error(`postgres: event ${id} was neither written nor found`);
    return ack;
  });
}
