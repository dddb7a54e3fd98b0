// Customers at the counter: found by phone, name or a scanned loyalty card, created there while
// offline. Every shop knows every customer. The same phone created at two shops while offline
// is listed for an admin to merge, never silently joined (decision 0029).
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { id, optionalText, page, phoneNumber, text } from '../contract/fields';
import { actsForAnyBranch, assertBranchAccess, requireActor } from '../contract/scope';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { accountMembersSql, pointsBalance, rootCustomer } from '../loyalty/ledger';
import { programOf } from '../loyalty/program';
import { branchKinds } from '../vocabulary';
import { phoneKeyOf } from './events';

const phone = phoneNumber();

const customerRow = z.object({
  id: z.string(),
  branchId: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  card: z.string().nullable(),
  tier: z.string().nullable(),
  address: z.string().nullable(),
  latE6: z.number().int().nullable(),
  lngE6: z.number().int().nullable(),
});
type StoredCustomer = z.infer<typeof customerRow>;

const COLUMNS = `c.id, c.branch_id AS branchId, c.name, c.phone, c.card, c.tier, c.address,
  c.lat_e6 AS latE6, c.lng_e6 AS lngE6 FROM customers c`;

/** A customer as screens read it: coordinates in decimal degrees (stored as microdegrees). */
const shown = ({ latE6, lngE6, ...c }: StoredCustomer) => ({
  ...c,
  lat: latE6 === null ? null : latE6 / 1e6,
  lng: lngE6 === null ? null : lngE6 / 1e6,
});
export type CustomerRow = ReturnType<typeof shown>;

/** Where goods go: an address, and its coordinates in decimal degrees (both or neither). */
const lat = z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90');
const lng = z
  .number()
  .min(-180, 'must be between -180 and 180')
  .max(180, 'must be between -180 and 180');
const address = z.string().trim().max(300, 'must be at most 300 characters');

/**
 * Coordinates as stored (microdegrees, rounded), or nothing when neither was given; a latitude
 * without a longitude (or the other way) is refused, naming the one missing.
 */
function microdegrees(input: {
  lat?: number | null;
  lng?: number | null;
}): { latE6: number | null; lngE6: number | null } | undefined {
  if (input.lat === undefined && input.lng === undefined) return undefined;
  const noLat = input.lat == null;
  const noLng = input.lng == null;
  if (noLat !== noLng) {
    const missing = noLat ? 'lat' : 'lng';
    throw validationError([
      {
        field: missing,
        message: 'give both latitude and longitude, or neither (null clears both)',
      },
    ]);
  }
  return {
    latE6: input.lat == null ? null : Math.round(input.lat * 1e6),
    lngE6: input.lng == null ? null : Math.round(input.lng * 1e6),
  };
}

/** On this PC a phone is one customer's: the clerk picks the one found instead. */
/** The customer (not merged away) who has a phone number, written however, other than `self`. */
export function customerWithPhone(
  sqlite: Db['sqlite'],
  phone: string | null | undefined,
  self?: string,
): StoredCustomer | undefined {
  const key = phoneKeyOf(phone);
  return key
    ? parseRow(
        customerRow,
        sqlite
          .prepare(
            `SELECT ${COLUMNS} WHERE c.phone_key = ? AND c.merged_into IS NULL AND c.id IS NOT ? LIMIT 1`,
          )
          .get(key, self ?? null),
      )
    : undefined;
}

function refuseTakenPhone(sqlite: Db['sqlite'], phone: string | null | undefined, self?: string) {
  const same = customerWithPhone(sqlite, phone, self);
  if (same)
    throw new DomainError(
      'CONFLICT',
      self
        ? `phone: ${same.name} has this phone number already; two customers cannot share one (if they are the same person, an admin merges them).`
        : `phone: ${same.name} has this phone number already; choose that customer instead of adding a new one.`,
      { field: 'phone', customerId: same.id },
    );
}

function refuseTakenCard(sqlite: Db['sqlite'], card: string | null | undefined, self?: string) {
  if (
    card &&
    sqlite.prepare('SELECT 1 FROM customers WHERE card = ? AND id IS NOT ?').get(card, self ?? null)
  )
    throw new DomainError('CONFLICT', 'card: this loyalty card belongs to another customer.', {
      field: 'card',
    });
}

const branchKindRow = z.object({ kind: z.enum(branchKinds) });

/**
 * A customer buys from a shop, or from the factory when its reps and drivers serve them
 * (decision 0034: field orders are taken and delivered at the customer's branch, a shop or the
 * factory). Head office sells to no one, so a customer there could never be served.
 */
function requireCustomerBranch(sqlite: Db['sqlite'], branchId: string) {
  const branch = parseRow(
    branchKindRow,
    sqlite.prepare('SELECT kind FROM branches WHERE id = ?').get(branchId),
  );
  if (!branch || branch.kind === 'head_office')
    throw validationError([
      {
        field: 'branchId',
        rule: 'choice',
        message: `${branch ? 'is head office, which sells to no one' : 'there is no such branch'}; choose the shop, or the factory, the customer buys from`,
      },
    ]);
}

export const createCustomer = command({
  access: 'customers.manage',
  input: z.object({
    branchId: id.optional(),
    name: text(120),
    phone: phone.optional(),
    card: optionalText(40),
    address: address.optional(),
    lat: lat.optional(),
    lng: lng.optional(),
  }),
  handler: (ctx, input) => {
    const branchId = input.branchId ?? requireActor(ctx).branchId;
    assertBranchAccess(ctx, branchId, 'add customers');
    requireCustomerBranch(ctx.db.sqlite, branchId);
    refuseTakenPhone(ctx.db.sqlite, input.phone);
    refuseTakenCard(ctx.db.sqlite, input.card);
    const place = microdegrees(input);
    const customerId = newId(ctx.now());
    emit(ctx, 'customer.saved', customerId, {
      id: customerId,
      branchId,
      name: input.name,
      phone: input.phone ?? null,
      ...(input.card && { card: input.card }),
      ...(input.address && { address: input.address }),
      ...place,
    });
    return { id: customerId };
  },
});

/** The coordinates that changed, as the event carries them. */
function placeChange(
  place: { latE6: number | null; lngE6: number | null } | undefined,
  current: StoredCustomer,
) {
  if (!place) return {};
  return {
    ...(place.latE6 !== current.latE6 && { latE6: place.latE6 }),
    ...(place.lngE6 !== current.lngE6 && { lngE6: place.lngE6 }),
  };
}

/**
 * A customer's name, phone or loyalty card changed at any shop (every shop knows every
 * customer). Only what changed is sent: the event merges per field, so a card given at one shop
 * and a name corrected at another while offline both stay. null clears a phone or a card.
 */
export const updateCustomer = command({
  access: 'customers.manage',
  input: z.object({
    id,
    name: text(120).optional(),
    phone: phone.nullable().optional(),
    card: text(40).nullable().optional(),
    address: address.nullable().optional(),
    lat: lat.nullable().optional(),
    lng: lng.nullable().optional(),
  }),
  handler: (ctx, input) => {
    const current = parseRow(
      customerRow,
      ctx.db.sqlite.prepare(`SELECT ${COLUMNS} WHERE c.id = ?`).get(input.id),
    );
    if (!current) throw validationError([{ field: 'id', message: 'no such customer on this PC' }]);
    if (rootCustomer(ctx.db, current.id) !== current.id)
      throw validationError([
        { field: 'id', message: 'was merged into another customer; change that one instead' },
      ]);
    const changed = {
      ...(input.name !== undefined && input.name !== current.name && { name: input.name }),
      ...(input.phone !== undefined && input.phone !== current.phone && { phone: input.phone }),
      ...(input.card !== undefined && input.card !== current.card && { card: input.card }),
      ...(input.address !== undefined &&
        (input.address || null) !== current.address && { address: input.address || null }),
      ...placeChange(microdegrees(input), current),
    };
    if (Object.keys(changed).length === 0) return { id: current.id, changed: [] };
    if (changed.phone !== undefined) refuseTakenPhone(ctx.db.sqlite, changed.phone, current.id);
    if (changed.card !== undefined) refuseTakenCard(ctx.db.sqlite, changed.card, current.id);
    // Head office judges the event by the branch it names, which must be the pushing PC's: a
    // shop's clerk saves it for their shop (so it names where the customer was last saved), a
    // head-office role for the customer's own branch.
    const actor = requireActor(ctx);
    emit(ctx, 'customer.saved', current.id, {
      id: current.id,
      branchId: actsForAnyBranch(actor) ? current.branchId : actor.branchId,
      ...changed,
    });
    return { id: current.id, changed: Object.keys(changed) };
  },
});

export const listCustomers = query({
  access: 'customers.manage',
  input: z.object({ search: z.string().trim().max(100).optional(), ...page }),
  handler: (ctx, input) =>
    withPoints(ctx, findCustomersBy(ctx.db.sqlite, input.search ?? '', input.limit, input.offset)),
});

/** Each customer's tier (the lowest when none was heard of yet) and points, with a program. */
function withPoints(ctx: Context, rows: StoredCustomer[]) {
  const program = programOf(ctx.db);
  const lowest = program?.tiers[0]?.name ?? null;
  return rows.map((c) => ({
    ...shown(c),
    tier: c.tier ?? lowest,
    points: program ? pointsBalance(ctx.db, c.id, ctx.now()) : null,
  }));
}

/**
 * Customers matching what was typed or scanned: a card's code or a phone (by its digits, from
 * the end), exactly; a name by its start or any word's start. Merged customers are not listed.
 */
function findCustomersBy(
  sqlite: Db['sqlite'],
  search: string,
  limit: number,
  offset: number,
): StoredCustomer[] {
  if (search === '')
    return parseRows(
      customerRow,
      sqlite
        .prepare(`SELECT ${COLUMNS} WHERE c.merged_into IS NULL ORDER BY c.name LIMIT ? OFFSET ?`)
        .all(limit, offset),
    );
  const key = phoneKeyOf(search);
  // A card and a phone each by its own index (an OR of the two would read every customer).
  const exact = parseRows(
    customerRow,
    sqlite
      .prepare(
        `SELECT * FROM (
           SELECT ${COLUMNS} WHERE c.card = @q AND c.merged_into IS NULL
           UNION
           SELECT ${COLUMNS} WHERE c.phone_key = @key AND length(@key) >= 6 AND c.merged_into IS NULL)
         ORDER BY name LIMIT @limit`,
      )
      .all({ q: search, key: key ?? '', limit }),
  );
  // What is written like a phone number is looked up as one: no name reads that way.
  if (/^\+?[0-9 ()-]{6,20}$/.test(search)) return offset === 0 ? exact : [];
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
  handler: (ctx, input) => withPoints(ctx, findCustomersBy(ctx.db.sqlite, input.search, 10, 0)),
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
      groups.set(key, [...(groups.get(key) ?? []), shown(r)]);
    }
    return [...groups.values()].map((customers) => ({
      phone: customers[0]?.phone ?? null,
      customers,
    }));
  },
});

const customerSale = z.object({
  id: z.string(),
  number: z.string(),
  branchName: z.string(),
  total: z.number().int(),
  pointsEarned: z.number().int(),
  pointsRedeemed: z.number().int(),
  soldAt: z.number().int(),
});

/** A customer's sales, newest first (with those of customers merged into them). */
export const customerSales = query({
  access: 'customers.manage',
  input: z.object({ customerId: id, limit: z.number().int().min(1).max(200).default(20) }),
  handler: (ctx, input) =>
    parseRows(
      customerSale,
      ctx.db.sqlite
        .prepare(
          `${accountMembersSql('@root')}
         SELECT s.id, s.number, b.name AS branchName, s.total, s.points_earned AS pointsEarned,
                s.points_redeemed AS pointsRedeemed, s.sold_at AS soldAt
         FROM sales s JOIN branches b ON b.id = s.branch_id
         WHERE s.customer_id IN (SELECT id FROM account) ORDER BY s.sold_at DESC, s.id DESC LIMIT @limit`,
        )
        .all({ root: rootCustomer(ctx.db, input.customerId), limit: input.limit }),
    ),
});
