// A fingerprint of a replica's replicated state. Two replicas that folded the same events
// must have the same hash; a failed command must leave it unchanged. Surrogate row ids
// (autoincrement) and device-local tables are left out: they differ between replicas by design.
import { createHash } from 'node:crypto';
import type { Db } from './open';

export const replicatedTables: Record<string, { exclude?: string[] }> = {
  branches: {},
  devices: {},
  users: {},
  products: {},
  variants: {},
  price_history: { exclude: ['id'] },
  stock_movements: { exclude: ['id'] },
  stock_balances: {},
  production_batches: {},
  orders: {},
  order_lines: {},
  order_timeline: { exclude: ['id'] },
  order_discrepancies: {},
  files: {},
  payment_slips: { exclude: ['id'] },
  customers: {},
  sales: {},
  sale_lines: {},
  conflicts: {},
  conflict_resolutions: {},
};

export function tableHash(db: Db, table: string, exclude: string[] = []): string {
  const cols = (
    db.sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]
  )
    .map((c) => c.name)
    .filter((c) => !exclude.includes(c));
  const list = cols.map((c) => `"${c}"`).join(', ');
  const h = createHash('sha256');
  for (const row of db.sqlite
    .prepare(`SELECT ${list} FROM ${table} ORDER BY ${list}`)
    .raw()
    .iterate())
    h.update(JSON.stringify(row)).update('\n');
  return h.digest('hex');
}

export function stateHash(db: Db): string {
  const h = createHash('sha256');
  for (const [table, { exclude }] of Object.entries(replicatedTables))
    h.update(`${table}:${tableHash(db, table, exclude)}\n`);
  return h.digest('hex');
}

/** Every balance equals the sum of its ledger: the invariant the triggers keep. */
export function ledgerMismatches(db: Db): { branchId: string; variantId: string }[] {
  return db.sqlite
    .prepare(
      `SELECT b.branch_id AS branchId, b.variant_id AS variantId FROM stock_balances b
       LEFT JOIN (SELECT branch_id, variant_id, sum(on_hand) AS h, sum(reserved) AS r, sum(in_transit) AS t
                  FROM stock_movements GROUP BY branch_id, variant_id) m
         ON m.branch_id = b.branch_id AND m.variant_id = b.variant_id
       WHERE b.on_hand IS NOT coalesce(m.h, 0) OR b.reserved IS NOT coalesce(m.r, 0) OR b.in_transit IS NOT coalesce(m.t, 0)`,
    )
    .all() as { branchId: string; variantId: string }[];
}
