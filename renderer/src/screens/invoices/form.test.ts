// The review form's rules without a browser: boxes from a reading, the live arithmetic check as
// the core's, and the boxes turned into invoices.post's input in minor units.
import { describe, expect, it } from 'vitest';
import { draftOf, liveChecks, postInput, type Draft, type Found } from './form';

const at = { page: 1, box: { x: 10, y: 20, w: 30, h: 8 }, confidence: 0.9, by: 'rules' as const };
const read = <T>(value: T) => ({ value, at });

const found = {
  invoice: { id: 'inv-1' },
  reading: {
    invoice: {
      kind: 'invoice',
      supplierName: read('Awash Cotton'),
      supplierTaxId: null,
      supplierPhone: null,
      supplierEmail: null,
      number: read('A-17'),
      date: read('2026-11-30'),
      currency: null,
      orderReference: null,
      subtotal: read(25_000),
      tax: read(3_750),
      total: read(28_750),
      lines: [
        {
          code: read('AW-100'),
          description: read('T-shirt white M'),
          quantity: read(2),
          unitPrice: read(12_500),
          amount: read(25_000),
        },
      ],
    },
  },
  proposal: {
    supplier: { supplierId: 's-1', by: 'tax_id', score: 1, candidates: [], proposeNew: null },
    lines: [{ variantId: 'v-1', by: 'supplier_code', score: 1, candidates: [] }],
    order: { found: false, why: 'no_reference', message: '' },
    checks: [],
    duplicateOf: null,
  },
  lines: [],
} as unknown as Found;

const start = (): Draft => draftOf(found, 'ETB', () => 'ETB');

describe('the invoice review form', () => {
  it('starts from the reading, amounts as decimals, the matched supplier and products chosen', () => {
    const d = start();
    expect(d).toMatchObject({
      supplierId: 's-1',
      number: 'A-17',
      date: '2026-11-30',
      currencyCode: 'ETB',
      subtotal: '250.00',
      tax: '37.50',
      total: '287.50',
    });
    expect(d.lines[0]).toMatchObject({
      code: 'AW-100',
      quantity: '2',
      unitPrice: '125.00',
      amount: '250.00',
      product: { kind: 'variant', id: 'v-1' },
    });
    expect(liveChecks(d, 'ETB')).toEqual([]);
  });

  it('flags a line whose amount is not its quantity times its price, then the totals', () => {
    const d = start();
    const changed: Draft = { ...d, lines: [{ ...d.lines[0]!, unitPrice: '130.00' }] };
    expect(liveChecks(changed, 'ETB').map((c) => [c.field, c.rule])).toEqual([
      ['lines.0.amount', 'line_product'],
    ]);
    const amended: Draft = {
      ...changed,
      lines: [{ ...changed.lines[0]!, amount: '260.00' }],
    };
    expect(liveChecks(amended, 'ETB').map((c) => [c.field, c.rule])).toEqual([
      ['subtotal', 'lines_sum'],
    ]);
    const totals: Draft = { ...amended, subtotal: '260.00' };
    expect(liveChecks(totals, 'ETB').map((c) => [c.field, c.rule])).toEqual([
      ['total', 'total_sum'],
    ]);
    expect(liveChecks({ ...totals, total: '297.50' }, 'ETB')).toEqual([]);
  });

  it('asks for each line’s product and for amounts that are amounts', () => {
    const d = start();
    const unset: Draft = {
      ...d,
      lines: [{ ...d.lines[0]!, product: { kind: 'unset' }, amount: 'lots' }],
    };
    expect(liveChecks(unset, 'ETB').map((c) => [c.field, c.rule])).toEqual([
      ['lines.0.variantId', 'no_product'],
      ['lines.0.amount', 'not_amount'],
    ]);
  });

  it('sends minor units, a charge that is not a product as null, and no rate in the company currency', () => {
    const d = start();
    const freight: Draft = {
      ...d,
      rate: '57.5',
      lines: [
        ...d.lines,
        { ...d.lines[0]!, key: 99, code: '', description: 'Freight', product: { kind: 'none' } },
      ],
    };
    const input = postInput('inv-1', freight, 'ETB');
    expect(input).toMatchObject({
      invoiceId: 'inv-1',
      supplierId: 's-1',
      currencyCode: 'ETB',
      orderId: null,
      subtotal: 25_000,
      tax: 3_750,
      total: 28_750,
    });
    expect(input.rate).toBeUndefined();
    expect(input.lines).toEqual([
      {
        variantId: 'v-1',
        supplierCode: 'AW-100',
        description: 'T-shirt white M',
        quantity: 2,
        unitPrice: 12_500,
        amount: 25_000,
      },
      {
        variantId: null,
        supplierCode: null,
        description: 'Freight',
        quantity: 2,
        unitPrice: 12_500,
        amount: 25_000,
      },
    ]);
    expect(postInput('inv-1', { ...d, currencyCode: 'usd', rate: '120.5' }, 'ETB')).toMatchObject({
      currencyCode: 'USD',
      rate: '120.5',
    });
  });
});
