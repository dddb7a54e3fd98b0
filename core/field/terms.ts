// Head office's terms for customers (decision 0034): price lists, and per customer its sales
// rep, price list and credit limit. Set at head office only, merged per field everywhere.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { id, money, text } from '../contract/fields';
import { parseRow, parseRows } from '../db/rows';
import { validationError } from '../errors';
import { emit, refuseIfNotHere } from '../events/emit';
import { newId } from '../ids';
import { requireCustomer } from './orders';

const listRow = z.object({
  id: z.string(),
  name: z.string().nullable(),
  customers: z.number().int(),
});
const priceRow = z.object({
  listId: z.string(),
  variantId: z.string(),
  sku: z.string().nullable(),
  price: z.number().int(),
  catalogPrice: z.number().int().nullable(),
});

/** Every price list, with its prices (and each variant's catalog price beside it). */
export const listPriceLists = query({
  access: 'customers.terms',
  input: z.object({}),
  handler: (ctx) => {
    const lists = parseRows(
      listRow,
      ctx.db.sqlite
        .prepare(
          `SELECT l.id, l.name, (SELECT count(*) FROM customers c WHERE c.price_list_id = l.id) AS customers
             FROM price_lists l ORDER BY l.name, l.id`,
        )
        .all(),
    );
    const prices = parseRows(
      priceRow,
      ctx.db.sqlite
        .prepare(
          `SELECT lp.list_id AS listId, lp.variant_id AS variantId, v.sku, lp.price, v.price AS catalogPrice
             FROM price_list_prices lp LEFT JOIN variants v ON v.id = lp.variant_id
            ORDER BY v.sku`,
        )
        .all(),
    );
    return lists.map((l) => ({
      ...l,
      prices: prices.filter((p) => p.listId === l.id).map(({ listId: _l, ...p }) => p),
    }));
  },
});

export const savePriceList = command({
  access: 'customers.terms',
  input: z.object({
    id: id.optional(),
    name: text(120),
    prices: z
      .array(z.object({ variantId: id, price: money }))
      .max(5000, 'a price list can have at most 5000 prices'),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'price_list.saved');
    const current = input.id
      ? parseRow(
          z.object({ id: z.string(), name: z.string().nullable(), prices: z.string().nullable() }),
          ctx.db.sqlite
            .prepare('SELECT id, name, prices FROM price_lists WHERE id = ?')
            .get(input.id),
        )
      : undefined;
    if (input.id && !current)
      throw validationError([
        { field: 'id', message: 'no such price list; leave it out to add one' },
      ]);
    const seen = new Set<string>();
    input.prices.forEach((p, i) => {
      if (seen.has(p.variantId))
        throw validationError([
          { field: `prices.${i}.variantId`, message: 'is listed twice; keep one price for it' },
        ]);
      seen.add(p.variantId);
      if (!ctx.db.sqlite.prepare('SELECT 1 FROM variants WHERE id = ?').get(p.variantId))
        throw validationError([
          { field: `prices.${i}.variantId`, message: 'unknown product variant' },
        ]);
    });
    // One canonical order, so the same list saved twice is the same field.
    const prices = [...input.prices].sort((a, b) =>
      a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0,
    );
    const listId = current?.id ?? newId(ctx.now());
    const changed = {
      ...(input.name !== current?.name && { name: input.name }),
      ...(JSON.stringify(prices) !== current?.prices && { prices }),
    };
    if (Object.keys(changed).length > 0)
      emit(ctx, 'price_list.saved', listId, { id: listId, ...changed });
    return { id: listId, changed: Object.keys(changed) };
  },
});

/** A customer's rep, price list and credit limit: only what is given changes; null clears. */
export const saveCustomerTerms = command({
  access: 'customers.terms',
  input: z.object({
    customerId: id,
    repId: id.nullable().optional(),
    priceListId: id.nullable().optional(),
    creditLimit: money.nullable().optional(),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'customer.terms_saved');
    const customer = requireCustomer(ctx, input.customerId);
    if (input.repId) assertActiveRep(ctx, input.repId);
    if (
      input.priceListId &&
      !ctx.db.sqlite.prepare('SELECT 1 FROM price_lists WHERE id = ?').get(input.priceListId)
    )
      throw validationError([
        { field: 'priceListId', message: 'no such price list; choose one or add it first' },
      ]);
    const changed = {
      ...(input.repId !== undefined && input.repId !== customer.repId && { repId: input.repId }),
      ...(input.priceListId !== undefined &&
        input.priceListId !== customer.priceListId && { priceListId: input.priceListId }),
      ...(input.creditLimit !== undefined &&
        input.creditLimit !== customer.creditLimit && { creditLimit: input.creditLimit }),
    };
    if (Object.keys(changed).length > 0)
      emit(ctx, 'customer.terms_saved', customer.id, { id: customer.id, ...changed });
    return { id: customer.id, changed: Object.keys(changed) };
  },
});

const repRow = z.object({ role: z.string(), disabled: z.number().int() });

function assertActiveRep(ctx: Context, repId: string): void {
  const rep = parseRow(
    repRow,
    ctx.db.sqlite.prepare('SELECT role, disabled FROM users WHERE id = ?').get(repId),
  );
  if (!rep || rep.role !== 'sales_rep' || rep.disabled)
    throw validationError([
      {
        field: 'repId',
        message: !rep
          ? 'no such user; choose a sales rep'
          : rep.role !== 'sales_rep'
            ? 'is not a sales rep; choose a user whose role is sales rep'
            : 'is disabled; choose an active sales rep',
      },
    ]);
}
