// Customers at the counter: found by phone, name or a scanned loyalty card, created there while
// offline. Every shop knows every customer. The same phone created at two shops while offline
// is listed for an admin to merge, never silently joined (decision 0029).
import { z } from 'zod';
import { command, query } from '../contract/define';
import { id, optionalText, page, text } from '../contract/fields';
import { assertBranchAccess, requireActor } from '../contract/scope';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { pointsBalance } from '../loyalty/ledger';
import { programOf } from '../loyalty/program';
import { phoneKeyOf } from './events';

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a phone number');

const customerRow = z.object({
  id: z.string(),
  branchId: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  card: z.string().nullable(),
  tier: z.string().nullable(),
});
export type CustomerRow = z.infer<typeof customerRow>;

const COLUMNS = `c.id, c.branch_id AS branchId, c.name, c.phone, c.card, c.tier FROM customers c`;

export const createCustomer = command({
  access: 'customers.manage',
  input: z.object({
    branchId: id.optional(),
    name: text(120),
    phone: phone.optional(),
    card: optionalText(40),
  }),
  handler: (ctx, input) => {
    const branchId = input.branchId ?? requireActor(ctx).branchId;
    assertBranchAccess(ctx, branchId, 'add customers');
    const key = phoneKeyOf(input.phone);
    // On this PC a phone is one customer's: the clerk picks the one found instead.
    const same = key
      ? parseRow(
          customerRow,
          ctx.db.sqlite
            .prepare(`SELECT ${COLUMNS} WHERE c.phone_key = ? AND c.merged_into IS NULL LIMIT 1`)
            .get(key),
        )
      : undefined;
    if (same)
      throw new DomainError(
        'CONFLICT',
        `phone: ${same.name} has this phone number already; choose that customer instead of adding a new one.`,
        { field: 'phone', customerId: same.id },
      );
    if (
      input.card &&
      ctx.db.sqlite.prepare('SELECT 1 FROM customers WHERE card = ?').get(input.card)
    )
      throw new DomainError('CONFLICT', 'card: this loyalty card belongs to another customer.', {
        field: 'card',
      });
    const customerId = newId(ctx.now());
    emit(ctx, 'customer.saved', customerId, {
      id: customerId,
      branchId,
      name: input.name,
      phone: input.phone ?? null,
      ...(input.card && { card: input.card }),
    });
    return { id: customerId };
  },
});

export const listCustomers = query({
  access: 'customers.manage',
  input: z.object({ search: z.string().trim().max(100).optional(), ...page }),
  handler: (ctx, input) =>
    findCustomersBy(ctx.db.sqlite, input.search ?? '', input.limit, input.offset),
});

/**
 * Customers matching what was typed or scanned: a card's code or a phone (by its digits, from
 * the end), exactly; a name by its start or any word's start. Merged customers are not listed.
 */
function findCustomersBy(
  sqlite: Db['sqlite'],
  search: string,
  limit: number,
  offset: number,
): CustomerRow[] {
  if (search === '')
    return parseRows(
      customerRow,
      sqlite
        .prepare(`SELECT ${COLUMNS} WHERE c.merged_into IS NULL ORDER BY c.name LIMIT ? OFFSET ?`)
        .all(limit, offset),
    );
  const key = phoneKeyOf(search);
  const exact = parseRows(
    customerRow,
    sqlite
      .prepare(
        `SELECT ${COLUMNS} WHERE c.merged_into IS NULL AND (c.card = @q OR (@key IS NOT NULL AND length(@key) >= 6 AND c.phone_key = @key))
       ORDER BY c.name LIMIT @limit`,
      )
      .all({ q: search, key, limit }),
  );
  const named = parseRows(
    customerRow,
    sqlite
      .prepare(
        `SELECT ${COLUMNS} WHERE c.merged_into IS NULL AND (c.name LIKE @start ESCAPE '\\' OR c.name LIKE @word ESCAPE '\\')
       ORDER BY c.name LIMIT @limit OFFSET @offset`,
      )
      .all({
        start: `${escapeLike(search)}%`,
        word: `% ${escapeLike(search)}%`,
        limit,
        offset,
      }),
  );
  const seen = new Set(exact.map((c) => c.id));
  return [...(offset === 0 ? exact : []), ...named.filter((c) => !seen.has(c.id))].slice(0, limit);
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The counter's lookup: matches with each one's tier and points (first 10). */
export const findCustomer = query({
  access: 'customers.manage',
  input: z.object({ search: z.string().trim().min(1, 'is required').max(100) }),
  handler: (ctx, input) => {
    const program = programOf(ctx.db);
    const lowest = program?.tiers[0]?.name ?? null;
    return findCustomersBy(ctx.db.sqlite, input.search, 10, 0).map((c) => ({
      ...c,
      tier: c.tier ?? lowest,
      points: program ? pointsBalance(ctx.db, c.id, ctx.now()) : null,
    }));
  },
});

/** Customers who share a phone number (made at two shops while offline): for an admin to merge. */
export const duplicateCustomers = query({
  access: 'loyalty.manage',
  input: z.object({}),
  handler: (ctx) => {
    const rows = parseRows(
      customerRow,
      ctx.db.sqlite
        .prepare(
          `SELECT ${COLUMNS} WHERE c.merged_into IS NULL AND c.phone_key IN (
           SELECT phone_key FROM customers WHERE merged_into IS NULL AND phone_key IS NOT NULL
           GROUP BY phone_key HAVING count(*) > 1)
         ORDER BY c.phone_key, c.id`,
        )
        .all(),
    );
    const groups = new Map<string, CustomerRow[]>();
    for (const r of rows) {
      const key = phoneKeyOf(r.phone) ?? '';
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    return [...groups.values()].map((customers) => ({
      phone: customers[0]?.phone ?? null,
      customers,
    }));
  },
});
