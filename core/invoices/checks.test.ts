import { describe, expect, it } from 'vitest';
import { checkInvoice } from './checks';
import type { CheckedInvoice } from './checks';

const today = '2026-12-05';
const good: CheckedInvoice = {
  number: 'INV-1',
  date: '2026-11-30',
  lines: [
    { quantity: 10, unitPrice: 250, amount: 2500 },
    { quantity: 3, unitPrice: 3333, amount: 10000 },
  ],
  subtotal: 12500,
  tax: 1875,
  total: 14375,
};

describe('checkInvoice', () => {
  it('finds nothing on a consistent invoice (a unit price rounded by a cent is allowed)', () => {
    expect(checkInvoice(good, { today })).toEqual([]);
  });

  it('names the line, the product and the amount read when a line does not multiply out', () => {
    const checks = checkInvoice(
      { ...good, lines: [good.lines[0]!, { quantity: 3, unitPrice: 3300, amount: 10000 }] },
      { today },
    );
    expect(checks.map((c) => [c.field, c.rule])).toEqual([['lines.1.amount', 'line_product']]);
    expect(checks[0]!.message).toContain('99.00');
    expect(checks[0]!.message).toContain('100.00');
    expect(checks[0]!.message).toMatch(/^Line 2/);
  });

  it('compares the lines with the subtotal and the subtotal and tax with the total', () => {
    const checks = checkInvoice({ ...good, subtotal: 12400, total: 14300 }, { today });
    expect(checks.map((c) => [c.field, c.rule])).toEqual([
      ['subtotal', 'lines_sum'],
      ['total', 'total_sum'],
    ]);
    expect(checks[0]!.message).toContain('125.00');
    expect(checks[0]!.message).toContain('124.00');
    expect(checks[1]!.message).toContain('142.75');
  });

  it('compares the lines with the total when there is neither subtotal nor tax', () => {
    const checks = checkInvoice({ ...good, subtotal: null, tax: null, total: 12000 }, { today });
    expect(checks.map((c) => [c.field, c.rule])).toEqual([['total', 'lines_sum']]);
  });

  it('flags a date after tomorrow or more than 400 days back', () => {
    expect(checkInvoice({ ...good, date: '2026-12-06' }, { today })).toEqual([]);
    expect(checkInvoice({ ...good, date: '2026-12-07' }, { today }).map((c) => c.rule)).toEqual([
      'date_future',
    ]);
    expect(checkInvoice({ ...good, date: '2025-10-31' }, { today })).toEqual([]);
    expect(checkInvoice({ ...good, date: '2025-10-30' }, { today }).map((c) => c.rule)).toEqual([
      'date_old',
    ]);
  });

  it('asks for what was not read: number, date, total and lines', () => {
    const checks = checkInvoice(
      { number: null, date: null, lines: [], subtotal: null, tax: null, total: null },
      { today },
    );
    expect(checks.map((c) => [c.field, c.rule])).toEqual([
      ['number', 'missing'],
      ['date', 'missing'],
      ['lines', 'missing'],
      ['total', 'missing'],
    ]);
    const { number: _number, ...withoutNumber } = good;
    expect(checkInvoice(withoutNumber, { today })).toEqual([]);
  });
});
