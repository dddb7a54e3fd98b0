import { summing } from '../analytics/aggregates';
import type { Db } from '../db/open';
import type { EventEnvelope } from '../events/define';

export type MovementKind =
  | 'production'
  | 'return'
  | 'reservation'
  | 'release'
  | 'dispatch'
  | 'receipt'
  | 'sale'
  | 'adjustment'
  | 'transfer'
  | 'purchase';

export interface Movement {
  branchId: string;
  variantId: string;
  kind: MovementKind;
  onHand?: number;
  reserved?: number;
  inTransit?: number;
  orderId?: string | null;
  reason?: string | null;
}

/** Appends one movement; the balance follows by trigger in the same transaction. */
export function move(db: Db, event: EventEnvelope, m: Movement): void {
  db.sqlite
    .prepare(
      `INSERT INTO stock_movements (event_id, branch_id, variant_id, kind, on_hand, reserved, in_transit, order_id, reason, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      event.id,
      m.branchId,
      m.variantId,
      m.kind,
      m.onHand ?? 0,
      m.reserved ?? 0,
      m.inTransit ?? 0,
      m.orderId ?? null,
      m.reason ?? null,
      event.createdAt,
    );
}

export interface Balance {
  onHand: number;
  reserved: number;
  inTransit: number;
  available: number;
}

/**
 * A variant's balance at a branch, for commands and queries. Never from a projection: a page of
 * events applied in bulk sums the balances only at its end (summingAtEnd,
 * core/analytics/aggregates.ts), so asking inside one is refused rather than answered stale.
 */
export function balanceOf(db: Db, branchId: string, variantId: string): Balance {
  if (summing(db))
    throw new Error(
      'balanceOf: the stock balances are summed at the end of the page being applied; a projection must not read them',
    );
  // raw SQL: 23% faster than drizzle, about 4% of npm run bench's stock.balance call (42.5 µs)
  // (8.0 against 9.8 µs a lookup in a micro-measure of drizzle's prepared get).
  const row = db.sqlite
    .prepare(
      'SELECT on_hand AS onHand, reserved, in_transit AS inTransit FROM stock_balances WHERE branch_id = ? AND variant_id = ?',
    )
    .get(branchId, variantId) as Omit<Balance, 'available'> | undefined;
  const b = row ?? { onHand: 0, reserved: 0, inTransit: 0 };
  return { ...b, available: b.onHand - b.reserved };
}
