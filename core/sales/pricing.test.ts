// A counter sale's arithmetic as properties: shares add up to the minor unit, no line pays a
// negative amount, taxes are rounded per line both ways, and partial returns add up to the whole.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, FULL, mulDivRound, priceSale, returnedShare, type LineToPrice } from './pricing';

const weights = fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 12 });

/** A line whose own discount never exceeds it. */
const line: fc.Arbitrary<LineToPrice> = fc
  .record({
    quantity: fc.integer({ min: 1, max: 500 }),
    unitPrice: fc.integer({ min: 0, max: 200_000 }),
    discountPart: fc.integer({ min: 0, max: FULL }),
    taxRateBp: fc.constantFrom(0, 500, 1_500, 2_500, 3_333),
  })
  .map(({ quantity, unitPrice, discountPart, taxRateBp }) => ({
    quantity,
    unitPrice,
    discount: Math.floor((quantity * unitPrice * discountPart) / FULL / 3),
    taxRateBp,
  }));

/** Lines, a sale discount and a reward that fit inside what is left after line discounts. */
const sale = fc
  .record({
    lines: fc.array(line, { minLength: 1, maxLength: 8 }),
    salePart: fc.integer({ min: 0, max: FULL }),
    rewardPart: fc.integer({ min: 0, max: FULL }),
    included: fc.boolean(),
  })
  .map(({ lines, salePart, rewardPart, included }) => {
    const left = lines.reduce((s, l) => s + l.quantity * l.unitPrice - l.discount, 0);
    const saleDiscount = Math.floor((left * salePart) / FULL / 2);
    const rewardAmount = Math.floor(((left - saleDiscount) * rewardPart) / FULL / 2);
    return { lines, saleDiscount, rewardAmount, included };
  });

describe('allocate', () => {
  it('splits an amount into shares that add up exactly, each within one unit of its proportion', () => {
    fc.assert(
      fc.property(weights, fc.integer({ min: 0, max: 10_000_000 }), (ws, amount) => {
        const sum = ws.reduce((s, w) => s + w, 0);
        const shares = allocate(amount, ws);
        expect(shares).toHaveLength(ws.length);
        if (sum === 0) {
          expect(shares.every((s) => s === 0)).toBe(true);
          return;
        }
        expect(shares.reduce((s, x) => s + x, 0)).toBe(amount);
        shares.forEach((share, i) => {
          const exact = (amount * (ws[i] ?? 0)) / sum;
          expect(share).toBeGreaterThanOrEqual(Math.floor(exact));
          expect(share).toBeLessThanOrEqual(Math.ceil(exact));
        });
      }),
    );
  });

  it('never gives a share more than its weight when the amount fits', () => {
    fc.assert(
      fc.property(weights, fc.integer({ min: 0, max: FULL }), (ws, part) => {
        const sum = ws.reduce((s, w) => s + w, 0);
        const amount = Math.floor((sum * part) / FULL);
        allocate(amount, ws).forEach((share, i) => {
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(ws[i] ?? 0);
        });
      }),
    );
  });

  it('gives the odd unit to the largest fraction, the first line on a tie', () => {
    expect(allocate(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(allocate(2, [1, 1, 1])).toEqual([1, 1, 0]);
    expect(allocate(10, [1, 2])).toEqual([3, 7]);
    expect(allocate(100, [0, 0])).toEqual([0, 0]);
  });
});

describe('priceSale', () => {
  it('adds up: lines to the total, line taxes to the tax, discounts to what came off', () => {
    fc.assert(
      fc.property(sale, ({ lines, saleDiscount, rewardAmount, included }) => {
        const price = priceSale(lines, saleDiscount, rewardAmount, included);
        const gross = lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
        expect(price.gross).toBe(gross);
        expect(price.total).toBe(price.lines.reduce((s, l) => s + l.lineTotal, 0));
        expect(price.tax).toBe(price.lines.reduce((s, l) => s + l.tax, 0));
        expect(price.discount).toBe(lines.reduce((s, l) => s + l.discount, 0) + saleDiscount);
        expect(price.lines.reduce((s, l) => s + l.discount, 0)).toBe(price.discount + rewardAmount);
        const net = gross - price.discount - rewardAmount;
        expect(price.total).toBe(included ? net : net + price.tax);
        price.lines.forEach((p, i) => {
          const own = lines[i]!;
          expect(p.discount).toBeGreaterThanOrEqual(own.discount);
          expect(p.discount).toBeLessThanOrEqual(own.quantity * own.unitPrice);
          expect(p.lineTotal).toBeGreaterThanOrEqual(0);
        });
      }),
    );
  });

  it('rounds tax per line, half up: contained in inclusive prices, added to exclusive ones', () => {
    fc.assert(
      fc.property(sale, ({ lines, saleDiscount, rewardAmount, included }) => {
        const price = priceSale(lines, saleDiscount, rewardAmount, included);
        price.lines.forEach((p) => {
          const net = p.quantity * p.unitPrice - p.discount;
          const exact = included
            ? (net * p.taxRateBp) / (FULL + p.taxRateBp)
            : (net * p.taxRateBp) / FULL;
          expect(Number.isInteger(p.tax)).toBe(true);
          expect(Math.abs(p.tax - exact)).toBeLessThanOrEqual(0.5);
          expect(p.lineTotal).toBe(included ? net : net + p.tax);
        });
      }),
    );
  });

  it('rounds each line on its own rather than the sale’s total tax', () => {
    // Three lines of 1.05 at 15% inclusive: each holds 0.137 → 0.14, so 0.42; the total would give 0.41.
    const lines = [1, 2, 3].map(() => ({
      quantity: 1,
      unitPrice: 105,
      discount: 0,
      taxRateBp: 1_500,
    }));
    const inclusive = priceSale(lines, 0, 0, true);
    expect(inclusive.lines.map((l) => l.tax)).toEqual([14, 14, 14]);
    expect(inclusive).toMatchObject({ tax: 42, total: 315 });
    const exclusive = priceSale(lines, 0, 0, false);
    expect(exclusive.lines.map((l) => l.tax)).toEqual([16, 16, 16]);
    expect(exclusive).toMatchObject({ tax: 48, total: 363 });
  });

  it('names what does not fit: a line discount, the sale discount, the reward', () => {
    const l = { quantity: 2, unitPrice: 100, discount: 0, taxRateBp: 0 };
    expect(() => priceSale([l, { ...l, discount: 201 }], 0, 0, true)).toThrow('lines.1.discount');
    expect(() => priceSale([l], 201, 0, true)).toThrow('discount');
    expect(() => priceSale([l], 100, 101, true)).toThrow('redeem');
    expect(priceSale([l], 100, 100, true).total).toBe(0);
  });
});

describe('returnedShare', () => {
  /** A sold quantity and partial returns that add up to it. */
  const returns = fc
    .array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 10 })
    .chain((parts) =>
      fc.record({
        parts: fc.constant(parts),
        figure: fc.integer({ min: 0, max: 10_000_000 }),
      }),
    );

  it('adds up over several partial returns exactly to the whole figure', () => {
    fc.assert(
      fc.property(returns, ({ parts, figure }) => {
        const sold = parts.reduce((s, p) => s + p, 0);
        let before = 0;
        let total = 0;
        for (const now of parts) {
          const share = returnedShare(figure, sold, before, now);
          expect(share).toBeGreaterThanOrEqual(0);
          expect(Math.abs(share - (figure * now) / sold)).toBeLessThanOrEqual(1);
          total += share;
          before += now;
        }
        expect(total).toBe(figure);
      }),
    );
  });

  it('gives the same amount whatever the order of the same quantities returned', () => {
    fc.assert(
      fc.property(returns, ({ parts, figure }) => {
        const sold = parts.reduce((s, p) => s + p, 0);
        const upTo = (n: number) => mulDivRound(figure, n, sold);
        // What came back so far never depends on how it was split into returns.
        let before = 0;
        for (const now of parts) {
          expect(upTo(before) + returnedShare(figure, sold, before, now)).toBe(upTo(before + now));
          before += now;
        }
      }),
    );
  });
});
