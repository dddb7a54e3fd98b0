// A fingerprint of a replica's replicated state. Two replicas that folded the same events
// must have the same hash; a failed command must leave it unchanged. Surrogate row ids
// (autoincrement) and device-local tables are left out: they differ between replicas by design.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { replicatedTables } from '../events/registry';
import type { Db } from './open';
import { parseRows } from './rows';

// Raw SQL in this file: table_info and the ledger's sums are not in the schema; rows are parsed.
const column = z.object({ name: z.string(), type: z.string(), pk: z.number() });
const mismatch = z.object({ branchId: z.string(), variantId: z.string() });

/** A table's surrogate key (an INTEGER PRIMARY KEY, numbered in the order rows arrived). */
const surrogateKeys = (db: Db, table: string): string[] =>
  parseRows(column, db.sqlite.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table))
    .filter((c) => c.pk === 1 && c.type.toUpperCase() === 'INTEGER')
    .map((c) => c.name);

export function tableHash(db: Db, table: string, exclude: string[] = []): string {
  const cols = parseRows(
    column,
    db.sqlite.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table),
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

/** Each replicated table's hash, by name. */
export const tableHashes = (db: Db): Record<string, string> =>
  Object.fromEntries(replicatedTables.map((t) => [t, tableHash(db, t, surrogateKeys(db, t))]));

/** Replicated tables whose content differs between two databases: a readable failure. */
export function differingTables(a: Db, b: Db): string[] {
  const left = tableHashes(a);
  const right = tableHashes(b);
  return replicatedTables.filter((t) => left[t] !== right[t]);
}

export function stateHash(db: Db): string {
  const h = createHash('sha256');
  for (const [table, hash] of Object.entries(tableHashes(db))) h.update(`${table}:${hash}\n`);
  return h.digest('hex');
}

/** Every balance equals the sum of its ledger: the invariant the triggers keep. */
export function ledgerMismatches(db: Db): { branchId: string; variantId: string }[] {
  return parseRows(
    mismatch,
    db.sqlite
      .prepare(
        `SELECT b.branch_id AS branchId, b.variant_id AS variantId FROM stock_balances b
       LEFT JOIN (SELECT branch_id, variant_id, sum(on_hand) AS h, sum(reserved) AS r, sum(in_transit) AS t
                  FROM stock_movements GROUP BY branch_id, variant_id) m
         ON m.branch_id = b.branch_id AND m.variant_id = b.variant_id
       WHERE b.on_hand IS NOT coalesce(m.h, 0) OR b.reserved IS NOT coalesce(m.r, 0) OR b.in_transit IS NOT coalesce(m.t, 0)`,
      )
      .all(),
  );
}

/** Every points balance equals the sum of its ledger (customers whose balance does not). */
export function pointsMismatches(db: Db): string[] {
  // Both ways: a balance row whose ledger differs, and a ledger with no balance row at all.
  return parseRows(
    z.object({ customerId: z.string() }),
    db.sqlite
      .prepare(
        `SELECT b.customer_id AS customerId FROM loyalty_balances b
         LEFT JOIN (SELECT customer_id, sum(points) AS p FROM loyalty_movements GROUP BY customer_id) m
           ON m.customer_id = b.customer_id
         WHERE b.points IS NOT coalesce(m.p, 0)
         UNION
         SELECT DISTINCT m.customer_id FROM loyalty_movements m
         WHERE NOT EXISTS (SELECT 1 FROM loyalty_balances b WHERE b.customer_id = m.customer_id)
         ORDER BY customerId`,
      )
      .all(),
  ).map((r) => r.customerId);
}
