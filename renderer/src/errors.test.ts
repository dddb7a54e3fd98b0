import { afterEach, describe, expect, it } from 'vitest';
import { bannerMessage, fieldMessage, humanField, problemWords } from './errors';
import { parseMoney, money } from './format';
import { setLanguage } from './i18n';
import { ContractError } from './transport';

const validation = new ContractError(
  {
    code: 'VALIDATION',
    message: 'lines.0.quantity: must be greater than 0; note: must be at most 500 characters',
    field: 'lines.0.quantity',
    issues: [
      { field: 'lines.0.quantity', message: 'must be greater than 0' },
      { field: 'note', message: 'must be at most 500 characters' },
    ],
  },
  'orders.place',
);

/** A domain error about one field of the input. */
const shortOfStock = new ContractError(
  {
    code: 'INSUFFICIENT_STOCK',
    message: 'lines.2.quantity: only 3 of TS-WHT-M are in the factory',
    field: 'lines.2.quantity',
  },
  'orders.dispatch',
);

describe('errors beside their fields', () => {
  it('puts each issue beside its input and the rest in the banner', () => {
    expect(fieldMessage(validation, 'lines.0.quantity')).toBe('Must be greater than 0');
    expect(fieldMessage(validation, 'lines.1.quantity')).toBeUndefined();
    expect(bannerMessage(validation, ['lines.0.quantity', 'note'])).toBeUndefined();
    expect(bannerMessage(validation, ['lines.0.quantity'])).toBe(
      'Note: must be at most 500 characters',
    );
  });

  it('strips the path from a domain error about one field', () => {
    const e = shortOfStock;
    expect(fieldMessage(e, 'lines.2.quantity')).toBe('Only 3 of TS-WHT-M are in the factory');
    expect(bannerMessage(e, ['lines.2.quantity'])).toBeUndefined();
    expect(bannerMessage(e, [])).toBe(e.message);
  });

  it('names paths in words', () => {
    expect(humanField('lines.2.quantity')).toBe('Line 3 › Quantity');
    expect(humanField('factoryId')).toBe('Factory');
    expect(humanField('variants.0.sku')).toBe('Variant 1 › SKU');
    // A key with no words of its own is split into words.
    expect(humanField('attributes.shelfLife')).toBe('Attributes › Shelf life');
  });
});

describe("errors in the person's language", () => {
  const amharic = new ContractError(
    {
      code: 'VALIDATION',
      message: 'lines.0.quantity: must be more than 0; producedOn: must be a date like 2026-03-31',
      field: 'lines.0.quantity',
      issues: [
        { field: 'lines.0.quantity', message: 'must be more than 0', rule: 'more_than', limit: 0 },
        { field: 'producedOn', message: 'must be a date like 2026-03-31', rule: 'format' },
        {
          field: 'note',
          message: 'must be at most 300 characters',
          rule: 'max_length',
          limit: 300,
        },
      ],
    },
    'production.record',
  );
  afterEach(() => setLanguage('en', { remember: false }));

  it('says each rule in Amharic with its limit, and keeps the English where it says more', () => {
    setLanguage('am', { remember: false });
    expect(fieldMessage(amharic, 'lines.0.quantity')).toBe('ከ0 በላይ መሆን አለበት።');
    expect(fieldMessage(amharic, 'note')).toBe('ቢበዛ 300 ፊደላት መሆን አለበት።');
    const format = fieldMessage(amharic, 'producedOn')!;
    expect(format).toContain('በትክክለኛው ቅርጽ አይደለም።');
    expect(format).toContain('2026-03-31');
    expect(bannerMessage(amharic, ['producedOn', 'note'])).toBe('መስመር 1 › ብዛት፦ ከ0 በላይ መሆን አለበት።');
  });

  it("says a domain error by its code in Amharic, with the core's detail; English keeps the core's words", () => {
    const e = shortOfStock;
    expect(fieldMessage(e, 'lines.2.quantity')).toBe('Only 3 of TS-WHT-M are in the factory');
    setLanguage('am', { remember: false });
    const said = fieldMessage(e, 'lines.2.quantity')!;
    expect(said.startsWith('በቂ ክምችት የለም።')).toBe(true);
    expect(said).toContain('Only 3 of TS-WHT-M are in the factory');
    expect(bannerMessage(e, [])).toContain('በቂ ክምችት የለም።');
  });

  it('says an issue of a domain error by its code', () => {
    setLanguage('am', { remember: false });
    const message = 'the price Br 0.00 is at or below the cost Br 200.00; raise the price';
    const e = new ContractError(
      {
        code: 'PRICE_AT_OR_BELOW_COST',
        message: `price: ${message}.`,
        field: 'price',
        issues: [{ field: 'price', message }],
      },
      'catalog.updateVariant',
    );
    const said = fieldMessage(e, 'price')!;
    expect(said.startsWith('ዋጋው ከወጪው ጋር እኩል ወይም ያነሰ ነው።')).toBe(true);
    expect(said).toContain('Br 200.00');
  });

  it('says a CSV row problem by its rule in Amharic, and as the core wrote it in English', () => {
    const problem = {
      message: 'is longer than 120 characters; shorten it',
      rule: 'max_length' as const,
      limit: 120,
    };
    expect(problemWords(problem)).toBe('Is longer than 120 characters; shorten it');
    setLanguage('am', { remember: false });
    expect(problemWords(problem)).toBe('ቢበዛ 120 ፊደላት መሆን አለበት።');
    expect(
      problemWords({ message: 'SKU TS-1 is also on row 3; keep one of the two rows' }),
    ).toContain('row 3');
  });

  it("keeps the core's words for a code this version does not know", () => {
    setLanguage('am', { remember: false });
    const newer = new ContractError(
      { code: 'SOMETHING_NEW' as 'VALIDATION', message: 'A newer head office said no.' },
      'orders.place',
    );
    expect(bannerMessage(newer)).toBe('A newer head office said no.');
  });
});

describe('money', () => {
  it('reads and writes minor units without floats', () => {
    expect(parseMoney('450')).toBe(45000);
    expect(parseMoney('1,234.5')).toBe(123450);
    expect(parseMoney('0.07')).toBe(7);
    expect(parseMoney('4.505')).toBeNull();
    expect(money(123450)).toBe('Br\u00a01,234.50');
    expect(money(-5)).toBe('Br\u00a0-0.05');
  });
});
