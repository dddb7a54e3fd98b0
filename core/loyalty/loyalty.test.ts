// Loyalty points as a ledger on a real database, on a clock the test moves: earned at the tier's
// rate, pending before they can be spent, redeemed in part or for a free product, taken back and
// given back by returns, expired oldest first, tiers over a rolling year, adjustments with a
// reason, duplicates merged, overdrawn balances reported, and every balance equal to its ledger.
import { desc } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputOf, OperationName, OutputOf } from '../contract/api';
import { events } from '../db/schema';
import { pointsMismatches, stateHash } from '../db/stateHash';
import { DEMO_PASSWORD } from '../demo/seed';
import { applyEvent } from '../events/emit';
import { newId } from '../ids';
import { failure, openDemo, type DemoUser, type DemoWorld } from '../testing/demo';
import { pointsToExpire, type Movement } from './ledger';
import { DAY } from './program';

const PRICE = 10_000;

const program = {
  spendPerPoint: 100,
  pendingDays: 7,
  pointValue: 10,
  tiers: [
    { name: 'Bronze', minSpend: 0, rateBp: 10_000 },
    { name: 'Silver', minSpend: 50_000, rateBp: 15_000 },
    { name: 'Gold', minSpend: 200_000, rateBp: 20_000 },
  ],
};

/** A shop with a loyalty program, a customer, and a clock that moves (signing in again after). */
async function loyalty(extra: { expiryDays?: number; pendingDays?: number } = {}) {
  const clock = { t: Date.now() };
  const world = await openDemo({ now: () => clock.t });
  const tokens = { ...world.tokens };
  const as =
    (user: DemoUser) =>
    <N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> =>
      world.core.call(name, input, tokens[user]);
  const X = world.variant['TS-WHT-M']!;
  const Y = world.variant['CUP-SML']!;
  for (const id of [X, Y]) {
    await as('admin')('catalog.updateVariant', { id, price: PRICE, confirmBelowCost: true });
    await as('shop1')('stock.adjust', { variantId: id, quantity: 1_000, reason: 'count' });
  }
  await as('admin')('loyalty.saveProgram', {
    ...program,
    ...extra,
    rewards: [{ id: 'cup', name: 'Free cup', points: 50, variantId: Y }],
  });
  const { id: customerId } = await as('shop1')('customers.create', {
    name: 'Almaz Bekele',
    phone: '+251 911 234 567',
  });
  const later = async (ms: number) => {
    clock.t += ms;
    for (const u of ['admin', 'shop1'] as const)
      tokens[u] = (
        await world.core.call('auth.login', { username: u, password: DEMO_PASSWORD })
      ).token;
  };
  const sell = (quantity: number, more: Partial<InputOf<'sales.record'>> = {}) =>
    as('shop1')('sales.record', {
      customerId,
      lines: [{ variantId: X, quantity }],
      payments: [{ method: 'cash' }],
      ...more,
    });
  const points = () => as('shop1')('loyalty.points', { customerId });
  return { world, clock, as, later, X, Y, customerId, sell, points };
}

/** An event as if pulled from another PC: applied by the same path, past this PC's checks. */
function pulled(world: DemoWorld, type: string, aggregateId: string, payload: unknown) {
  const last = world.core.db.orm.select().from(events).orderBy(desc(events.seq)).limit(1).get()!;
  world.core.db.sqlite.transaction(() =>
    applyEvent(world.core.db, {
      ...last,
      id: newId(last.createdAt),
      type,
      aggregateId,
      payload,
      serverSeq: null,
      receivedHlc: null,
    }),
  )();
}

describe('earning points', () => {
  it('earns per amount spent at the tier’s rate; the tier moves with the nightly run', async () => {
    const { as, sell, points, customerId } = await loyalty();
    const first = await sell(6);
    expect(first.points).toEqual({ earned: 600, redeemed: 0 });
    expect(await points()).toMatchObject({
      tier: 'Bronze',
      balance: 600,
      pending: 600,
      available: 0,
    });
    const run = await as('admin')('loyalty.run', {});
    expect(run).toMatchObject({ tiersChanged: 1 });
    expect(await points()).toMatchObject({ tier: 'Silver' });
    // Silver earns 1.5 points per point.
    expect((await sell(1)).points).toEqual({ earned: 150, redeemed: 0 });
    const [found] = await as('shop1')('customers.find', { search: '0911234567' });
    expect(found).toMatchObject({ id: customerId, tier: 'Silver', points: { balance: 750 } });
  });
});

describe('redeeming points', () => {
  it('keeps earned points pending until pendingDays have passed', async () => {
    const { world, later, sell, points } = await loyalty();
    await sell(3);
    const early = await failure(sell(1, { redeem: { points: 100 } }));
    expect(early).toMatchObject({
      code: 'POINTS_NOT_AVAILABLE',
      field: 'redeem.points',
      details: { available: 0 },
    });
    await later(7 * DAY - 60_000);
    expect(await points()).toMatchObject({ available: 0, pending: 300 });
    await later(60_000);
    expect(await points()).toMatchObject({ available: 300, pending: 0 });
    const over = await failure(sell(1, { redeem: { points: 301 } }));
    expect(over).toMatchObject({ code: 'POINTS_NOT_AVAILABLE', details: { available: 300 } });
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });

  it('redeems part of a balance: points × the point value off, earning on what is paid', async () => {
    const { world, later, sell, points } = await loyalty();
    await sell(3);
    await later(8 * DAY);
    const sale = await sell(1, { redeem: { points: 120 } });
    expect(sale).toMatchObject({ rewardAmount: 1_200, total: PRICE - 1_200 });
    expect(sale.points).toEqual({ earned: 88, redeemed: 120 });
    expect(await points()).toMatchObject({ balance: 300 - 120 + 88, available: 180, pending: 88 });
    // Worth more than what is left to pay: refused, naming the field.
    const tooMuch = await failure(sell(1, { redeem: { points: 180 }, discount: 9_000 }));
    expect(tooMuch).toMatchObject({ code: 'VALIDATION' });
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });

  it('gives a reward’s product free for its points, only when it is in the sale', async () => {
    const { later, sell, points, X, Y } = await loyalty();
    await sell(1);
    await later(8 * DAY);
    const missing = await failure(sell(1, { redeem: { points: 1, rewardId: 'cup' } }));
    expect(missing).toMatchObject({ code: 'VALIDATION', field: 'redeem.rewardId' });
    const unknown = await failure(sell(1, { redeem: { points: 1, rewardId: 'mug' } }));
    expect(unknown).toMatchObject({ code: 'VALIDATION', field: 'redeem.rewardId' });
    const sale = await sell(1, {
      lines: [
        { variantId: X, quantity: 1 },
        { variantId: Y, quantity: 2 },
      ],
      redeem: { points: 1, rewardId: 'cup' },
    });
    expect(sale).toMatchObject({ rewardAmount: PRICE, total: 2 * PRICE });
    expect(sale.points).toMatchObject({ redeemed: 50 });
    expect(await points()).toMatchObject({ available: 50 });
  });
});

describe('returns and points', () => {
  it('takes back the points the returned lines earned, pending ones too', async () => {
    const { world, as, sell, points, X, Y } = await loyalty();
    const sale = await sell(1, {
      lines: [
        { variantId: X, quantity: 1 },
        { variantId: Y, quantity: 3 },
      ],
    });
    expect(sale.points?.earned).toBe(400);
    const back = await as('shop1')('sales.return', {
      saleId: sale.id,
      lines: [{ lineNo: 2, quantity: 2 }],
      refunds: [{ method: 'cash' }],
    });
    expect(back).toMatchObject({ amount: 2 * PRICE, pointsTakenBack: 200, pointsGivenBack: 0 });
    // Taken from the pending batch: nothing becomes spendable, nothing goes below zero.
    expect(await points()).toMatchObject({ balance: 200, pending: 200, available: 0 });
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });

  it('gives back the points the sale redeemed, in proportion, and all of them over several returns', async () => {
    const { world, as, later, sell, points, customerId, X, Y } = await loyalty();
    await sell(2);
    await later(8 * DAY);
    const sale = await sell(1, {
      lines: [
        { variantId: X, quantity: 1 },
        { variantId: Y, quantity: 2 },
      ],
      redeem: { points: 150 },
    });
    // 30,000 less 1,500 off: 28,500 paid, 285 points earned.
    expect(sale).toMatchObject({ total: 28_500, points: { earned: 285, redeemed: 150 } });
    const returns = [
      { lineNo: 2, quantity: 1 },
      { lineNo: 1, quantity: 1 },
      { lineNo: 2, quantity: 1 },
    ];
    const given = [];
    const taken = [];
    for (const line of returns) {
      const quote = await as('shop1')('sales.quoteReturn', { saleId: sale.id, lines: [line] });
      const r = await as('shop1')('sales.return', {
        saleId: sale.id,
        lines: [line],
        refunds: [{ method: 'cash' }],
      });
      expect(quote).toEqual({
        amount: r.amount,
        tax: r.tax,
        pointsTakenBack: r.pointsTakenBack,
        pointsGivenBack: r.pointsGivenBack,
      });
      given.push(r.pointsGivenBack);
      taken.push(r.pointsTakenBack);
    }
    expect(given).toEqual([50, 50, 50]);
    expect(taken.reduce((s, p) => s + p, 0)).toBe(285);
    // All back as before the sale: the first sale's 200 points.
    expect(await points()).toMatchObject({ balance: 200, available: 200, pending: 0 });
    const kinds = (await as('shop1')('loyalty.history', { customerId })).map((h) => h.kind);
    expect(kinds.filter((k) => k === 'return_redeemed')).toHaveLength(3);
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });
});

describe('expiry', () => {
  it('expires the oldest batches first, less what was spent from them', async () => {
    const { world, as, later, sell, points } = await loyalty({ expiryDays: 30, pendingDays: 0 });
    await sell(1); // day 0: 100 points, expire day 30
    await later(10 * DAY);
    await sell(2); // day 10: 200 points, expire day 40
    await later(10 * DAY);
    // day 20: 150 spent (charged to day 0's 100 and 50 of day 10's); 85 earned, expire day 50.
    expect(await sell(1, { redeem: { points: 150 } })).toMatchObject({ points: { earned: 85 } });
    await later(11 * DAY);
    expect(await as('admin')('loyalty.run', {})).toMatchObject({ expired: 0 });
    await later(10 * DAY);
    expect(await as('admin')('loyalty.run', {})).toMatchObject({
      expired: 150,
      customersExpired: 1,
    });
    expect(await points()).toMatchObject({ balance: 85 });
    // Running again expires nothing more.
    expect(await as('admin')('loyalty.run', {})).toMatchObject({ expired: 0 });
    await later(10 * DAY);
    expect(await as('admin')('loyalty.run', {})).toMatchObject({ expired: 85 });
    expect(await points()).toMatchObject({ balance: 0 });
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });

  /** The rule as a person states it: spends use the oldest batch first; what is left expires. */
  function fifo(steps: readonly Step[]): number[] {
    const batches: { points: number; expiresAt: number }[] = [];
    let debt = 0;
    const dues: number[] = [];
    for (const s of steps) {
      if (s.kind === 'earn') {
        const covered = Math.min(debt, s.points);
        debt -= covered;
        if (s.points > covered)
          batches.push({ points: s.points - covered, expiresAt: s.at + s.life });
      } else if (s.kind === 'spend') {
        let left = s.points;
        while (left > 0 && batches.length > 0) {
          const b = batches[0]!;
          const used = Math.min(b.points, left);
          b.points -= used;
          left -= used;
          if (b.points === 0) batches.shift();
        }
        debt += left;
      } else {
        let due = 0;
        while (batches.length > 0 && batches[0]!.expiresAt <= s.at) due += batches.shift()!.points;
        dues.push(due);
      }
    }
    return dues;
  }

  type Step =
    | { kind: 'earn'; at: number; points: number; life: number }
    | { kind: 'spend'; at: number; points: number }
    | { kind: 'run'; at: number };

  const steps = (life: number) =>
    fc
      .array(
        fc.oneof(
          fc.record({
            kind: fc.constant('earn' as const),
            gap: fc.nat(20),
            points: fc.integer({ min: 1, max: 500 }),
          }),
          fc.record({
            kind: fc.constant('spend' as const),
            gap: fc.nat(20),
            points: fc.integer({ min: 1, max: 500 }),
          }),
          fc.record({ kind: fc.constant('run' as const), gap: fc.nat(20) }),
        ),
        { maxLength: 40 },
      )
      .map((raw) => {
        let at = 0;
        return raw.map((r): Step => {
          at += r.gap;
          return r.kind === 'run'
            ? { kind: 'run', at }
            : r.kind === 'earn'
              ? { kind: 'earn', at, points: r.points, life }
              : { kind: 'spend', at, points: r.points };
        });
      });

  it('pointsToExpire agrees with a first-in-first-out model of batches, overdrawn or not', () => {
    const cases = fc.integer({ min: 1, max: 60 }).chain((life) => steps(life));
    fc.assert(
      fc.property(cases, (s) => {
        const ledger: Movement[] = [];
        const dues: number[] = [];
        for (const step of s) {
          if (step.kind === 'earn')
            ledger.push({ kind: 'earn', points: step.points, expiresAt: step.at + step.life });
          else if (step.kind === 'spend')
            ledger.push({ kind: 'redeem', points: -step.points, expiresAt: null });
          else {
            const due = pointsToExpire(ledger, step.at);
            dues.push(due);
            if (due > 0) ledger.push({ kind: 'expire', points: -due, expiresAt: null });
          }
        }
        expect(dues).toEqual(fifo(s));
      }),
      { numRuns: 500 },
    );
  });
});

describe('tiers over a rolling year', () => {
  it('go up with the year’s spend and down as old sales leave the window or come back', async () => {
    const { as, later, sell, points } = await loyalty();
    await sell(6);
    await as('admin')('loyalty.run', {});
    expect((await points()).tier).toBe('Silver');
    await later(200 * DAY);
    await sell(15);
    await as('admin')('loyalty.run', {});
    expect((await points()).tier).toBe('Gold');
    // A year after the first sale it leaves the window: 150,000 is Silver again.
    await later(166 * DAY);
    expect(await as('admin')('loyalty.run', {})).toMatchObject({ tiersChanged: 1 });
    expect((await points()).tier).toBe('Silver');
    // And a year after the second, Bronze.
    await later(200 * DAY);
    expect(await as('admin')('loyalty.run', {})).toMatchObject({ tiersChanged: 1 });
    expect((await points()).tier).toBe('Bronze');
    expect(await as('admin')('loyalty.run', {})).toMatchObject({ tiersChanged: 0 });
  });

  it('counts what came back: a return can take a tier away', async () => {
    const { as, sell, points } = await loyalty();
    const sale = await sell(6);
    await as('admin')('loyalty.run', {});
    expect((await points()).tier).toBe('Silver');
    await as('shop1')('sales.return', {
      saleId: sale.id,
      lines: [{ lineNo: 1, quantity: 2 }],
      refunds: [{ method: 'cash' }],
    });
    expect(await as('admin')('loyalty.run', {})).toMatchObject({ tiersChanged: 1 });
    expect((await points()).tier).toBe('Bronze');
  });
});

describe('an admin’s adjustment', () => {
  it('needs a reason and lands on the ledger with it', async () => {
    const { world, as, points, customerId } = await loyalty();
    const none = await failure(
      as('admin')('loyalty.adjust', { customerId, points: 50, reason: '' }),
    );
    expect(none).toMatchObject({ code: 'VALIDATION', field: 'reason' });
    const zero = await failure(
      as('admin')('loyalty.adjust', { customerId, points: 0, reason: 'x' }),
    );
    expect(zero).toMatchObject({ code: 'VALIDATION', field: 'points' });
    const clerk = await failure(
      as('shop1')('loyalty.adjust', { customerId, points: 50, reason: 'goodwill' }),
    );
    expect(clerk.code).toBe('FORBIDDEN');
    await as('admin')('loyalty.adjust', { customerId, points: 50, reason: 'goodwill' });
    await as('admin')('loyalty.adjust', { customerId, points: -20, reason: 'typo' });
    expect(await points()).toMatchObject({ balance: 30, available: 30 });
    const history = await as('admin')('loyalty.history', { customerId });
    expect(history.map((h) => [h.kind, h.points, h.note])).toEqual([
      ['adjust', -20, 'typo'],
      ['adjust', 50, 'goodwill'],
    ]);
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });
});

describe('an admin’s adjustment refused', () => {
  it('takes at most what the customer has available, and moves at most 10,000,000 points', async () => {
    const { world, as, points, customerId, sell, later } = await loyalty();
    const admin = as('admin');
    await admin('loyalty.adjust', { customerId, points: 30, reason: 'goodwill' });
    await sell(2); // 200 points earned, pending for 7 days
    await later(DAY);
    const before = stateHash(world.core.db);
    const tooMany = await failure(
      admin('loyalty.adjust', { customerId, points: -31, reason: 'typo' }),
    );
    expect(tooMany).toMatchObject({ code: 'VALIDATION', field: 'points' });
    expect(tooMany.message).toBe(
      'points: takes 31 points, but the customer has 30 available; take at most 30',
    );
    for (const huge of [10_000_001, -10_000_001, 1e15]) {
      const refused = await failure(
        admin('loyalty.adjust', { customerId, points: huge, reason: 'paste' }),
      );
      expect(refused).toMatchObject({ code: 'VALIDATION', field: 'points' });
      expect(refused.message).toBe('points: must be between -10,000,000 and 10,000,000 points');
    }
    expect(stateHash(world.core.db)).toBe(before);
    expect(await points()).toMatchObject({ balance: 230, available: 30, pending: 200 });
    await admin('loyalty.adjust', { customerId, points: -30, reason: 'typo' });
    const none = await failure(admin('loyalty.adjust', { customerId, points: -1, reason: 'x' }));
    expect(none).toMatchObject({ code: 'VALIDATION', field: 'points' });
    expect(none.message).toBe(
      'points: takes 1 points, but the customer has none available to take',
    );
    expect(await points()).toMatchObject({ balance: 200, available: 0 });
  });
});

describe('an admin’s program refused', () => {
  it('names the field of a duplicate reward id or tier spend, a control character, a huge point value or spend per point', async () => {
    const { world, as, Y, X } = await loyalty();
    const admin = as('admin');
    const saved = await admin('loyalty.program', {});
    const before = stateHash(world.core.db);
    const cases: [InputOf<'loyalty.saveProgram'>, string, string][] = [
      [
        {
          rewards: [
            { id: 'r1', name: 'Free cup', points: 10, variantId: Y },
            { id: 'r1', name: 'Free tee', points: 1, variantId: X },
          ],
        },
        'rewards.1.id',
        'rewards.1.id: r1 is used by another reward; give each reward its own id',
      ],
      [
        {
          tiers: [
            { name: 'A', minSpend: 0, rateBp: 10_000 },
            { name: 'B', minSpend: 0, rateBp: 100_000 },
          ],
        },
        'tiers.1.minSpend',
        "tiers.1.minSpend: is the same as tier A's; give each tier a different minimum spend",
      ],
      [
        { tiers: [{ name: 'A\u202E', minSpend: 0, rateBp: 10_000 }] },
        'tiers.0.name',
        'tiers.0.name: must not contain control characters (such as NUL or a right-to-left override)',
      ],
      [
        { rewards: [{ id: 'r2', name: 'Free\u0000', points: 10, variantId: Y }] },
        'rewards.0.name',
        'rewards.0.name: must not contain control characters (such as NUL or a right-to-left override)',
      ],
      [{ pointValue: 1e15 }, 'pointValue', 'pointValue: is too large'],
      [{ spendPerPoint: 1e13 }, 'spendPerPoint', 'spendPerPoint: is too large'],
      [
        { tiers: [{ name: 'A', minSpend: 1e13, rateBp: 10_000 }] },
        'tiers.0.minSpend',
        'tiers.0.minSpend: is too large',
      ],
    ];
    for (const [input, field, message] of cases) {
      const refused = await failure(admin('loyalty.saveProgram', input));
      expect(refused).toMatchObject({ code: 'VALIDATION', field });
      expect(refused.message).toBe(message);
    }
    expect(stateHash(world.core.db)).toBe(before);
    expect(await admin('loyalty.program', {})).toEqual(saved);
  });

  it('still reads a program saved before the rules, as it arrives from the log', async () => {
    const { world, as, Y } = await loyalty();
    const tiers = [
      { name: 'A\u202E', minSpend: 0, rateBp: 10_000 },
      { name: 'B', minSpend: 0, rateBp: 20_000 },
    ];
    const rewards = [
      { id: 'r1', name: 'Free\u0000', points: 10, variantId: Y },
      { id: 'r1', name: 'Other', points: 5, variantId: Y },
    ];
    pulled(world, 'loyalty.program_saved', 'default', {
      id: 'default',
      pointValue: 1e15,
      tiers: JSON.stringify(tiers),
      rewards: JSON.stringify(rewards),
    });
    expect(await as('admin')('loyalty.program', {})).toMatchObject({
      pointValue: 1e15,
      tiers,
      rewards,
    });
  });
});

describe('duplicates and overdrawn balances after sync', () => {
  it('lists the same phone created at two shops and merges them, lookups and points following', async () => {
    const { world, as, later, sell, customerId } = await loyalty();
    await sell(2);
    // Shop 2's PC added the same phone, written its own way, while offline.
    const twin = newId(Date.now());
    pulled(world, 'customer.saved', twin, {
      id: twin,
      branchId: world.branch.SH02,
      name: 'Almaz B.',
      phone: '0911-234-567',
    });
    pulled(world, 'loyalty.adjusted', twin, {
      customerId: twin,
      points: 40,
      reason: 'welcome',
      expiresAt: null,
    });
    const dupes = await as('admin')('customers.duplicates', {});
    expect(dupes).toHaveLength(1);
    expect(dupes[0]!.customers.map((c) => c.id).sort()).toEqual([customerId, twin].sort());
    expect(await as('shop1')('customers.find', { search: '911234567' })).toHaveLength(2);

    const merged = await as('admin')('customers.merge', { fromId: twin, intoId: customerId });
    expect(merged).toMatchObject({ id: customerId, balance: 240 });
    expect(await as('admin')('customers.duplicates', {})).toEqual([]);
    const found = await as('shop1')('customers.find', { search: '0911 234 567' });
    expect(found.map((c) => c.id)).toEqual([customerId]);
    // Either id leads to the one account.
    const viaTwin = await as('shop1')('loyalty.points', { customerId: twin });
    expect(viaTwin).toMatchObject({ customerId, balance: 240 });
    await later(8 * DAY);
    const sale = await as('shop1')('sales.record', {
      customerId: twin,
      lines: [{ variantId: world.variant['TS-WHT-M']!, quantity: 1 }],
      redeem: { points: 240 },
      payments: [{ method: 'cash' }],
    });
    expect(sale.points).toMatchObject({ redeemed: 240 });
    const again = await failure(
      as('admin')('customers.merge', { fromId: twin, intoId: customerId }),
    );
    expect(again).toMatchObject({ code: 'INVALID_STATE', field: 'intoId' });
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });

  it('reports a balance two shops overdrew while offline, without correcting it', async () => {
    const { world, as, later, sell, points, customerId, X } = await loyalty();
    await sell(1);
    await later(8 * DAY);
    await sell(1, { redeem: { points: 100 } });
    // Shop 2 redeemed the same 100 points offline; its sale arrives now.
    const saleId = newId(Date.now());
    pulled(world, 'sale.recorded', saleId, {
      saleId,
      number: 'SH02-T-000001',
      branchId: world.branch.SH02,
      customerId,
      lines: [
        {
          lineNo: 1,
          variantId: X,
          quantity: 1,
          unitPrice: PRICE,
          discount: 1_000,
          taxRateBp: 0,
          tax: 0,
        },
      ],
      payments: [{ method: 'cash', amount: PRICE - 1_000, tendered: null, reference: null }],
      pricesIncludeTax: true,
      discount: 0,
      rewardAmount: 1_000,
      approvedBy: null,
      shiftId: null,
      loyalty: {
        tier: 'Bronze',
        earned: 0,
        availableAt: Date.now(),
        expiresAt: null,
        redeemed: 100,
        rewardId: null,
      },
    });
    // 100 earned, 200 redeemed, 90 earned on the first redemption (still pending).
    expect(await points()).toMatchObject({ balance: -10, pending: 90, available: -100 });
    expect(await as('admin')('loyalty.overdrawn', {})).toEqual([
      { customerId, name: 'Almaz Bekele', phone: '+251 911 234 567', points: -10 },
    ]);
    const refused = await failure(sell(1, { redeem: { points: 1 } }));
    expect(refused).toMatchObject({ code: 'POINTS_NOT_AVAILABLE', details: { available: 0 } });
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });
});
