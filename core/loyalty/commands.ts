// Loyalty at head office and at the counter: the rules an admin sets, a customer's balance and
// history, an admin's adjustment with its reason, the overdrawn report, and the nightly run that
// records expiries and tier changes as events (decision 0029).
import { asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { id, money, text } from '../contract/fields';
import { parseRows } from '../db/rows';
import { customers } from '../db/schema';
import { DomainError, validationError } from '../errors';
import { emit, refuseIfNotHere } from '../events/emit';
import {
  accountMembersSql,
  accountMovements,
  accountRootsSql,
  pointsBalance,
  pointsKinds,
  pointsToExpire,
  rootCustomer,
} from './ledger';
import { DAY, programId, programOf, rewardSchema, tierFor, tierSchema } from './program';

// What an admin may save now is stricter than what program.ts reads back: a program saved before
// these rules, or arriving in an older event, must still load rather than read as no program.
const tierInput = tierSchema.extend({
  // Printed on receipts and the customer's screen.
  name: text(40),
  minSpend: money,
});
const rewardInput = rewardSchema.extend({
  id: z.string().trim().min(1, 'is required').max(40, 'must be at most 40 characters'),
  name: text(80),
  variantId: id,
});

export const saveProgram = command({
  access: 'loyalty.manage',
  input: z.object({
    // An amount like any other: what a customer spends for each point.
    spendPerPoint: money.positive('must be more than 0').optional(),
    pendingDays: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .max(365)
      .optional(),
    expiryDays: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 or more (0: never)')
      .max(3650)
      .optional(),
    // Minor units a point takes off a sale: an amount like any other.
    pointValue: money.optional(),
    tiers: z.array(tierInput).max(10).optional(),
    rewards: z.array(rewardInput).max(50).optional(),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'loyalty.program_saved');
    const names = new Set<string>();
    // Two tiers from the same spend: which one a customer holds would depend on their order.
    const floors = new Map<number, string>();
    input.tiers?.forEach((t, i) => {
      if (names.has(t.name))
        throw validationError([{ field: `tiers.${i}.name`, message: `${t.name} is named twice` }]);
      names.add(t.name);
      const other = floors.get(t.minSpend);
      if (other !== undefined)
        throw validationError([
          {
            field: `tiers.${i}.minSpend`,
            message: `is the same as tier ${other}'s; give each tier a different minimum spend`,
          },
        ]);
      floors.set(t.minSpend, t.name);
    });
    // A sale names the reward it redeemed by id: two with one id could not be told apart.
    const rewardIds = new Set<string>();
    input.rewards?.forEach((r, i) => {
      if (rewardIds.has(r.id))
        throw validationError([
          {
            field: `rewards.${i}.id`,
            message: `${r.id} is used by another reward; give each reward its own id`,
          },
        ]);
      rewardIds.add(r.id);
    });
    input.rewards?.forEach((r, i) => {
      if (!ctx.db.sqlite.prepare('SELECT 1 FROM variants WHERE id = ?').get(r.variantId))
        throw validationError([
          { field: `rewards.${i}.variantId`, message: 'no such product variant' },
        ]);
    });
    if (!programOf(ctx.db) && input.spendPerPoint === undefined)
      throw validationError([
        {
          field: 'spendPerPoint',
          rule: 'required',
          message: 'is required to start a loyalty program',
        },
      ]);
    const { tiers, rewards, ...plain } = input;
    emit(ctx, 'loyalty.program_saved', programId, {
      id: programId,
      ...plain,
      ...(tiers && { tiers: JSON.stringify(tiers) }),
      ...(rewards && { rewards: JSON.stringify(rewards) }),
    });
    return programOf(ctx.db);
  },
});

export const loyaltyProgram = query({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx) => programOf(ctx.db),
});

const requireCustomer = (ctx: Context, customerId: string, field = 'customerId') => {
  const row = ctx.db.orm
    .select({
      id: customers.id,
      name: customers.name,
      phone: customers.phone,
      card: customers.card,
      tier: customers.tier,
    })
    .from(customers)
    .where(eq(customers.id, customerId))
    .get();
  if (!row) throw validationError([{ field, message: 'no such customer on this PC' }]);
  return row;
};

export const customerPoints = query({
  access: 'customers.manage',
  input: z.object({ customerId: id }),
  handler: (ctx, input) => {
    const root = rootCustomer(ctx.db, input.customerId);
    const customer = requireCustomer(ctx, root);
    const program = programOf(ctx.db);
    const tier = customer.tier ?? program?.tiers[0]?.name ?? null;
    return {
      customerId: root,
      tier,
      ...pointsBalance(ctx.db, root, ctx.now()),
      pointValue: program?.pointValue ?? 0,
    };
  },
});

const historyRow = z.object({
  kind: z.enum(pointsKinds),
  points: z.number().int(),
  availableAt: z.number().int(),
  expiresAt: z.number().int().nullable(),
  at: z.number().int(),
  note: z.string().nullable(),
  saleNumber: z.string().nullable(),
});

export const pointsHistory = query({
  access: 'customers.manage',
  input: z.object({ customerId: id, limit: z.number().int().min(1).max(500).default(100) }),
  handler: (ctx, input) =>
    parseRows(
      historyRow,
      ctx.db.sqlite
        .prepare(
          `${accountMembersSql('@root')}
         SELECT m.kind, m.points, m.available_at AS availableAt, m.expires_at AS expiresAt, m.at, m.note,
                s.number AS saleNumber
         FROM loyalty_movements m LEFT JOIN sales s ON s.id = m.sale_id
         WHERE m.customer_id IN (SELECT id FROM account) ORDER BY m.at DESC, m.id DESC LIMIT @limit`,
        )
        .all({ root: rootCustomer(ctx.db, input.customerId), limit: input.limit }),
    ),
});

const MAX_ADJUSTMENT = 10_000_000;

export const adjustPoints = command({
  access: 'loyalty.manage',
  input: z.object({
    customerId: id,
    // A correction or a goodwill gesture is a few thousand points at most; the bound keeps a
    // typo (or a paste) from minting points worth more than the company's turnover, and keeps
    // the ledger's sums well inside the integers the balance reads exactly.
    points: z
      .number()
      .int('must be a whole number')
      .refine((n) => n !== 0, 'must not be 0')
      .refine(
        (n) => Math.abs(n) <= MAX_ADJUSTMENT,
        'must be between -10,000,000 and 10,000,000 points',
      ),
    reason: text(300),
  }),
  handler: (ctx, input) => {
    refuseIfNotHere(ctx, 'loyalty.adjusted');
    const root = rootCustomer(ctx.db, input.customerId);
    requireCustomer(ctx, root);
    // An account goes below zero only when two shops spent the same points offline (and the
    // overdrawn report shows it); an admin's adjustment must not put it there by itself.
    if (input.points < 0) {
      const { available } = pointsBalance(ctx.db, root, ctx.now());
      if (-input.points > available)
        throw validationError([
          {
            field: 'points',
            message:
              available > 0
                ? `takes ${-input.points} points, but the customer has ${available} available; take at most ${available}`
                : `takes ${-input.points} points, but the customer has none available to take`,
          },
        ]);
    }
    const program = programOf(ctx.db);
    emit(ctx, 'loyalty.adjusted', root, {
      customerId: root,
      points: input.points,
      reason: input.reason,
      expiresAt: program?.expiryDays ? ctx.now() + program.expiryDays * DAY : null,
    });
    return pointsBalance(ctx.db, root, ctx.now());
  },
});

const overdrawnRow = z.object({
  customerId: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  points: z.number().int(),
});

/** Customers whose points went below zero after sync (two shops redeemed the same points). */
export const overdrawnPoints = query({
  access: 'loyalty.manage',
  input: z.object({}),
  handler: (ctx) =>
    parseRows(
      overdrawnRow,
      ctx.db.sqlite
        .prepare(
          `${accountRootsSql}
         SELECT r.root AS customerId, c.name, c.phone, sum(b.points) AS points
         FROM account r JOIN loyalty_balances b ON b.customer_id = r.id JOIN customers c ON c.id = r.root
         GROUP BY r.root HAVING sum(b.points) < 0 ORDER BY points, r.root`,
        )
        .all(),
    ),
});

/** Spend over the rolling 12 months before `now`: sales less what came back. */
const spendRow = z.object({ spend: z.number().int() });

function spendOf(ctx: Context, root: string, now: number): number {
  const row = spendRow.parse(
    ctx.db.sqlite
      .prepare(
        `${accountMembersSql('@root')}
       SELECT (SELECT coalesce(sum(total), 0) FROM sales WHERE customer_id IN (SELECT id FROM account) AND sold_at > @since AND sold_at <= @now)
            - (SELECT coalesce(sum(r.amount), 0) FROM sale_returns r JOIN sales s ON s.id = r.sale_id
               WHERE s.customer_id IN (SELECT id FROM account) AND s.sold_at > @since AND s.sold_at <= @now) AS spend`,
      )
      .get({ root, since: now - 365 * DAY, now }),
  );
  return row.spend;
}

/**
 * Head office's nightly run: each customer's points that expired (oldest batches first) and
 * each tier that the rolling year's spend changed, up or down, recorded as events every replica
 * applies alike. Safe to run again: what it recorded is counted the next time.
 */
export const runLoyalty = command({
  access: 'loyalty.manage',
  input: z.object({}),
  handler: (ctx) => {
    refuseIfNotHere(ctx, 'loyalty.expired');
    const program = programOf(ctx.db);
    if (!program) return { expired: 0, customersExpired: 0, tiersChanged: 0 };
    const now = ctx.now();
    const accounts = ctx.db.orm
      .select({ id: customers.id, tier: customers.tier })
      .from(customers)
      .where(isNull(customers.mergedInto))
      .orderBy(asc(customers.id))
      .all();
    let expired = 0;
    let customersExpired = 0;
    let tiersChanged = 0;
    const lowest = program.tiers[0]?.name ?? null;
    for (const c of accounts) {
      const due = pointsToExpire(accountMovements(ctx.db, c.id), now);
      if (due > 0) {
        emit(ctx, 'loyalty.expired', c.id, { customerId: c.id, points: due });
        expired += due;
        customersExpired++;
      }
      if (program.tiers.length > 0) {
        const tier = tierFor(program, spendOf(ctx, c.id, now))?.name ?? lowest;
        if (tier !== (c.tier ?? lowest)) {
          emit(ctx, 'customer.saved', c.id, { id: c.id, tier });
          tiersChanged++;
        }
      }
    }
    return { expired, customersExpired, tiersChanged };
  },
});

/** Merges a duplicate customer into another: lookups and points follow it there. */
export const mergeCustomers = command({
  access: 'loyalty.manage',
  input: z.object({ fromId: id, intoId: id }),
  handler: (ctx, input) => {
    // An admin's step at head office (a shop PC's say on a merge is dropped there).
    refuseIfNotHere(ctx, 'loyalty.adjusted');
    const into = rootCustomer(ctx.db, input.intoId);
    requireCustomer(ctx, input.fromId, 'fromId');
    requireCustomer(ctx, into, 'intoId');
    if (rootCustomer(ctx.db, input.fromId) === into)
      throw new DomainError('INVALID_STATE', 'intoId: these are the same customer already.', {
        field: 'intoId',
      });
    emit(ctx, 'customer.saved', input.fromId, { id: input.fromId, mergedInto: into });
    return { id: into, ...pointsBalance(ctx.db, into, ctx.now()) };
  },
});
