// Returns at the counter on a real database: whole and partial, the stock back in the ledger of
// the shop that takes it, money back only by methods the sale used and adding up exactly, and
// never more than was sold; several partial returns add up to the line to the minor unit.
import { describe, expect, it } from 'vitest';
import { pointsMismatches, stateHash } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';

const PRICE = 10_000;

async function shop() {
  const world = await openDemo();
  const X = world.variant['TS-WHT-M']!;
  const Y = world.variant['CUP-SML']!;
  for (const id of [X, Y]) {
    await world.as('admin')('catalog.updateVariant', { id, price: PRICE, confirmBelowCost: true });
    await world.as('shop1')('stock.adjust', { variantId: id, quantity: 100, reason: 'count' });
  }
  return { world, X, Y, clerk: world.as('shop1') };
}

const onHand = async (world: DemoWorld, branchId: string, variantId: string) =>
  (await world.as('admin')('stock.balance', { branchId, variantId })).onHand;

describe('a return', () => {
  it('takes a whole sale back: all its money, all its stock', async () => {
    const { world, X, Y, clerk } = await shop();
    const sale = await clerk('sales.record', {
      lines: [
        { variantId: X, quantity: 2 },
        { variantId: Y, quantity: 1 },
      ],
      payments: [{ method: 'card' }],
    });
    const before = await onHand(world, world.branch.SH01, X);
    const found = await clerk('sales.findForReturn', { number: sale.number });
    expect(found).toMatchObject({ id: sale.id, methods: ['card'], total: 3 * PRICE });
    expect(found.lines.map((l) => [l.lineNo, l.quantity, l.returned])).toEqual([
      [1, 2, 0],
      [2, 1, 0],
    ]);
    const back = await clerk('sales.return', {
      saleId: sale.id,
      lines: [
        { lineNo: 1, quantity: 2 },
        { lineNo: 2, quantity: 1 },
      ],
      refunds: [{ method: 'card' }],
      reason: 'changed mind',
    });
    expect(back).toMatchObject({
      amount: 3 * PRICE,
      refunds: [{ method: 'card', amount: 3 * PRICE }],
    });
    expect(await onHand(world, world.branch.SH01, X)).toBe(before + 2);
    const [movement] = await world.as('admin')('stock.movements', {
      branchId: world.branch.SH01,
      variantId: X,
      limit: 1,
    });
    expect(movement).toMatchObject({ kind: 'return', onHand: 2 });
    const again = await clerk('sales.findForReturn', { number: sale.number });
    expect(again.lines.map((l) => l.returned)).toEqual([2, 1]);
  });

  it('puts the goods back in the ledger of the shop that takes them', async () => {
    const { world, X, clerk } = await shop();
    const sale = await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 3 }],
      payments: [{ method: 'cash' }],
    });
    const at = {
      SH01: await onHand(world, world.branch.SH01, X),
      SH02: await onHand(world, world.branch.SH02, X),
    };
    await world.as('admin')('sales.return', {
      saleId: sale.id,
      branchId: world.branch.SH02,
      lines: [{ lineNo: 1, quantity: 1 }],
      refunds: [{ method: 'cash' }],
    });
    expect(await onHand(world, world.branch.SH02, X)).toBe(at.SH02 + 1);
    expect(await onHand(world, world.branch.SH01, X)).toBe(at.SH01);
  });

  it('refunds only by methods the sale was paid by, adding up exactly', async () => {
    const { world, X, clerk } = await shop();
    const sale = await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 2 }],
      payments: [
        { method: 'cash', amount: 5_000 },
        { method: 'mobile_money', reference: 'TB-1' },
      ],
    });
    const before = stateHash(world.core.db);
    const lines = [{ lineNo: 1, quantity: 1 }];
    const card = await failure(
      clerk('sales.return', { saleId: sale.id, lines, refunds: [{ method: 'card' }] }),
    );
    expect(card).toMatchObject({ code: 'REFUND_METHOD_NOT_USED', field: 'refunds.0.method' });
    expect(card.details.used).toEqual(expect.arrayContaining(['cash', 'mobile_money']));
    expect(card.message).toContain('mobile money');
    const short = await failure(
      clerk('sales.return', {
        saleId: sale.id,
        lines,
        refunds: [{ method: 'cash', amount: 9_999 }],
      }),
    );
    expect(short).toMatchObject({ code: 'VALIDATION', field: 'refunds.0.amount' });
    const overRest = await failure(
      clerk('sales.return', {
        saleId: sale.id,
        lines,
        refunds: [
          { method: 'cash', amount: PRICE },
          { method: 'mobile_money', reference: 'R' },
        ],
      }),
    );
    expect(overRest).toMatchObject({ code: 'VALIDATION', field: 'refunds.1.amount' });
    const none = await failure(clerk('sales.return', { saleId: sale.id, lines, refunds: [] }));
    expect(none).toMatchObject({ code: 'VALIDATION', field: 'refunds' });
    const noReference = await failure(
      clerk('sales.return', { saleId: sale.id, lines, refunds: [{ method: 'mobile_money' }] }),
    );
    expect(noReference).toMatchObject({ code: 'VALIDATION', field: 'refunds.0.reference' });
    expect(stateHash(world.core.db)).toBe(before);
    const split = await clerk('sales.return', {
      saleId: sale.id,
      lines,
      refunds: [
        { method: 'cash', amount: 4_000 },
        { method: 'mobile_money', reference: 'TB-R1' },
      ],
    });
    expect(split.refunds).toEqual([
      { method: 'cash', amount: 4_000, reference: null },
      { method: 'mobile_money', amount: 6_000, reference: 'TB-R1' },
    ]);
  });

  it('refunds no method more than it paid, less what earlier returns gave back by it', async () => {
    const { world, X, Y, clerk } = await shop();
    const sale = await clerk('sales.record', {
      lines: [
        { variantId: X, quantity: 2 },
        { variantId: Y, quantity: 1 },
      ],
      payments: [{ method: 'card', amount: 100, reference: 'R1' }, { method: 'cash' }],
    });
    const all = [
      { lineNo: 1, quantity: 2 },
      { lineNo: 2, quantity: 1 },
    ];
    const before = stateHash(world.core.db);
    const events = world.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get();
    // The rest of a refund counts as its amount: all 30,000 would go to a card that paid 100.
    const rest = await failure(
      clerk('sales.return', { saleId: sale.id, lines: all, refunds: [{ method: 'card' }] }),
    );
    expect(rest).toMatchObject({ code: 'VALIDATION', field: 'refunds.0.amount' });
    expect(rest.message).toMatch(
      /^refunds\.0\.amount: .*300\.00 is more than card can take back: sale \S+ was paid .*1\.00 by card and .*1\.00 of it is left to refund\. Refund at most that by card and the rest by cash\.$/,
    );
    expect(rest.details['issues']).toEqual([expect.objectContaining({ limit: 100 })]);
    const given = await failure(
      clerk('sales.return', {
        saleId: sale.id,
        lines: all,
        refunds: [
          { method: 'cash', amount: 29_000 },
          { method: 'card', amount: 1_000 },
        ],
      }),
    );
    expect(given).toMatchObject({ code: 'VALIDATION', field: 'refunds.1.amount' });
    expect(stateHash(world.core.db)).toBe(before);
    expect(world.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get()).toEqual(events);

    // Within what each paid, it goes through; a later return finds the card spent.
    await clerk('sales.return', {
      saleId: sale.id,
      lines: [{ lineNo: 1, quantity: 1 }],
      refunds: [{ method: 'card', amount: 100 }, { method: 'cash' }],
    });
    const after = stateHash(world.core.db);
    const spent = await failure(
      clerk('sales.return', {
        saleId: sale.id,
        lines: [{ lineNo: 2, quantity: 1 }],
        refunds: [{ method: 'card', amount: 1 }, { method: 'cash' }],
      }),
    );
    expect(spent).toMatchObject({ code: 'VALIDATION', field: 'refunds.0.amount' });
    expect(spent.message).toContain('0.00 of it is left to refund');
    expect(stateHash(world.core.db)).toBe(after);
    const last = await clerk('sales.return', {
      saleId: sale.id,
      lines: [
        { lineNo: 1, quantity: 1 },
        { lineNo: 2, quantity: 1 },
      ],
      refunds: [{ method: 'cash' }],
    });
    expect(last.refunds).toEqual([{ method: 'cash', amount: 2 * PRICE, reference: null }]);
  });

  it('never takes back more than was sold, naming what is left', async () => {
    const { world, X, clerk } = await shop();
    const sale = await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 2 }],
      payments: [{ method: 'cash' }],
    });
    const over = await failure(
      clerk('sales.return', {
        saleId: sale.id,
        lines: [{ lineNo: 1, quantity: 3 }],
        refunds: [{ method: 'cash' }],
      }),
    );
    expect(over).toMatchObject({
      code: 'RETURN_EXCEEDS_SALE',
      field: 'lines.0.quantity',
      details: { left: 2 },
    });
    await clerk('sales.return', {
      saleId: sale.id,
      lines: [{ lineNo: 1, quantity: 1 }],
      refunds: [{ method: 'cash' }],
    });
    const second = await failure(
      clerk('sales.return', {
        saleId: sale.id,
        lines: [{ lineNo: 1, quantity: 2 }],
        refunds: [{ method: 'cash' }],
      }),
    );
    expect(second).toMatchObject({ code: 'RETURN_EXCEEDS_SALE', details: { left: 1 } });
    const noLine = await failure(
      clerk('sales.return', {
        saleId: sale.id,
        lines: [{ lineNo: 9, quantity: 1 }],
        refunds: [{ method: 'cash' }],
      }),
    );
    expect(noLine).toMatchObject({ code: 'VALIDATION', field: 'lines.0.lineNo' });
    const missing = await failure(clerk('sales.findForReturn', { number: 'SH01-NOPE' }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'number' });
    expect(pointsMismatches(world.core.db)).toEqual([]);
  });

  it('adds up over several partial returns exactly to the line’s total and tax', async () => {
    const { world, X, clerk } = await shop();
    await world.as('admin')('sales.saveSettings', { categoryTaxRates: { Apparel: 1_500 } });
    const sale = await clerk('sales.record', {
      lines: [{ variantId: X, quantity: 7, discount: 1 }],
      discount: 3,
      payments: [{ method: 'cash' }],
    });
    const line = world.core.db.sqlite
      .prepare('SELECT line_total AS total, tax FROM sale_lines WHERE sale_id = ?')
      .get(sale.id);
    expect(line).toEqual({ total: 69_996, tax: 9_130 });
    const amounts = [];
    const taxes = [];
    for (const quantity of [2, 1, 3, 1]) {
      const r = await clerk('sales.return', {
        saleId: sale.id,
        lines: [{ lineNo: 1, quantity }],
        refunds: [{ method: 'cash' }],
      });
      amounts.push(r.amount);
      taxes.push(r.tax);
    }
    expect(amounts.reduce((s, a) => s + a, 0)).toBe(69_996);
    expect(taxes.reduce((s, a) => s + a, 0)).toBe(9_130);
    expect(amounts[0]).toBe(19_999);
  });
});
