// A newer app's event whose payload has fields this app does not know is kept aside whole, not
// folded with those fields dropped: otherwise this replica would lose them for good (a sale's
// payments), even after its update. Once updated, the app applies it at its next start.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasUnknownFields, unknownFields } from './apply';

describe('fields an older app does not know', () => {
  const sale = z.object({
    saleId: z.string(),
    lines: z.array(z.object({ sku: z.string(), quantity: z.number() })),
    note: z.string().default(''),
  });

  it('names each field parsing dropped, however deep, and nothing else', () => {
    const raw = {
      saleId: 's1',
      lines: [
        { sku: 'A', quantity: 1, taxRate: 15 },
        { sku: 'B', quantity: 2 },
      ],
      payments: [{ method: 'cash' }],
    };
    expect(unknownFields(raw, sale.parse(raw))).toEqual(['lines.0.taxRate', 'payments']);
    // What parsing adds (a default) is not a loss.
    const known = { saleId: 's1', lines: [{ sku: 'A', quantity: 1 }] };
    expect(unknownFields(known, sale.parse(known))).toEqual([]);
    expect(hasUnknownFields(raw, sale.parse(raw))).toBe(true);
    expect(hasUnknownFields(known, sale.parse(known))).toBe(false);
  });

  it('finds exactly the added fields in any payload the schema knows (property)', () => {
    const line = fc.record({ sku: fc.string(), quantity: fc.integer() });
    const extra = fc.dictionary(
      fc.string({ minLength: 1 }).filter((k) => !['sku', 'quantity', '__proto__'].includes(k)),
      fc.jsonValue(),
      { maxKeys: 2 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(line, extra), { maxLength: 4 }), (rows) => {
        const raw = { saleId: 'x', lines: rows.map(([l, e]) => ({ ...l, ...e })) };
        const want = rows.flatMap(([, e], i) => Object.keys(e).map((k) => `lines.${i}.${k}`));
        expect(unknownFields(raw, sale.parse(raw)).sort()).toEqual(want.sort());
        expect(hasUnknownFields(raw, sale.parse(raw))).toBe(want.length > 0);
      }),
    );
  });
});
