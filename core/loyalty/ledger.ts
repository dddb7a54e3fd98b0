// The points ledger, like stock's: every earn, redemption, return, expiry and adjustment is a
// row, and a balance is a sum the database keeps (loyalty_balances, by trigger). Earned points
// are pending until `availableAt`; an earned batch expires at `expiresAt` unless spent first,
// oldest first (decision 0029). Projections write through `pointsMove` alone.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import type { EventEnvelope } from '../events/define';

export const pointsKinds = [
  'earn',
  'redeem',
  'return_earned',
  'return_redeemed',
  'expire',
  'adjust',
] as const;
export type PointsKind = (typeof pointsKinds)[number];

export interface PointsMove {
  customerId: string;
  kind: PointsKind;
  points: number;
  /** When the points may be spent; a spend or a take-back counts from the event's time. */
  availableAt?: number;
  expiresAt?: number | null;
  saleId?: string | null;
  branchId?: string | null;
  note?: string | null;
}

/** Appends one movement for an event (nothing for zero points). */
export function pointsMove(db: Db, e: EventEnvelope, m: PointsMove): void {
  if (m.points === 0) return;
  db.sqlite
    .prepare(
      `INSERT INTO loyalty_movements (event_id, customer_id, kind, points, available_at, expires_at, sale_id, branch_id, at, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      e.id,
      m.customerId,
      m.kind,
      m.points,
      m.availableAt ?? e.createdAt,
      m.expiresAt ?? null,
      m.saleId ?? null,
      m.branchId ?? null,
      e.createdAt,
      m.note ?? null,
    );
}

/**
 * `WITH RECURSIVE account(id, root)`: the customers `anchor` selects (as `id, root`) and every
 * customer merged into one of them at any depth, under the same root. A root and everyone merged
 * into it is one loyalty account: lookups and balances follow merges, so a duplicate an admin
 * merged keeps its points.
 */
const mergedAccountsSql = (anchor: string, union: 'UNION' | 'UNION ALL') =>
  `WITH RECURSIVE account(id, root) AS (${anchor} ${union} SELECT c.id, a.root FROM customers c JOIN account a ON c.merged_into = a.id)`;

/**
 * `account`: the members of the one account whose root the SQL parameter `param` holds. UNION, so
 * that the walk ends even if merges ever formed a cycle.
 */
export const accountMembersSql = (param: string) =>
  mergedAccountsSql(`SELECT ${param}, ${param}`, 'UNION');

/**
 * `account`: every customer beside the root of its account. UNION ALL: walking down from the
 * roots reaches each customer once (no cycle hangs below a root), and checking each row for a
 * duplicate would slow a walk over every customer by about a third.
 */
export const accountRootsSql = mergedAccountsSql(
  'SELECT id, id FROM customers WHERE merged_into IS NULL',
  'UNION ALL',
);

const mergedInto = z.object({ m: z.string().nullable() });

/** The customer a merged one now lives in (itself when not merged). */
export function rootCustomer(db: Db, customerId: string): string {
  let id = customerId;
  for (let hops = 0; hops < 32; hops++) {
    const row = parseRow(
      mergedInto,
      db.sqlite.prepare('SELECT merged_into AS m FROM customers WHERE id = ?').get(id),
    );
    if (!row?.m) return id;
    id = row.m;
  }
  return id;
}

export interface PointsBalance {
  /** Everything on the ledger, pending included; negative when overdrawn. */
  balance: number;
  /** What may be spent now (pending points not included). */
  available: number;
  pending: number;
}

const sums = z.object({ balance: z.number().int(), pending: z.number().int() });

/** A customer's points at `now` (of the whole merged account). */
export function pointsBalance(db: Db, customerId: string, now: number): PointsBalance {
  const row = sums.parse(
    db.sqlite
      .prepare(
        `${accountMembersSql('@customerId')}
         SELECT (SELECT coalesce(sum(b.points), 0) FROM loyalty_balances b WHERE b.customer_id IN (SELECT id FROM account)) AS balance,
                (SELECT coalesce(sum(m.points), 0) FROM loyalty_movements m
                   WHERE m.customer_id IN (SELECT id FROM account) AND m.available_at > @now) AS pending`,
      )
      .get({ customerId: rootCustomer(db, customerId), now }),
  );
  return { balance: row.balance, available: row.balance - row.pending, pending: row.pending };
}

const movement = z.object({
  kind: z.enum(pointsKinds),
  points: z.number().int(),
  expiresAt: z.number().int().nullable(),
});
export type Movement = z.infer<typeof movement>;

/**
 * How many points expire at `now`, oldest first: batches (earned, given back, added) that have
 * expired, less what was spent or taken away, which is charged to the oldest batches first, less
 * what expired already. Never more than the balance.
 */
export function pointsToExpire(movements: readonly Movement[], now: number): number {
  let expiredBatches = 0;
  let spent = 0;
  let expired = 0;
  let balance = 0;
  for (const m of movements) {
    balance += m.points;
    if (m.kind === 'expire') expired -= m.points;
    else if (m.expiresAt !== null) {
      if (m.expiresAt <= now) expiredBatches += m.points;
    } else if (m.points < 0) spent -= m.points;
  }
  return Math.max(0, Math.min(balance, expiredBatches - spent - expired));
}

/** The movements pointsToExpire reads, of a whole merged account. */
export function accountMovements(db: Db, customerId: string): Movement[] {
  return parseRows(
    movement,
    db.sqlite
      .prepare(
        `${accountMembersSql('@customerId')} SELECT kind, points, expires_at AS expiresAt FROM loyalty_movements
         WHERE customer_id IN (SELECT id FROM account) ORDER BY at, id`,
      )
      .all({ customerId }),
  );
}
