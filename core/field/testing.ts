// Fixtures for the field tests: the demo company with customers served by its sales rep, and
// orders delivered the way the branch delivers them, by a trip through the contract.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { parseRow, parseRows } from '../db/rows';
import { companyDay } from '../locale/day';
import { signaturePng } from '../trips/fixture.test-support';
import { roles } from '../vocabulary';
import { demoUsernames, openDemo, type DemoUser, type DemoWorld } from '../testing/demo';

const idRow = z.object({ id: z.string() });
const availableRow = z.object({ a: z.number().int() });
const reservedRow = z.object({ reserved: z.number().int() });
const countRow = z.object({ n: z.number().int() });
const actorRow = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(roles),
  branchId: z.string(),
});
const stockedRow = z.object({
  variantId: z.string(),
  available: z.number().int(),
  price: z.number().int(),
});
const driverRow = z.object({ username: z.enum(demoUsernames) });

export const userIdOf = (w: DemoWorld, username: string): string =>
  idRow.parse(w.core.db.sqlite.prepare('SELECT id FROM users WHERE username = ?').get(username)).id;

/** What the branch has free of a variant now. */
export const availableAt = (w: DemoWorld, branchId: string, variantId: string): number =>
  parseRow(
    availableRow,
    w.core.db.sqlite
      .prepare(
        'SELECT on_hand - reserved AS a FROM stock_balances WHERE branch_id = ? AND variant_id = ?',
      )
      .get(branchId, variantId),
  )?.a ?? 0;

export const reservedAt = (w: DemoWorld, branchId: string, variantId: string): number =>
  parseRow(
    reservedRow,
    w.core.db.sqlite
      .prepare('SELECT reserved FROM stock_balances WHERE branch_id = ? AND variant_id = ?')
      .get(branchId, variantId),
  )?.reserved ?? 0;

export const eventCount = (w: DemoWorld): number =>
  countRow.parse(w.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get()).n;

/** A context as a person (the portal's caller, which has no operation of this module). */
export function contextAs(w: DemoWorld, username: string): Context {
  const row = actorRow.parse(
    w.core.db.sqlite
      .prepare(
        'SELECT id AS userId, username, display_name AS displayName, role, branch_id AS branchId FROM users WHERE username = ?',
      )
      .get(username),
  );
  return w.core.context({ actor: row });
}

export interface FieldWorld {
  w: DemoWorld;
  repId: string;
  /** Served by the demo rep. */
  mine: string;
  /** Nobody's rep's. */
  other: string;
  /** Variants with stock at SH01, and how much is free. */
  stocked: { variantId: string; available: number; price: number }[];
  /** Moves the world's clock on, so one step happens strictly after another. */
  later: (ms: number) => void;
}

export async function fieldWorld(): Promise<FieldWorld> {
  let skew = 0;
  const w = await openDemo({ now: () => Date.now() + skew });
  const admin = w.as('admin');
  const repId = userIdOf(w, 'sales');
  const mine = (await admin('customers.create', { branchId: w.branch.SH01, name: 'Mulu Cafe' })).id;
  const other = (await admin('customers.create', { branchId: w.branch.SH01, name: 'Tana Hotel' }))
    .id;
  await admin('customers.saveTerms', { customerId: mine, repId });
  const stocked = parseRows(
    stockedRow,
    w.core.db.sqlite
      .prepare(
        `SELECT b.variant_id AS variantId, b.on_hand - b.reserved AS available, v.price
           FROM stock_balances b JOIN variants v ON v.id = b.variant_id
          WHERE b.branch_id = ? AND b.on_hand - b.reserved > 0 AND v.active ORDER BY v.sku`,
      )
      .all(w.branch.SH01),
  ).slice(0, 6);
  return {
    w,
    repId,
    mine,
    other,
    stocked,
    later: (ms) => {
      skew += ms;
    },
  };
}

/** The branch's driver, by sign-in name: a trip's driver must be one of its branch's. */
function driverOf(w: DemoWorld, branchId: string): DemoUser {
  const row = parseRow(
    driverRow,
    w.core.db.sqlite
      .prepare(
        `SELECT username FROM users WHERE role = 'driver' AND branch_id = ? AND NOT disabled ORDER BY username LIMIT 1`,
      )
      .get(branchId),
  );
  if (!row) throw new Error(`the demo has no driver at branch ${branchId}`);
  return row.username;
}

/** Puts open orders of one branch on a trip planned for today, driven by the branch's driver. */
export async function planTrip(
  w: DemoWorld,
  branchId: string,
  orderIds: string[],
): Promise<{ tripId: string; driver: DemoUser }> {
  const driver = driverOf(w, branchId);
  const { tripId } = await w.as('admin')('trips.plan', {
    branchId,
    day: companyDay(w.core.db, w.core.now()),
    driverId: userIdOf(w, driver),
    vehicle: 'Van 1',
    orderIds,
  });
  return { tripId, driver };
}

/**
 * Delivers an open order as the branch does: a trip for it at its branch, the driver's proof with
 * `delivered` of each line (by line number; a line not named is delivered in full, the rest of a
 * line is short), and the trip closed with no cash. The rows the tests read (the stop, the proof,
 * the account, the credits) are the trips' projections of those events.
 */
export async function deliverByTrip(
  w: DemoWorld,
  orderId: string,
  delivered: Record<number, number> = {},
): Promise<{ tripId: string; proofId: string }> {
  const admin = w.as('admin');
  const order = await admin('field.order', { orderId });
  const { tripId, driver } = await planTrip(w, order.branchId, [orderId]);
  const { proofId } = await w.as(driver)('trips.prove', {
    tripId,
    orderId,
    lines: order.lines.map((l) => {
      const d = delivered[l.lineNo] ?? l.quantity;
      return {
        lineNo: l.lineNo,
        delivered: d,
        damaged: 0,
        short: l.quantity - d,
        ...(d < l.quantity && { reason: 'not on the van' }),
      };
    }),
    returns: [],
    collected: null,
    signature: { contentBase64: signaturePng() },
    photos: {},
    signedBy: 'Manager',
  });
  await admin('trips.close', { tripId, counted: 0 });
  return { tripId, proofId };
}
