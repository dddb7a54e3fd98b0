// The counter's preview of a sale before it is recorded: a discount typed as an amount or a
// percent becomes minor units rounded as the core rounds, and the total shown is the gross less
// the lines' and the sale's discounts and the points redeemed (prices that include tax).
import { beforeEach, describe, expect, it } from 'vitest';
import type { DraftLine } from '../../components/LinesTable';
import { setCompanyFormat } from '../../format';
import { noDeal, parseDiscount, preview, saleInput, type Program } from './deal';

const shirt: DraftLine = {
  variantId: 'v-shirt',
  sku: 'TS',
  name: 'Shirt',
  unitPrice: 45_000,
  quantity: '2',
};
const cup: DraftLine = {
  variantId: 'v-cup',
  sku: 'CUP',
  name: 'Cup',
  unitPrice: 12_000,
  quantity: '1',
};
const program: Program = {
  spendPerPoint: 1000,
  pendingDays: 0,
  expiryDays: 0,
  pointValue: 100,
  tiers: [],
  rewards: [{ id: 'r-cup', name: 'Free cup', points: 50, variantId: 'v-cup' }],
};
const meron = {
  id: 'c1',
  branchId: 'b1',
  name: 'Meron',
  phone: null,
  card: null,
  address: null,
  lat: null,
  lng: null,
  tier: null,
  points: { balance: 80, available: 80, pending: 0 },
};

beforeEach(() =>
  setCompanyFormat({ currency: { code: 'ETB', symbol: 'Br', minorUnits: 2 }, locale: 'en-GB' }),
);

describe('the counter preview', () => {
  it('reads a discount as an amount or a percent of its base, refusing more than the base', () => {
    expect(parseDiscount('', 45_000)).toBe(0);
    expect(parseDiscount('45.50', 45_000)).toBe(4550);
    expect(parseDiscount('10%', 45_000)).toBe(4500);
    // 7.5% of Br 3.33 is 24.975 minor units: half up, as the core rounds.
    expect(parseDiscount('7.5 %', 333)).toBe(25);
    expect(parseDiscount('100%', 333)).toBe(333);
    expect(parseDiscount('101%', 333)).toBeNull();
    expect(parseDiscount('500', 333)).toBeNull();
    expect(parseDiscount('ten', 333)).toBeNull();
  });

  it('takes the lines’ and the sale’s discounts and the points off the gross', () => {
    const lines = [{ ...shirt, discount: 4500 }, cup];
    const deal = {
      ...noDeal,
      customer: meron,
      discount: 1000,
      redeem: { points: 30, reward: null },
    };
    expect(preview(lines, deal, program)).toEqual({
      gross: 102_000,
      discount: 5500,
      rewardAmount: 3000,
      total: 93_500,
    });
  });

  it('takes a reward’s product off at its price, and nothing when it is not on the sale', () => {
    const reward = { points: 50, reward: program.rewards[0] ?? null };
    const deal = { ...noDeal, customer: meron, redeem: reward };
    expect(preview([shirt, cup], deal, program).rewardAmount).toBe(12_000);
    expect(preview([shirt], deal, program).rewardAmount).toBe(0);
  });

  it('sends what was given: discounts, the customer, the points and the rest in cash', () => {
    const deal = {
      ...noDeal,
      customer: meron,
      discount: 1000,
      redeem: { points: 30, reward: null },
    };
    const cash = { method: 'cash' as const, amount: 5000, tendered: 10_000, reference: null };
    expect(saleInput([{ ...shirt, discount: 4500 }, cup], deal, [cash], 'ap1')).toEqual({
      customerId: 'c1',
      lines: [
        { variantId: 'v-shirt', quantity: 2, discount: 4500 },
        { variantId: 'v-cup', quantity: 1 },
      ],
      discount: 1000,
      redeem: { points: 30 },
      approvalId: 'ap1',
      payments: [{ method: 'cash', tendered: 10_000 }],
    });
    expect(saleInput([cup], noDeal, [cash])).toEqual({
      lines: [{ variantId: 'v-cup', quantity: 1 }],
      payments: [{ method: 'cash', tendered: 10_000 }],
    });
  });
});
