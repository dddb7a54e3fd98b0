// Finding a value among a document's words: amounts in each common print format, dates in the
// usual orders, codes with a label glued on, names nearly alike, and nothing for what is not
// printed.
import { describe, expect, it } from 'vitest';
import type { Page, Word } from './document';
import { amountReadings, dateReadings, DocumentIndex, readingText } from './evidence';

const page = (rows: string[][]): Page => {
  const words: Word[] = [];
  rows.forEach((row, r) => {
    let x = 10;
    for (const text of row) {
      words.push({ text, x, y: 10 + r * 20, w: text.length * 6, h: 10, confidence: 0.9 });
      x += text.length * 6 + 8;
    }
  });
  return { number: 1, width: 600, height: 800, unit: 'px', words };
};

describe('amounts and dates as printed', () => {
  it('reads every common format, the likelier reading first', () => {
    const cases: [string, number[]][] = [
      ['1,234.56', [1234.56]],
      ['1.234,56', [1234.56]],
      ['1 234,56', [1234.56]],
      ["1'234.56", [1234.56]],
      ['ETB 1,200.00', [1200]],
      ['1,200.00Br', [1200]],
      ['(12.00)', [-12]],
      ['100.00-', [-100]],
      ['1,500', [1500, 1.5]],
      ['1.500', [1.5, 1500]],
      ['INV-0042', []],
      ['05/12/2026', []],
      ['abc', []],
    ];
    for (const [printed, readings] of cases)
      expect(amountReadings(printed), printed).toEqual(readings);
  });

  it('reads dates in either day-month order, and with month names', () => {
    expect(dateReadings('05/12/2026')).toEqual(['2026-12-05', '2026-05-12']);
    expect(dateReadings('13.05.26')).toEqual(['2026-05-13']);
    expect(dateReadings('5 Dec 2026')).toEqual(['2026-12-05']);
    expect(dateReadings('December 5, 2026')).toEqual(['2026-12-05']);
    expect(dateReadings('2026-12-05')).toEqual(['2026-12-05']);
  });
});

describe('a value on the page', () => {
  const doc = page([
    ['ABC', 'Trading', 'P.L.C.'],
    ['TIN:0012345678', 'Tel', '+251', '911', '234', '567'],
    ['Date', '5', 'Dec', '2026'],
    ['Bolts', 'M8', '4', '1.250,00', '5.000,00'],
    ['Nuts', 'M8', '4', '12,50', '50,00'],
    ['Total', '1', '250,00'],
  ]);
  const index = new DocumentIndex([doc]);

  it('rebuilds the rows in reading order for the prompt', () => {
    expect(readingText([doc]).split('\n')[4]).toBe('Bolts M8 4 1.250,00 5.000,00');
  });

  it('finds amounts in the page’s format, a figure split in two words, and a line’s own', () => {
    expect(index.find('amount', 500_000, { digits: 2 })).toMatchObject({
      box: { y: 70 },
      by: 'model',
      confidence: 0.9,
    });
    expect(index.find('amount', 125_000, { digits: 2 })?.box).toMatchObject({ y: 70 });
    expect(index.find('amount', 125_000, { digits: 2, near: null })).not.toBeNull();
    const nuts = index.find('text', 'Nuts M8');
    expect(index.find('quantity', 4, { near: nuts })?.box.y).toBe(90);
    // "1 250,00" on the total row is one amount in two words.
    const total = index.find('amount', 125_000, { digits: 2, near: index.find('text', 'Total') });
    expect(total?.box).toMatchObject({ y: 110, x: doc.words.at(-2)!.x });
  });

  it('finds codes with their label glued on, phones whole, dates, names nearly alike', () => {
    expect(index.find('code', '0012345678')?.box.y).toBe(30);
    expect(index.find('phone', '0911234567')?.box.x).toBe(doc.words[5]!.x);
    expect(index.find('date', '2026-12-05')?.box.y).toBe(50);
    expect(index.find('text', 'ABC Trading PLC')?.box.y).toBe(10);
  });

  it('finds nothing for what is not printed', () => {
    expect(index.find('amount', 999_900, { digits: 2 })).toBeNull();
    expect(index.find('code', 'INV-7')).toBeNull();
    expect(index.find('date', '2026-12-06')).toBeNull();
    expect(index.find('text', 'Delivery charge')).toBeNull();
  });

  it('reads a long page quickly', () => {
    const rows = Array.from({ length: 80 }, (_, i) => [
      `ITEM-${i}`,
      'Cotton',
      'T-shirt',
      'white',
      'size',
      'M',
      String(i + 1),
      `${i + 1}0.00`,
      `${(i + 1) * (i + 1)}0.00`,
    ]);
    const started = Date.now();
    const big = new DocumentIndex([page(rows)]);
    for (let i = 0; i < 80; i++) {
      const near = big.find('text', `ITEM-${i} Cotton T-shirt white size M`);
      big.find('amount', (i + 1) * (i + 1) * 1000, { digits: 2, near });
    }
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
