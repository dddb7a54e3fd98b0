// Applying events in the server's order. A step that is not valid when applied becomes a
// conflict record (never dropped, never applied twice). An aggregate whose events were applied
// locally in a different order than the server's is re-folded in the server's order, so every
// replica that has seen the same events reaches the same state.
import type { Db } from '../db/open';
import { DomainError } from '../errors';
import { mergeStamp, type EventEnvelope } from '../events/define';
import { eventDef, parseEvent, project, recordEvent } from '../events/emit';
import type { OrderedEvent } from './protocol';

export interface ApplyTally {
  applied: number;
  conflicts: number;
  deferred: number;
  duplicates: number;
  refolded: number;
}

export const emptyTally = (): ApplyTally => ({
  applied: 0,
  conflicts: 0,
  deferred: 0,
  duplicates: 0,
  refolded: 0,
});

interface StoredRow {
  id: string;
  type: string;
  schemaVersion: number;
  branchId: string;
  deviceId: string;
  userId: string;
  hlc: string;
  createdAt: number;
  aggregateId: string | null;
  payload: string;
  serverSeq: number | null;
  receivedHlc: string | null;
  applyStatus: string;
}

const storedColumns = `id, type, schema_version AS schemaVersion, branch_id AS branchId, device_id AS deviceId, user_id AS userId,
  hlc, created_at AS createdAt, aggregate_id AS aggregateId, payload, server_seq AS serverSeq, received_hlc AS receivedHlc,
  apply_status AS applyStatus`;

const fromRow = (r: StoredRow): EventEnvelope => ({
  ...r,
  payload: JSON.parse(r.payload) as unknown,
});

function recordConflict(db: Db, event: EventEnvelope, error: unknown): void {
  const code = error instanceof DomainError ? error.code : 'APPLY_FAILED';
  const message = error instanceof Error ? error.message : String(error);
  db.sqlite
    .prepare(
      `INSERT INTO conflicts (event_id, aggregate_id, event_type, branch_id, user_id, code, message, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET code = excluded.code, message = excluded.message`,
    )
    .run(
      event.id,
      event.aggregateId,
      event.type,
      event.branchId,
      event.userId,
      code,
      message,
      event.createdAt,
    );
}

/** Projects one event inside a savepoint; an invalid step is recorded as a conflict instead. */
function projectOrConflict(db: Db, event: EventEnvelope): 'applied' | 'conflict' {
  try {
    db.sqlite.transaction(() => project(db, event))();
    return 'applied';
  } catch (error) {
    recordConflict(db, event, error);
    return 'conflict';
  }
}

function parseAndProject(db: Db, envelope: EventEnvelope): 'applied' | 'conflict' {
  let event: EventEnvelope;
  try {
    event = parseEvent(envelope);
  } catch (error) {
    recordConflict(db, envelope, error);
    return 'conflict';
  }
  return projectOrConflict(db, event);
}

/** The order a replica folds an aggregate's events in: the server's, then its own not yet numbered. */
const FOLD_ORDER = 'ORDER BY server_seq IS NULL, server_seq, seq';

/** Undoes everything the events of one aggregate projected, then folds them again in the server's order. */
export function refold(db: Db, aggregateId: string): void {
  const s = db.sqlite;
  s.prepare(`INSERT INTO meta (key, value) VALUES ('rebasing', '1')`).run();
  const eventIds = `SELECT id FROM events WHERE aggregate_id = @a`;
  s.prepare(`DELETE FROM stock_movements WHERE event_id IN (${eventIds})`).run({ a: aggregateId });
  s.prepare(`DELETE FROM price_history WHERE event_id IN (${eventIds})`).run({ a: aggregateId });
  for (const table of ['order_discrepancies', 'order_timeline', 'payment_slips', 'order_lines'])
    s.prepare(`DELETE FROM ${table} WHERE order_id = ?`).run(aggregateId);
  s.prepare('DELETE FROM orders WHERE id = ?').run(aggregateId);
  s.prepare('DELETE FROM production_batches WHERE id = @a OR reverses_id = @a').run({
    a: aggregateId,
  });
  // Master rows stay (orders refer to them); their field stamps are re-earned by the fold.
  for (const table of ['branches', 'users', 'products', 'customers'])
    s.prepare(`UPDATE ${table} SET clocks = '{}' WHERE id = ?`).run(aggregateId);
  s.prepare(`UPDATE variants SET clocks = '{}' WHERE product_id = ? OR id = ?`).run(
    aggregateId,
    aggregateId,
  );
  s.prepare('DELETE FROM conflicts WHERE aggregate_id = ?').run(aggregateId);
  const rows = s
    .prepare(
      `SELECT ${storedColumns} FROM events WHERE aggregate_id = ? AND apply_status != 'deferred'
       ${FOLD_ORDER}`,
    )
    .all(aggregateId) as StoredRow[];
  const setStatus = s.prepare('UPDATE events SET apply_status = ? WHERE id = ?');
  for (const row of rows) setStatus.run(parseAndProject(db, fromRow(row)), row.id);
  // A file row belongs to the slips that name it: gone with the last of them, dated by the
  // earliest (a slip that applied before and is a conflict now no longer counts).
  const slipFiles = `SELECT json_extract(payload, '$.fileHash') FROM events
                     WHERE aggregate_id = @a AND type = 'order.slip_attached'`;
  s.prepare(
    `DELETE FROM files WHERE hash IN (${slipFiles})
       AND hash NOT IN (SELECT file_hash FROM payment_slips)`,
  ).run({ a: aggregateId });
  s.prepare(
    `UPDATE files SET created_at = (SELECT min(attached_at) FROM payment_slips WHERE file_hash = files.hash)
     WHERE hash IN (${slipFiles})`,
  ).run({ a: aggregateId });
  s.prepare(`DELETE FROM meta WHERE key = 'rebasing'`).run();
}

/** True when this replica applied an event of the aggregate that the server orders after `seq`. */
function appliedOutOfOrder(db: Db, aggregateId: string, seq: number): boolean {
  return (
    db.sqlite
      .prepare(
        'SELECT 1 FROM events WHERE aggregate_id = ? AND (server_seq IS NULL OR server_seq > ?) LIMIT 1',
      )
      .get(aggregateId, seq) !== undefined
  );
}

/** A step failed in an optimistic apply: the caller rolls back and applies the page again. */
export class StepFailed extends Error {
  constructor() {
    super('a step failed during an optimistic apply; roll back and apply the page again');
  }
}

/** The optimistic projection: no savepoint of its own, and a failed step ends the attempt. */
function projectOrAbandon(db: Db, event: EventEnvelope): 'applied' {
  try {
    project(db, event);
  } catch {
    throw new StepFailed();
  }
  return 'applied';
}

/**
 * Applies a page of events in the server's order. The caller holds the transaction.
 *
 * `optimistic`: no savepoint per event. That savepoint (so a failing step leaves nothing behind
 * and becomes a conflict) costs SQLite a copy of every page each event touches into a
 * sub-journal that spills to a temporary file: about 40% of applying a page. Almost no page has a
 * failing step, so the sync engine first applies a page optimistically; at the first failing step
 * this throws StepFailed, the engine rolls its transaction back and applies the page again
 * without the option, as always. Both runs write the same rows in the same order, so they reach
 * the same state.
 */
export function applyOrdered(
  db: Db,
  events: OrderedEvent[],
  tally: ApplyTally = emptyTally(),
  options: { optimistic?: boolean } = {},
): ApplyTally {
  const projectStep = options.optimistic ? projectOrAbandon : projectOrConflict;
  const existing = db.sqlite.prepare(
    'SELECT server_seq AS serverSeq, received_hlc AS receivedHlc FROM events WHERE id = ?',
  );
  const markOrdered = db.sqlite.prepare(
    'UPDATE events SET server_seq = ?, received_hlc = ? WHERE id = ?',
  );
  const toRefold = new Set<string>();
  for (const incoming of events) {
    const mine = existing.get(incoming.id) as
      { serverSeq: number | null; receivedHlc: string | null } | undefined;
    if (mine) {
      tally.duplicates++;
      if (mine.serverSeq === null) {
        markOrdered.run(incoming.seq, incoming.receivedHlc, incoming.id);
        // This replica applied the event before knowing its place in the server's order: an
        // order or batch is folded again in that order, and master data where the clock the
        // merge goes by has changed (the server capped it, or received it anew after a restore).
        const aggregate = incoming.aggregateId;
        if (
          aggregate &&
          (eventDef(incoming.type)?.ordered ||
            mergeStamp(incoming) !== mergeStamp({ ...incoming, receivedHlc: mine.receivedHlc }))
        )
          toRefold.add(aggregate);
      }
      continue;
    }
    const envelope: EventEnvelope = { ...incoming, serverSeq: incoming.seq };
    const def = eventDef(envelope.type);
    if (!def) {
      // Written by a newer app: kept, and applied once this app is updated.
      recordEvent(db, envelope, 'deferred');
      tally.deferred++;
      continue;
    }
    let event: EventEnvelope;
    try {
      event = parseEvent(envelope);
    } catch (error) {
      recordEvent(db, envelope, 'conflict');
      recordConflict(db, envelope, error);
      tally.conflicts++;
      continue;
    }
    const aggregate = event.aggregateId;
    if (
      aggregate &&
      (toRefold.has(aggregate) || (def.ordered && appliedOutOfOrder(db, aggregate, incoming.seq)))
    ) {
      recordEvent(db, event, 'applied');
      toRefold.add(aggregate);
      continue;
    }
    recordEvent(db, event, 'applied');
    if (projectStep(db, event) === 'conflict') {
      db.sqlite.prepare(`UPDATE events SET apply_status = 'conflict' WHERE id = ?`).run(event.id);
      tally.conflicts++;
    } else tally.applied++;
  }
  for (const aggregate of toRefold) {
    refold(db, aggregate);
    tally.refolded++;
  }
  return tally;
}

/**
 * Marks our own pushed events with the server's order. Re-folds where the clock the merge goes by
 * changed (the server capped it, or, after a restore, received the event anew), and an order or
 * batch whose fold order the number changes (after a restore, an old push can reach head office
 * before the events it followed, or a later step can be numbered before an earlier one).
 */
export function acknowledge(
  db: Db,
  acks: { id: string; seq: number; receivedHlc: string }[],
): void {
  const read = db.sqlite.prepare(
    `SELECT seq, type, hlc, aggregate_id AS aggregateId, received_hlc AS receivedHlc FROM events
     WHERE id = ? AND server_seq IS NULL`,
  );
  const mark = db.sqlite.prepare('UPDATE events SET server_seq = ?, received_hlc = ? WHERE id = ?');
  // A replica folds an aggregate in the order (server_seq, then unnumbered by seq). Numbering an
  // event moves it ahead of every unnumbered event made before it and behind every event the
  // server placed after it; if any of those exist, the fold order changed.
  const movesInFoldOrder = db.sqlite.prepare(
    `SELECT 1 FROM events WHERE aggregate_id = ? AND id != ?
       AND ((server_seq IS NULL AND seq < ?) OR server_seq > ?)
     LIMIT 1`,
  );
  const toRefold = new Set<string>();
  for (const ack of acks) {
    const row = read.get(ack.id) as
      | {
          seq: number;
          type: string;
          hlc: string;
          aggregateId: string | null;
          receivedHlc: string | null;
        }
      | undefined;
    if (!row) continue;
    mark.run(ack.seq, ack.receivedHlc, ack.id);
    if (!row.aggregateId) continue;
    if (
      mergeStamp({ ...row, receivedHlc: ack.receivedHlc }) !== mergeStamp(row) ||
      (eventDef(row.type)?.ordered &&
        movesInFoldOrder.get(row.aggregateId, ack.id, row.seq, ack.seq) !== undefined)
    )
      toRefold.add(row.aggregateId);
  }
  for (const aggregate of toRefold) refold(db, aggregate);
}

const foldOrder = (db: Db, aggregateId: string) =>
  (
    db.sqlite
      .prepare(
        `SELECT id FROM events WHERE aggregate_id = ? AND apply_status != 'deferred' ${FOLD_ORDER}`,
      )
      .all(aggregateId) as { id: string }[]
  )
    .map((r) => r.id)
    .join();

/**
 * Forgets the server's numbers after `since` (head office was restored, docs/decisions/0007).
 * Those events now fold after the numbered ones, in the order this replica stored them; an
 * aggregate whose fold order that changes is folded again. The caller holds the transaction.
 */
export function unnumberAfter(db: Db, since: number): void {
  const aggregates = (
    db.sqlite
      .prepare(
        'SELECT DISTINCT aggregate_id AS id FROM events WHERE server_seq > ? AND aggregate_id IS NOT NULL',
      )
      .all(since) as { id: string }[]
  ).map((r) => ({ id: r.id, before: foldOrder(db, r.id) }));
  db.sqlite.prepare('UPDATE events SET server_seq = NULL WHERE server_seq > ?').run(since);
  for (const a of aggregates) if (foldOrder(db, a.id) !== a.before) refold(db, a.id);
}

/** After an update, applies events that an older version of the app had to keep aside. */
export function applyDeferred(db: Db): number {
  const rows = db.sqlite
    .prepare(
      `SELECT ${storedColumns} FROM events WHERE apply_status = 'deferred' ORDER BY server_seq`,
    )
    .all() as StoredRow[];
  let count = 0;
  for (const row of rows) {
    if (!eventDef(row.type)) continue;
    db.sqlite.prepare(`UPDATE events SET apply_status = 'applied' WHERE id = ?`).run(row.id);
    if (row.aggregateId) refold(db, row.aggregateId);
    else if (parseAndProject(db, fromRow(row)) === 'conflict')
      db.sqlite.prepare(`UPDATE events SET apply_status = 'conflict' WHERE id = ?`).run(row.id);
    count++;
  }
  return count;
}
