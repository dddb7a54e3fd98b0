import { asc } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows, parseRow } from '../db/rows';
import { stockBalances } from '../db/schema';
import { ledgerMismatches, stateHash } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { EVENT_SCHEMA_VERSION } from '../events/define';
import { applyEvent } from '../events/emit';
import { formatHlc } from '../hlc';
import { newId } from '../ids';
import type { Balance } from './ledger';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

const balance = (world: DemoWorld, branchId: string, variantId: string) =>
  world.as('admin')('stock.balance', { branchId, variantId });

const plus = (b: Balance, d: Partial<Omit<Balance, 'available'>>): Balance => {
  const onHand = b.onHand + (d.onHand ?? 0);
  const reserved = b.reserved + (d.reserved ?? 0);
  return {
    onHand,
    reserved,
    inTransit: b.inTransit + (d.inTransit ?? 0),
    available: onHand - reserved,
  };
};

const ledgerSum = z.object({
  branchId: z.string(),
  variantId: z.string(),
  onHand: z.number(),
  reserved: z.number(),
  inTransit: z.number(),
});

/** The balances as the movement ledger alone says they are. */
// Raw SQL: drizzle's sum() answers a string; the ledger's sums are whole numbers.
const ledgerSums = (world: DemoWorld) =>
  parseRows(
    ledgerSum,
    world.core.db.sqlite
      .prepare(
        `SELECT branch_id AS branchId, variant_id AS variantId, sum(on_hand) AS onHand,
              sum(reserved) AS reserved, sum(in_transit) AS inTransit
       FROM stock_movements GROUP BY branch_id, variant_id ORDER BY branch_id, variant_id`,
      )
      .all(),
  );

describe('stock.adjust', () => {
  it('requires a reason', async () => {
    const world = await openDemo();
    const input = {
      branchId: world.branch.SH01,
      variantId: world.variant['TS-WHT-M'] ?? '',
      quantity: 2,
    };
    for (const reason of [undefined, '', '   ']) {
      const error = await failure(
        world.as('shop1')('stock.adjust', { ...input, reason: reason as string }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('reason');
    }
    const zero = await failure(
      world.as('shop1')('stock.adjust', { ...input, quantity: 0, reason: 'count' }),
    );
    expect([zero.code, zero.field]).toEqual(['VALIDATION', 'quantity']);
  });

  it('adds and takes off stock, recording the reason in the ledger', async () => {
    const world = await openDemo();
    const [branchId, variantId] = [world.branch.SH01, world.variant['CUP-SML'] ?? ''];
    const before = await balance(world, branchId, variantId);
    const after = await world.as('shop1')('stock.adjust', {
      variantId,
      quantity: -4,
      reason: 'Broken in transport',
    });
    expect(after).toEqual(plus(before, { onHand: -4 }));
    expect(await balance(world, branchId, variantId)).toEqual(after);
    const [latest] = await world.as('shop1')('stock.movements', { branchId, variantId, limit: 1 });
    expect(latest).toMatchObject({ kind: 'adjustment', onHand: -4, reason: 'Broken in transport' });
  });

  it('refuses to take off more than is on hand, and writes nothing', async () => {
    const world = await openDemo();
    const [branchId, variantId] = [world.branch.SH01, world.variant['TS-WHT-M'] ?? ''];
    const { onHand } = await balance(world, branchId, variantId);
    const before = stateHash(world.core.db);
    const error = await failure(
      world.as('shop1')('stock.adjust', {
        branchId,
        variantId,
        quantity: -(onHand + 1),
        reason: 'Stolen',
      }),
    );
    expect(error.code).toBe('INSUFFICIENT_STOCK');
    expect(error.field).toBe('quantity');
    expect(error.details['onHand']).toBe(onHand);
    expect(stateHash(world.core.db)).toBe(before);
    // Exactly what is on hand may be taken off.
    const emptied = await world.as('shop1')('stock.adjust', {
      branchId,
      variantId,
      quantity: -onHand,
      reason: 'Stolen',
    });
    expect(emptied.onHand).toBe(0);
  });

  it('is FORBIDDEN to a shop clerk for another branch', async () => {
    const world = await openDemo();
    const before = stateHash(world.core.db);
    const error = await failure(
      world.as('shop1')('stock.adjust', {
        branchId: world.branch.SH02,
        variantId: world.variant['TS-WHT-M'] ?? '',
        quantity: 5,
        reason: 'found',
      }),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(stateHash(world.core.db)).toBe(before);
  });
});

describe('stock.transfer', () => {
  it('takes stock off the sender and shows it in transit at the receiver until received there', async () => {
    const world = await openDemo();
    const variantId = world.variant['TS-WHT-L'] ?? '';
    const [fac, shop] = [world.branch.FAC, world.branch.SH02];
    const fromBefore = await balance(world, fac, variantId);
    const toBefore = await balance(world, shop, variantId);
    const sent = await world.as('factory')('stock.transfer', {
      fromBranchId: fac,
      toBranchId: shop,
      variantId,
      quantity: 12,
    });
    expect(sent).toMatchObject(plus(fromBefore, { onHand: -12 }));
    expect(await balance(world, shop, variantId)).toEqual(plus(toBefore, { inTransit: 12 }));
    const [listed] = await world.as('shop2')('stock.transfers', { branchId: shop });
    expect(listed).toMatchObject({ id: sent.transferId, status: 'in_transit', quantity: 12 });

    // Only someone at the receiving branch receives it, and only once.
    const elsewhere = await failure(
      world.as('shop1')('stock.receiveTransfer', { transferId: sent.transferId, received: 12 }),
    );
    expect(elsewhere.code).toBe('FORBIDDEN');
    const short = await failure(
      world.as('shop2')('stock.receiveTransfer', { transferId: sent.transferId, received: 10 }),
    );
    expect([short.code, short.field]).toEqual(['VALIDATION', 'note']);
    await world.as('shop2')('stock.receiveTransfer', {
      transferId: sent.transferId,
      received: 10,
      note: 'Two missing from the box',
    });
    expect(await balance(world, shop, variantId)).toEqual(plus(toBefore, { onHand: 10 }));
    expect(await balance(world, fac, variantId)).toEqual(plus(fromBefore, { onHand: -12 }));
    const again = await failure(
      world.as('shop2')('stock.receiveTransfer', { transferId: sent.transferId, received: 10 }),
    );
    expect([again.code, again.field]).toEqual(['INVALID_STATE', 'transferId']);
    const [done] = await world.as('shop2')('stock.transfers', { branchId: shop });
    expect(done).toMatchObject({ status: 'received', quantity: 12, received: 10 });
    expect(ledgerMismatches(world.core.db)).toEqual([]);
  });

  it('refuses to receive more than was sent, with nothing written; a shortfall still needs only a note', async () => {
    const world = await openDemo();
    const variantId = world.variant['CUP-SML'] ?? '';
    const shop = world.branch.SH02;
    const toBefore = await balance(world, shop, variantId);
    const sent = await world.as('shop1')('stock.transfer', {
      fromBranchId: world.branch.SH01,
      toBranchId: shop,
      variantId,
      quantity: 5,
    });
    const before = stateHash(world.core.db);
    for (const note of [null, 'a spare box came along'] as const) {
      const over = await failure(
        world.as('shop2')('stock.receiveTransfer', {
          transferId: sent.transferId,
          received: 5000,
          note,
        }),
      );
      expect(over).toMatchObject({ code: 'VALIDATION', field: 'received' });
      expect(over.message).toBe(
        'received: only 5 were sent, so at most 5 can be received; count in anything beyond that with a stock adjustment (or a stock count)',
      );
    }
    expect(stateHash(world.core.db)).toBe(before);
    await world.as('shop2')('stock.receiveTransfer', {
      transferId: sent.transferId,
      received: 4,
      note: 'One broke on the way',
    });
    expect(await balance(world, shop, variantId)).toEqual(plus(toBefore, { onHand: 4 }));
    expect(ledgerMismatches(world.core.db)).toEqual([]);
  });

  it('refuses, as a conflict, a receipt pushed for another branch', async () => {
    const world = await openDemo();
    const variantId = world.variant['CUP-SML'] ?? '';
    const sent = await world.as('factory')('stock.transfer', {
      fromBranchId: world.branch.FAC,
      toBranchId: world.branch.SH01,
      variantId,
      quantity: 3,
    });
    const before = stateHash(world.core.db);
    const forged = {
      ...envelope(world, 'stock.transfer_received', sent.transferId),
      payload: {
        transferId: sent.transferId,
        toBranchId: world.branch.SH02,
        received: 3,
        note: null,
      },
    };
    expect(() =>
      world.core.db.sqlite.transaction(() => applyEvent(world.core.db, forged))(),
    ).toThrow(/received there/);
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('refuses more than is available, the same branch twice, and a head office', async () => {
    const world = await openDemo();
    const variantId = world.variant['CUP-LRG'] ?? '';
    const { available } = await balance(world, world.branch.FAC, variantId);
    const before = stateHash(world.core.db);
    const base = { fromBranchId: world.branch.FAC, toBranchId: world.branch.SH01, variantId };
    const tooMany = await failure(
      world.as('factory')('stock.transfer', { ...base, quantity: available + 1 }),
    );
    expect([tooMany.code, tooMany.field]).toEqual(['INSUFFICIENT_STOCK', 'quantity']);
    const same = await failure(
      world.as('factory')('stock.transfer', { ...base, toBranchId: world.branch.FAC, quantity: 1 }),
    );
    expect([same.code, same.field]).toEqual(['VALIDATION', 'toBranchId']);
    const hq = await failure(
      world.as('factory')('stock.transfer', { ...base, toBranchId: world.branch.HQ, quantity: 1 }),
    );
    expect([hq.code, hq.field]).toEqual(['VALIDATION', 'toBranchId']);
    expect(
      (await failure(world.as('shop1')('stock.transfer', { ...base, quantity: 1 }))).code,
    ).toBe('FORBIDDEN');
    expect(stateHash(world.core.db)).toBe(before);
  });
});

const envelope = (world: DemoWorld, type: string, aggregateId: string) => ({
  id: newId(),
  type,
  schemaVersion: EVENT_SCHEMA_VERSION,
  branchId: world.branch.SH02,
  deviceId: 'other-pc',
  userId: 'someone',
  hlc: formatHlc({ wall: Date.now(), counter: 0, node: 'other-pc' }),
  createdAt: Date.now(),
  aggregateId,
});

describe('stock counts', () => {
  const cupAt = async (world: DemoWorld) => {
    const variantId = world.variant['CUP-SML'] ?? '';
    return { variantId, ...(await balance(world, world.branch.SH01, variantId)) };
  };

  it('posts the variance against what was expected when counted, as ledger movements', async () => {
    const world = await openDemo();
    const { variantId, onHand } = await cupAt(world);
    const { countId } = await world.as('shop1')('stock.startCount', { category: 'Ceramics' });
    const sheet = await world.as('shop1')('stock.countSheet', { countId });
    expect(sheet.ownedHere).toBe(true);
    expect(sheet.lines.every((l) => l.sku.startsWith('CUP'))).toBe(true);
    const expected = sheet.lines.find((l) => l.variantId === variantId)?.onHand;
    expect(expected).toBe(onHand);
    // A sale while counting: the count's difference is still taken from the count-time figure.
    await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId, quantity: 2 }],
    });
    await world.as('shop1')('stock.postCount', {
      countId,
      counterName: 'Abebe',
      lines: [{ variantId, expected: onHand, counted: onHand - 3 }],
    });
    expect((await cupAt(world)).onHand).toBe(onHand - 2 - 3);
    const [latest] = await world.as('shop1')('stock.movements', {
      branchId: world.branch.SH01,
      variantId,
      limit: 1,
    });
    expect(latest).toMatchObject({
      kind: 'adjustment',
      onHand: -3,
      reason: 'Stock count by Abebe',
    });
    const again = await failure(
      world.as('shop1')('stock.postCount', {
        countId,
        counterName: 'Abebe',
        lines: [{ variantId, expected: onHand, counted: onHand - 3 }],
      }),
    );
    expect([again.code, again.field]).toEqual(['INVALID_STATE', 'countId']);
    expect(ledgerMismatches(world.core.db)).toEqual([]);
  });

  it('refuses a post without a counter, lines, or from another branch', async () => {
    const world = await openDemo();
    const { variantId, onHand } = await cupAt(world);
    const { countId } = await world.as('shop1')('stock.startCount', {});
    const before = stateHash(world.core.db);
    const line = { variantId, expected: onHand, counted: 1 };
    const noName = await failure(
      world.as('shop1')('stock.postCount', { countId, counterName: ' ', lines: [line] }),
    );
    expect([noName.code, noName.field]).toEqual(['VALIDATION', 'counterName']);
    const noLines = await failure(
      world.as('shop1')('stock.postCount', { countId, counterName: 'A', lines: [] }),
    );
    expect([noLines.code, noLines.field]).toEqual(['VALIDATION', 'lines']);
    const twice = await failure(
      world.as('shop1')('stock.postCount', { countId, counterName: 'A', lines: [line, line] }),
    );
    expect([twice.code, twice.field]).toEqual(['VALIDATION', 'lines']);
    const other = await failure(
      world.as('shop2')('stock.postCount', { countId, counterName: 'A', lines: [line] }),
    );
    expect(other.code).toBe('FORBIDDEN');
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('refuses an expected figure beyond any on hand, with nothing written; a negative one posts', async () => {
    const world = await openDemo();
    const { variantId, onHand } = await cupAt(world);
    const { countId } = await world.as('shop1')('stock.startCount', {});
    const before = stateHash(world.core.db);
    const post = (expected: number) =>
      world.as('shop1')('stock.postCount', {
        countId,
        counterName: 'A',
        lines: [{ variantId, expected, counted: 0 }],
      });
    const low = await failure(post(-1e15));
    expect(low).toMatchObject({ code: 'VALIDATION', field: 'lines.0.expected' });
    expect(low.message).toBe(
      'lines.0.expected: is too far below 0; enter what the count sheet showed on hand',
    );
    const high = await failure(post(10_000_001));
    expect(high).toMatchObject({ code: 'VALIDATION', field: 'lines.0.expected' });
    expect(high.message).toBe(
      'lines.0.expected: is too large; enter what the count sheet showed on hand',
    );
    expect(stateHash(world.core.db)).toBe(before);
    // On hand below 0 after a merge is a real figure: counting none where it showed -3 adds 3.
    await post(-3);
    expect((await cupAt(world)).onHand).toBe(onHand + 3);
    expect(ledgerMismatches(world.core.db)).toEqual([]);
  });

  it('never posts two overlapping counts of a variant twice: the later is held for an admin', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.boolean(),
        // Each step a millisecond apart, or all in one millisecond (a fast PC, a coarse clock).
        fc.boolean(),
        async (a, b, useHeld, oneInstant) => {
          let now = Date.parse('2026-11-02T08:00:00Z');
          const tick = () => (now += oneInstant ? 0 : 1);
          const world = await openDemo({ now: () => now });
          const { variantId, onHand } = await cupAt(world);
          const first = await world.as('shop1')('stock.startCount', {});
          tick();
          const second = await world.as('shop1')('stock.startCount', {});
          tick();
          const post = (countId: string, counted: number, counterName: string) =>
            world.as('shop1')('stock.postCount', {
              countId,
              counterName,
              lines: [{ variantId, expected: onHand, counted }],
            });
          await post(first.countId, a, 'Abebe');
          tick();
          await post(second.countId, b, 'Sara');
          expect((await cupAt(world)).onHand).toBe(a);
          const [held, ...more] = await world.as('admin')('stock.heldCounts', {});
          expect(more).toEqual([]);
          expect(held).toMatchObject({
            countId: second.countId,
            otherCountId: first.countId,
            counted: b,
            otherCounted: a,
            counterName: 'Sara',
          });
          const notAdmin = await failure(
            world.as('shop1')('stock.chooseCount', {
              countId: second.countId,
              variantId,
              useHeld,
              note: 'x',
            }),
          );
          expect(notAdmin.code).toBe('FORBIDDEN');
          await world.as('admin')('stock.chooseCount', {
            countId: second.countId,
            variantId,
            useHeld,
            note: 'Recounted together',
          });
          expect((await cupAt(world)).onHand).toBe(useHeld ? b : a);
          expect(await world.as('admin')('stock.heldCounts', {})).toEqual([]);
          // A count started after the first was posted does not overlap it.
          now += 1;
          const later = await world.as('shop1')('stock.startCount', {});
          await post(later.countId, 5, 'Abebe');
          expect((await cupAt(world)).onHand).toBe((useHeld ? b : a) + 5 - onHand);
          expect(ledgerMismatches(world.core.db)).toEqual([]);
          world.core.close();
        },
      ),
      {
        numRuns: 6,
        examples: [
          [0, 0, true, true],
          [3, 7, false, true],
        ],
      },
    );
  });
});

describe('the ledger', () => {
  it('keeps every balance equal to the sum of its movements through a mixed day', async () => {
    const world = await openDemo();
    const { FAC, SH01, SH02 } = world.branch;
    const [X, Y, Z] = [
      world.variant['TS-WHT-M'] ?? '',
      world.variant['CUP-SML'] ?? '',
      world.variant['TR-NVY-32'] ?? '',
    ];
    const pairs = [FAC, SH01, SH02].flatMap((b) => [X, Y, Z].map((v) => [b, v] as const));
    const start = new Map<string, Balance>();
    for (const [b, v] of pairs) start.set(`${b}/${v}`, await balance(world, b, v));
    const at = (b: string, v: string) =>
      start.get(`${b}/${v}`) ?? plus({ onHand: 0, reserved: 0, inTransit: 0, available: 0 }, {});

    await world.as('factory')('production.record', {
      variantId: X,
      quantity: 30,
      producedOn: '2026-11-20',
    });
    const batch = await world.as('factory')('production.record', {
      variantId: Y,
      quantity: 10,
      producedOn: '2026-11-20',
    });
    await world.as('factory')('production.record', {
      variantId: Z,
      quantity: 6,
      producedOn: '2026-11-20',
    });
    await world.as('factory')('production.reverse', { batchId: batch.id, reason: 'Counted twice' });
    await world.as('shop1')('stock.adjust', { variantId: X, quantity: -3, reason: 'Damaged' });
    await world.as('shop2')('stock.adjust', {
      variantId: Y,
      quantity: 7,
      reason: 'Found in storeroom',
    });
    const sent = await world.as('factory')('stock.transfer', {
      fromBranchId: FAC,
      toBranchId: SH02,
      variantId: X,
      quantity: 12,
    });
    await world.as('shop2')('stock.receiveTransfer', { transferId: sent.transferId, received: 12 });
    const kept = await world.as('shop1')('orders.place', {
      lines: [
        { variantId: X, quantity: 5 },
        { variantId: Y, quantity: 4 },
      ],
    });
    const dropped = await world.as('shop1')('orders.place', {
      lines: [{ variantId: Z, quantity: 2 }],
    });
    await world.as('shop1')('orders.cancel', { orderId: dropped.id, reason: 'Ordered by mistake' });
    await world.as('shop1')('orders.attachSlip', {
      orderId: kept.id,
      fileName: 'slip.jpg',
      contentBase64: JPEG.toString('base64'),
    });
    await world.as('finance')('orders.verifyPayment', { orderId: kept.id, amount: kept.total });
    await world.as('factory')('orders.dispatch', {
      orderId: kept.id,
      vehicle: 'AA 3-12345',
      lines: [
        { lineNo: 1, quantity: 5 },
        { lineNo: 2, quantity: 3 },
      ],
    });
    await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: X, quantity: 2 }],
    });
    await world.as('shop2')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [
        { variantId: Y, quantity: 1 },
        { variantId: X, quantity: 4 },
      ],
    });

    const expected = new Map<string, Balance>([
      [`${FAC}/${X}`, plus(at(FAC, X), { onHand: 30 - 12 - 5 })],
      // The one cup not dispatched stays reserved as a backorder.
      [`${FAC}/${Y}`, plus(at(FAC, Y), { onHand: 10 - 10 - 3, reserved: 1 })],
      [`${FAC}/${Z}`, plus(at(FAC, Z), { onHand: 6 })],
      [`${SH01}/${X}`, plus(at(SH01, X), { onHand: -3 - 2, inTransit: 5 })],
      [`${SH01}/${Y}`, plus(at(SH01, Y), { inTransit: 3 })],
      [`${SH01}/${Z}`, at(SH01, Z)],
      [`${SH02}/${X}`, plus(at(SH02, X), { onHand: 12 - 4 })],
      [`${SH02}/${Y}`, plus(at(SH02, Y), { onHand: 7 - 1 })],
      [`${SH02}/${Z}`, at(SH02, Z)],
    ]);
    for (const [b, v] of pairs)
      expect(await balance(world, b, v), `${b}/${v}`).toEqual(expected.get(`${b}/${v}`));

    expect(ledgerMismatches(world.core.db)).toEqual([]);
    const stored = world.core.db.orm
      .select()
      .from(stockBalances)
      .orderBy(asc(stockBalances.branchId), asc(stockBalances.variantId))
      .all();
    expect(stored).toEqual(ledgerSums(world));
    // What people see in the stock list is the same sum.
    for (const branchId of [FAC, SH01, SH02]) {
      const listed = await world.as('admin')('stock.list', { branchId, limit: 500 });
      for (const row of listed) {
        const sum = ledgerSums(world).find(
          (s) => s.branchId === branchId && s.variantId === row.variantId,
        );
        const onHand = sum?.onHand ?? 0;
        const reserved = sum?.reserved ?? 0;
        expect(row, `${branchId}/${row.sku}`).toMatchObject({
          onHand,
          reserved,
          available: onHand - reserved,
          inTransit: sum?.inTransit ?? 0,
        });
      }
    }
  });

  it('notices a balance that no longer matches its ledger', async () => {
    const world = await openDemo();
    expect(ledgerMismatches(world.core.db)).toEqual([]);
    world.core.db.sqlite
      .prepare(
        'UPDATE stock_balances SET on_hand = on_hand + 1 WHERE branch_id = ? AND variant_id = ?',
      )
      .run(world.branch.SH01, world.variant['CUP-LRG']);
    expect(ledgerMismatches(world.core.db)).toEqual([
      { branchId: world.branch.SH01, variantId: world.variant['CUP-LRG'] },
    ]);
  });

  it('refuses to update or delete a movement', async () => {
    const world = await openDemo();
    const db = world.core.db.sqlite;
    const count = () =>
      parseRow(
        z.object({ n: z.number(), s: z.number() }),
        db.prepare('SELECT count(*) AS n, sum(on_hand) AS s FROM stock_movements').get(),
      )!;
    const before = count();
    expect(before.n).toBeGreaterThan(0);
    expect(() => db.prepare('UPDATE stock_movements SET on_hand = on_hand + 100').run()).toThrow(
      /append-only/,
    );
    expect(() =>
      db
        .prepare(
          'UPDATE stock_movements SET reason = ? WHERE id = (SELECT min(id) FROM stock_movements)',
        )
        .run('x'),
    ).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM stock_movements').run()).toThrow(/append-only/);
    expect(count()).toEqual(before);
    expect(ledgerMismatches(world.core.db)).toEqual([]);
  });
});

describe('low stock', () => {
  const lowListMatches = async (world: DemoWorld, branchId: string) => {
    const all = await world.as('admin')('stock.list', { branchId, limit: 500 });
    const low = await world.as('admin')('stock.list', { branchId, lowOnly: true, limit: 500 });
    const expected = all.filter((r) => r.available < r.minStock).map((r) => r.variantId);
    expect(low.map((r) => r.variantId).sort()).toEqual(expected.sort());
    expect(low.every((r) => r.low === 1)).toBe(true);
    expect(
      all
        .filter((r) => r.low === 1)
        .map((r) => r.variantId)
        .sort(),
    ).toEqual(expected.sort());
    return { all, low };
  };

  it('lists exactly the variants whose available stock is under their minimum', async () => {
    const world = await openDemo();
    const [X, L] = [world.variant['TS-WHT-M'] ?? '', world.variant['TS-WHT-L'] ?? ''];
    const before = await lowListMatches(world, world.branch.SH01);
    // The demo shops hold exactly their minimum: not low.
    expect(before.all.find((r) => r.variantId === X)).toMatchObject({
      available: 20,
      minStock: 20,
    });
    expect(before.low.map((r) => r.variantId)).not.toContain(X);

    await world.as('shop1')('sales.record', {
      payments: [{ method: 'cash' }],
      lines: [{ variantId: X, quantity: 1 }],
    });
    const afterSale = await lowListMatches(world, world.branch.SH01);
    expect(afterSale.low.map((r) => r.variantId)).toContain(X);

    // Reserved stock is not available: a big order makes the factory low.
    const factoryBefore = await lowListMatches(world, world.branch.FAC);
    expect(factoryBefore.low.map((r) => r.variantId)).not.toContain(L);
    const { available, minStock } = factoryBefore.all.find((r) => r.variantId === L) ?? {
      available: 0,
      minStock: 0,
    };
    await world.as('shop1')('orders.place', {
      lines: [{ variantId: L, quantity: available - minStock + 1 }],
    });
    const factoryAfter = await lowListMatches(world, world.branch.FAC);
    expect(factoryAfter.low.map((r) => r.variantId)).toContain(L);
    expect(factoryAfter.low.length).toBeLessThan(factoryAfter.all.length);

    await lowListMatches(world, world.branch.SH02);
  });
});
