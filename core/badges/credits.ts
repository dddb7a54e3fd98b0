// Verified work as rows (decision 0034): the projections that verify work call `credit`, and the
// events that undo it call `voidCredit`, each writing rows of its own keyed by the event, so a
// re-fold deletes and folds again exactly an aggregate's rows. The persons an event credits are
// in its payload, so the badges they hold are settled again after any re-fold (`creditWrites`).
import { z } from 'zod';
import type { Db } from '../db/open';
import type { EventEnvelope, TableWrite } from '../events/define';
import { companyDay } from '../locale/day';
import type { WorkKind } from '../vocabulary';
import { settleAwards, settleCredit } from './awards';

export interface Credit {
  personId: string;
  kind: WorkKind;
  /** The order, trip or customer the work was for. */
  ref: string;
  /** When the work was done: corrected device time. */
  at: number;
  /** An amount it carries (an order's delivered total). */
  amount?: number;
  /** 1: it counts; 0: work that did not qualify (a late trip, which breaks a streak). */
  value?: 0 | 1;
}

// Prepared once per database: a day's sync writes tens of thousands of credits.
const statements = new WeakMap<Db, ReturnType<typeof prepare>>();
const prepare = (db: Db) => ({
  insert: db.sqlite.prepare(
    `INSERT INTO work_credits (event_id, person_id, kind, ref, value, amount, at, day, voids)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  held: db.sqlite.prepare(
    `SELECT SUM(CASE WHEN voids THEN -1 ELSE 1 END) AS n
     FROM work_credits INDEXED BY work_credits_ref WHERE kind = ? AND ref = ? AND person_id = ?`,
  ),
});
const heldRow = z.object({ n: z.number().nullable() });
function stmts(db: Db) {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = prepare(db)));
  return s;
}

function insert(db: Db, e: EventEnvelope, c: Credit, voids: boolean): void {
  const day = companyDay(db, c.at);
  stmts(db).insert.run(
    e.id,
    c.personId,
    c.kind,
    c.ref,
    c.value ?? 1,
    c.amount ?? 0,
    c.at,
    day,
    voids ? 1 : 0,
  );
  // Only what this credit can change is settled again: its kind, usually only its period; now,
  // or once for the whole batch a sync page applies (settlingOnce).
  settleCredit(db, c.personId, {
    eventId: e.id,
    kind: c.kind,
    ref: c.ref,
    value: c.value ?? 1,
    at: c.at,
    day,
    voids,
  });
}

/** Records verified work and settles the person's badges. */
export function credit(db: Db, e: EventEnvelope, c: Credit): void {
  insert(db, e, c, false);
}

/** Takes back the credit of a kind for a ref (the goods came back), and settles the badges. */
export function voidCredit(db: Db, e: EventEnvelope, c: Credit): void {
  const held = heldRow.parse(stmts(db).held.get(c.kind, c.ref, c.personId));
  if ((held.n ?? 0) <= 0) return;
  insert(db, e, c, true);
}

/**
 * The writes of an event that credits work: its own credit rows, and the awards of the persons
 * it names (`persons`, from its payload), settled again after a re-fold.
 */
export const creditWrites = <P>(
  persons: (payload: P) => readonly (string | null | undefined)[],
): TableWrite<P>[] => [
  { table: 'work_credits', column: 'event_id', key: (e) => e.id },
  {
    table: 'badge_awards',
    column: 'person_id',
    key: (e) => persons(e.payload).filter((p): p is string => !!p),
    shared: settleAwards,
  },
];
