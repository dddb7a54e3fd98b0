import { describe, expect, it } from 'vitest';
import { bannerMessage, fieldMessage, humanField } from './errors';
import { parseMoney, money } from './format';
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
    const e = new ContractError(
      {
        code: 'INSUFFICIENT_STOCK',
        message: 'lines.2.quantity: only 3 of TS-WHT-M are in the factory',
        field: 'lines.2.quantity',
      },
      'orders.dispatch',
    );
    expect(fieldMessage(e, 'lines.2.quantity')).toBe('Only 3 of TS-WHT-M are in the factory');
    expect(bannerMessage(e, ['lines.2.quantity'])).toBeUndefined();
    expect(bannerMessage(e, [])).toBe(e.message);
  });

  it('names paths in words', () => {
    expect(humanField('lines.2.quantity')).toBe('Line 3 quantity');
    expect(humanField('factoryId')).toBe('Factory');
    expect(humanField('variants.0.sku')).toBe('Variant 1 sku');
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
