// The purchase order PDF read back with poppler's pdftotext (as core/pdf/documents.test.ts does):
// what the supplier must see, names in Ge'ez and Arabic, a long order over several pages, the
// total in the company's currency for a supplier paid in dinars, and a note pasted from anywhere.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPurchaseOrderPdf, type PurchaseOrderDocument } from './po-pdf';

// pdftotext and pdfinfo come with poppler (.ci/setup installs it); missing, the tests fail loudly.
execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'fse-po-'));
let files = 0;
function saved(pdf: Buffer): string {
  const file = join(dir, `po-${++files}.pdf`);
  writeFileSync(file, pdf);
  return file;
}
const textOf = (pdf: Buffer) =>
  execFileSync('pdftotext', ['-layout', saved(pdf), '-'], { encoding: 'utf8' }).replace(
    /\u00a0/g,
    ' ',
  );
const pagesOf = (pdf: Buffer) =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [saved(pdf)], { encoding: 'utf8' }))?.[1]);

const etb = { code: 'ETB', symbol: 'Br', minorUnits: 2 };
const usd = { code: 'USD', symbol: '$', minorUnits: 2 };
const kwd = { code: 'KWD', symbol: 'KD', minorUnits: 3 };
const approvedAt = Date.UTC(2026, 2, 14, 9, 30);
const day = 86_400_000;

const amharic = 'ቡና ስኒ ትልቅ';
const arabic = 'كوب شاي كبير';
const names = ['Porcelain cup, white', amharic, arabic, 'Saucer 14 cm', 'Glaze, cobalt blue'];

type Line = PurchaseOrderDocument['lines'][number];

function line(i: number): Line {
  const packSize = i % 3 === 0 ? 12 : 1;
  const quantity = packSize * ((i % 5) + 1);
  const price = 1_250 + i * 37;
  return {
    supplierCode: i % 4 === 3 ? null : `SUP-${100 + i}`,
    sku: `CUP-${String(i + 1).padStart(4, '0')}`,
    name: names[i % names.length] ?? 'item',
    quantity,
    packSize,
    price,
    lineTotal: quantity * price,
  };
}

function makeOrder(lines: readonly Line[], patch: Partial<PurchaseOrderDocument> = {}) {
  const doc: PurchaseOrderDocument = {
    number: 'PO-000123',
    approvedAt,
    approvedBy: ['Selam Tesfaye', 'Abebe Kebede'],
    company: { name: 'Habesha Ceramics', currency: etb, locale: 'en-GB' },
    supplier: {
      name: 'Nile Clay Supplies PLC',
      taxId: '0012345678',
      phone: '+251 11 555 0101',
      email: 'orders@nileclay.example',
      currency: etb,
      paymentTerms: '30 days net',
      leadTimeDays: 14,
    },
    branch: { name: 'Bole warehouse', code: 'WH02' },
    expectedBy: approvedAt + 14 * day,
    rate: null,
    lines,
    total: lines.reduce((sum, l) => sum + l.lineTotal, 0),
    note: 'Deliver to gate 3, mornings only.',
    ...patch,
  };
  return doc;
}

const grouped = (minor: number, minorUnits = 2) => {
  const scale = 10 ** minorUnits;
  const whole = Math.trunc(minor / scale).toLocaleString('en-GB');
  return `${whole}.${String(minor % scale).padStart(minorUnits, '0')}`;
};

describe('the purchase order PDF', () => {
  it('prints the number, the supplier, where to deliver, when, who approved, and every line', async () => {
    const lines = Array.from({ length: 6 }, (_, i) => line(i));
    const order = makeOrder(lines);
    const pdf = await renderPurchaseOrderPdf(order, { timeZone: 'UTC' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = textOf(pdf);
    for (const s of [
      'Habesha Ceramics',
      'Purchase order PO-000123',
      'Nile Clay Supplies PLC',
      '0012345678',
      '+251 11 555 0101',
      'orders@nileclay.example',
      '30 days net',
      'Bole warehouse (WH02)',
      '2026-03-14 09:30',
      '2026-03-28 (lead time 14 days)',
      'Selam Tesfaye and Abebe Kebede',
      'Deliver to gate 3, mornings only.',
      'Page 1 of 1',
    ])
      expect(text).toContain(s);
    for (const l of lines) {
      expect(text).toContain(l.sku);
      expect(text).toContain(grouped(l.lineTotal));
    }
    expect(text).toMatch(/CUP-0004\s+Saucer 14 cm\s+48 \(4 × 12\)\s+13\.61\s+653\.28/);
    expect(text).toContain(`Total: ETB ${grouped(order.total)}`);
    // The same currency: no conversion to print.
    expect(text).not.toContain('Exchange rate');
  });

  it('prints item names in Amharic and Arabic from fonts that have them', async () => {
    const pdf = await renderPurchaseOrderPdf(makeOrder([line(1), line(2)]), { timeZone: 'UTC' });
    const text = textOf(pdf);
    expect(text).toContain(amharic);
    expect(text).toContain(arabic);
  });

  it('continues 120 lines over several pages, the header row on each, every SKU there', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => line(i));
    const pdf = await renderPurchaseOrderPdf(makeOrder(lines), { timeZone: 'UTC' });
    const pages = pagesOf(pdf);
    expect(pages).toBeGreaterThan(2);
    const text = textOf(pdf);
    for (const l of lines) expect(text).toContain(l.sku);
    const withItems = text.split('\f').filter((page) => /CUP-\d{4}/.test(page));
    expect(withItems).toHaveLength(pages);
    for (const page of withItems) expect(page).toContain('Line total (ETB)');
    expect(text).toContain('Purchase order PO-000123 (continued)');
    expect(text).toContain(`Page ${pages} of ${pages}`);
  });

  it('converts a total in dinars (3 decimals) to birr, rounding half up once', async () => {
    // 1.012 KWD × 56.25 = 56.925 ETB exactly: half up gives 56.93 (half to even would give 56.92).
    const small: Line = {
      supplierCode: 'K-1',
      sku: 'KWD-SMALL',
      name: 'Sample tile',
      quantity: 4,
      packSize: 1,
      price: 253,
      lineTotal: 1_012,
    };
    const order = makeOrder([small], {
      supplier: { ...makeOrder([]).supplier, currency: kwd },
      rate: '56.25',
    });
    const text = textOf(await renderPurchaseOrderPdf(order, { timeZone: 'UTC' }));
    expect(text).toContain('Total: KWD 1.012');
    expect(text).toContain('Unit price (KWD)');
    expect(text).toMatch(/4\s+0\.253\s+1\.012/);
    expect(text).toContain('Exchange rate: 1 KWD = 56.25 ETB; total ETB 56.93');

    // 123,456,789.012 KWD × 187.345 = 23,129,012,137.45314 ETB: the product of the minor units
    // and the rate's digits passes 2^53, where a float would lose the last cents.
    const big: Line = {
      supplierCode: null,
      sku: 'KWD-BIG',
      name: 'Kiln, industrial',
      quantity: 12,
      packSize: 12,
      price: 10_288_065_751,
      lineTotal: 123_456_789_012,
    };
    const large = makeOrder([big], {
      supplier: { ...makeOrder([]).supplier, currency: kwd },
      rate: '187.345',
    });
    const bigText = textOf(await renderPurchaseOrderPdf(large, { timeZone: 'UTC' }));
    expect(bigText).toContain('Total: KWD 123,456,789.012');
    expect(bigText).toContain('12 (1 × 12)');
    expect(bigText).toContain('Exchange rate: 1 KWD = 187.345 ETB; total ETB 23,129,012,137.45');
  });

  it('prints the rate of a dollar supplier as given', async () => {
    const order = makeOrder([line(0)], {
      supplier: { ...makeOrder([]).supplier, currency: usd },
      rate: '56.25',
    });
    // 150.00 USD × 56.25 = 8,437.50 ETB.
    expect(order.total).toBe(15_000);
    const text = textOf(await renderPurchaseOrderPdf(order, { timeZone: 'UTC' }));
    expect(text).toContain('Exchange rate: 1 USD = 56.25 ETB; total ETB 8,437.50');
  });

  it('keeps a hostile note of 5,000 characters on the page, without its control characters', async () => {
    const junk = [
      'Bell\u0007 escape\u001b[31m red\u001b[0m nul\u0000 tab\tcr\rline',
      '\u202eReversed by an override\u202c lone \ud800 surrogate',
      'x'.repeat(1_800),
      '\n'.repeat(400),
      'ቡና '.repeat(200),
      'شاي '.repeat(200),
    ].join(' ');
    const note = (junk + ' filler'.repeat(1_000)).slice(0, 4_980) + ' END-OF-NOTE';
    expect(note).toHaveLength(4_992);
    const pdf = await renderPurchaseOrderPdf(makeOrder([line(0)], { note }), { timeZone: 'UTC' });
    const text = textOf(pdf);
    expect(text).toContain('END-OF-NOTE');
    expect(text).toContain('Reversed by an override');
    // pdftotext marks Arabic with U+202B…U+202C itself; the note's own override (U+202E) is gone.
    for (const c of ['\u0000', '\u0007', '\u001b', '\r', '\u202e']) expect(text).not.toContain(c);
    // What is left of the words around them still reads, the tab a space.
    expect(text).toContain('Bell escape[31m red[0m nul tab cr');
    // 400 empty lines become one blank line, not pages of nothing.
    expect(pagesOf(pdf)).toBeLessThanOrEqual(3);

    // Every word poppler finds lies inside the page's margins (40 pt left and right, 50 at the foot).
    const boxes = execFileSync('pdftotext', ['-bbox', saved(pdf), '-'], { encoding: 'utf8' });
    const page = /<page width="([\d.]+)" height="([\d.]+)"/.exec(boxes);
    const width = Number(page?.[1]);
    const height = Number(page?.[2]);
    expect(width).toBeCloseTo(595.28, 1);
    const words = [
      ...boxes.matchAll(/xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"/g),
    ];
    expect(words.length).toBeGreaterThan(100);
    for (const [, xMin, yMin, xMax, yMax] of words) {
      expect(Number(xMin)).toBeGreaterThanOrEqual(39);
      expect(Number(xMax)).toBeLessThanOrEqual(width - 39);
      expect(Number(yMin)).toBeGreaterThanOrEqual(0);
      // Above the 50 pt bottom margin, but for the footer that Sheet prints inside it.
      expect(Number(yMax)).toBeLessThanOrEqual(height - 20);
      if (Number(yMin) < height - 50) expect(Number(yMax)).toBeLessThanOrEqual(height - 49);
    }
  });
});
