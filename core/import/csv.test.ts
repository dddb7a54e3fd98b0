import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';

const quote = (f: string) =>
  /[",;\r\n]/.test(f) || f !== f.trim() ? `"${f.replace(/"/g, '""')}"` : f;

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks, a BOM and CRLF', () => {
    const t = parseCsv(
      '\uFEFFName,Note\r\n"Shirt, blue","said ""hi""\r\nthen left"\r\nCup,plain\r\n',
    );
    expect(t.header).toEqual(['name', 'note']);
    expect(t.rows).toEqual([
      { row: 2, cells: { name: 'Shirt, blue', note: 'said "hi"\r\nthen left' } },
      { row: 3, cells: { name: 'Cup', note: 'plain' } },
    ]);
  });

  it('takes ; as the separator when the header has more of them, as Excel writes it', () => {
    const t = parseCsv('sku;price\nA-1;1.234,50\n');
    expect(t.separator).toBe(';');
    expect(t.rows[0]?.cells).toEqual({ sku: 'A-1', price: '1.234,50' });
  });

  it('keeps spreadsheet row numbers across blank rows', () => {
    const t = parseCsv('a,b\n1,2\n\n,\n3,4');
    expect(t.rows.map((r) => r.row)).toEqual([2, 5]);
  });

  it('refuses what is not a text file, an unclosed quote and a column named twice', () => {
    expect(() => parseCsv('PK\u0003\u0004\u0000\u0000')).toThrow(/not a text file/);
    expect(() => parseCsv('a,b\n"open,2\n')).toThrow(/never closed/);
    expect(() => parseCsv('sku,SKU\n1,2')).toThrow(/twice/);
    expect(() => parseCsv('\uFEFF  \n')).toThrow(/empty/);
  });

  it('reads back any table a spreadsheet writes, with either separator and line ending', () => {
    const cell = fc.string({ maxLength: 12 }).map((s) =>
      [...s]
        .filter((c) => !['\u0000', '\uFFFD', '\uFEFF'].includes(c))
        .join('')
        .trim(),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(',', ';'),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        (width, sep, eol, table) => {
          const header = Array.from({ length: width }, (_, i) => `c${i}`);
          const rows = table
            .map((r) => r.slice(0, width))
            // A row of only empty cells is a blank row, skipped on reading.
            .filter((r) => r.some((c) => c !== ''));
          // The header decides the separator: one column has none, so the default (,) is taken.
          const s = width === 1 ? ',' : sep;
          const text = [header, ...rows].map((r) => r.map(quote).join(s)).join(eol) + eol;
          const parsed = parseCsv(text);
          expect(parsed.rows.map((r) => header.map((h) => r.cells[h]))).toEqual(rows);
        },
      ),
    );
  });
});
