// Rules learned from layouts our generator does not make (HTML invoices printed by a browser):
// headers centred over left-aligned text, discount and VAT columns, a total's label wrapped in a
// narrow box, a quantity whose header was lost. Pages built by hand, as in parse.test.ts.
import { describe, expect, it } from 'vitest';
import type { Page, ReadInvoice, Word } from './document';
import { parseInvoice } from './parse';

const CHAR = 5.5;
type Cell = [x: number, text: string];

function wordsOf(x: number, y: number, text: string): Word[] {
  const out: Word[] = [];
  let at = x;
  for (const w of text.split(' ')) {
    if (w) out.push({ text: w, x: at, y, w: w.length * CHAR, h: 10, confidence: 1 });
    at += (w.length + 1) * CHAR;
  }
  return out;
}
/** A cell whose text ends at x (numbers are printed right-aligned). */
const ending = (x: number, text: string): Cell => [x - text.length * CHAR, text];

function page(rows: [y: number, cells: Cell[]][]): Page {
  return {
    number: 1,
    width: 595,
    height: 842,
    unit: 'pt',
    words: rows.flatMap(([y, cells]) => cells.flatMap(([x, t]) => wordsOf(x, y, t))),
  };
}

const letterhead: [number, Cell[]][] = [
  [40, [[40, 'Abyssinia Hardware PLC']]],
  [55, [[40, 'TIN: 0012345678']]],
  [80, [[350, 'Invoice No: DN-5001']]],
  [95, [[350, 'Dated: 05-Dec-2026']]],
];

const lineOf = (inv: ReadInvoice, i = 0) => {
  const l = inv.lines[i];
  return l
    ? {
        code: l.code?.value ?? null,
        description: l.description.value,
        quantity: l.quantity.value,
        unitPrice: l.unitPrice.value,
        amount: l.amount.value,
        quantitySure: l.quantity.at?.confidence ?? 0,
      }
    : null;
};

describe('parseInvoice on layouts it was not tuned on', () => {
  it('keeps a description that starts left of its centred header out of the code column', () => {
    const inv = parseInvoice([
      page([
        ...letterhead,
        [
          140,
          [
            [60, 'Item Code'],
            [190, 'Description'],
            ending(340, 'Qty'),
            ending(420, 'Rate'),
            ending(530, 'Line Total'),
          ],
        ],
        [
          160,
          [
            [60, 'HX-1001'],
            [150, 'Hex bolt M10'],
            ending(340, '28'),
            ending(420, '1,322.00'),
            ending(530, '37,016.00'),
          ],
        ],
        [190, [[380, 'Invoice Total'], ending(530, '37,016.00')]],
      ]),
    ]);
    expect(lineOf(inv)).toMatchObject({
      code: 'HX-1001',
      description: 'Hex bolt M10',
      quantity: 28,
      unitPrice: 132200,
    });
  });

  it('reads a line whose amount is quantity × price less a discount rate', () => {
    const inv = parseInvoice([
      page([
        ...letterhead,
        [
          140,
          [
            [40, 'Code'],
            [100, 'Description'],
            ending(300, 'Qty'),
            ending(370, 'Unit Price'),
            ending(430, 'Disc %'),
            ending(530, 'Ext. Price'),
          ],
        ],
        [
          160,
          [
            [40, 'PK-09'],
            [100, 'Carton box'],
            ending(300, '20'),
            ending(370, '56.00'),
            ending(430, '5%'),
            ending(530, '1,064.00'),
          ],
        ],
        [190, [[380, 'Total'], ending(530, '1,064.00')]],
      ]),
    ]);
    // 1,064.00 ÷ 56.00 is a whole 19: without the discount the quantity would be misread.
    expect(lineOf(inv)).toMatchObject({ code: 'PK-09', quantity: 20, unitPrice: 5600 });
    expect(lineOf(inv)?.quantitySure).toBeGreaterThan(0.9);
  });

  it('reads a line whose amount is quantity × price plus its VAT column', () => {
    const inv = parseInvoice([
      page([
        ...letterhead,
        [
          140,
          [
            [40, 'Item'],
            [100, 'Description'],
            ending(280, 'Qty.'),
            ending(350, 'Rate'),
            ending(430, 'VAT 15%'),
            ending(530, 'Amount'),
          ],
        ],
        [
          160,
          [
            [40, 'TP-55'],
            [100, 'Packing tape'],
            ending(280, '10'),
            ending(350, '1,369.50'),
            ending(430, '2,054.25'),
            ending(530, '15,749.25'),
          ],
        ],
        [190, [[380, 'Balance Due'], ending(530, '15,749.25')]],
      ]),
    ]);
    expect(lineOf(inv)).toMatchObject({ code: 'TP-55', quantity: 10, unitPrice: 136950 });
    expect(lineOf(inv)?.quantitySure).toBeGreaterThan(0.9);
    expect(inv.total?.value).toBe(1574925);
  });

  it('reads a total whose label is wrapped onto two rows of a narrow box', () => {
    const inv = parseInvoice([
      page([
        ...letterhead,
        [
          140,
          [
            [40, 'Code'],
            [100, 'Description'],
            ending(300, 'Qty'),
            ending(400, 'Price'),
            ending(530, 'Amount'),
          ],
        ],
        [
          160,
          [
            [40, 'GL-77'],
            [100, 'Wood glue'],
            ending(300, '4'),
            ending(400, '25.00'),
            ending(530, '100.00'),
          ],
        ],
        [190, [[380, 'Subtotal'], ending(530, '100.00')]],
        [205, [[380, 'VAT 15%'], ending(530, '15.00')]],
        [220, [[380, 'Amount'], ending(530, '115.00')]],
        [232, [[380, 'Payable'], ending(530, 'ETB')]],
      ]),
    ]);
    expect(inv.total?.value).toBe(11500);
    expect(inv.subtotal?.value).toBe(10000);
  });

  it('finds a quantity whose header was lost in its own cell after the description', () => {
    const inv = parseInvoice([
      page([
        ...letterhead,
        [
          140,
          [
            [40, 'Code'],
            [100, 'Description'],
            ending(360, 'Unit Price'),
            ending(430, 'Disc %'),
            ending(530, 'Amount'),
          ],
        ],
        [
          160,
          [
            [40, 'BR-02'],
            [100, 'Paint brush 2in'],
            ending(270, '36'),
            ending(360, '1,866.00'),
            ending(430, '5%'),
            ending(530, '63,817.20'),
          ],
        ],
        [190, [[380, 'Total'], ending(530, '63,817.20')]],
      ]),
    ]);
    expect(lineOf(inv)).toMatchObject({
      code: 'BR-02',
      description: 'Paint brush 2in',
      quantity: 36,
      unitPrice: 186600,
    });
    expect(lineOf(inv)?.quantitySure).toBeGreaterThan(0.9);
  });

  it('reads a currency after a column name ("Total (ETB)") as part of that column', () => {
    const inv = parseInvoice([
      page([
        ...letterhead,
        [
          140,
          [
            [40, 'S/N'],
            [70, 'Item No.'],
            [130, 'Description'],
            [250, 'UOM'],
            [290, 'Qty'],
            [340, 'Unit Price (ETB)'],
            [440, 'Discount'],
            [500, 'Total (ETB)'],
          ],
        ],
        [
          160,
          [
            [40, '1'],
            [70, 'CT-220'],
            [130, 'Cotton thread'],
            [250, 'kg'],
            ending(310, '22'),
            ending(425, '709.00'),
            ending(485, '1,559.80'),
            ending(565, '14,038.20'),
          ],
        ],
        [190, [[380, 'Grand Total (ETB)'], ending(565, '14,038.20')]],
      ]),
    ]);
    expect(lineOf(inv)).toMatchObject({ code: 'CT-220', quantity: 22, unitPrice: 70900 });
    expect(lineOf(inv)?.quantitySure).toBeGreaterThan(0.9);
  });

  it('levels a sparse, tilted page whose cells are too far apart to be close neighbours', () => {
    const flat = page([
      [40, [[40, 'Sample Supplies PLC']]],
      [
        100,
        [
          [25, 'Code'],
          [110, 'Description'],
          [295, 'Amount'],
          [400, 'Unit price'],
          [495, 'Qty'],
        ],
      ],
      [
        118,
        [[25, 'AA-00'], [110, 'Steel'], ending(385, '0.01'), ending(480, '0.01'), ending(540, '1')],
      ],
      [145, [[330, 'Subtotal'], ending(560, '0.01')]],
      [160, [[330, 'VAT 0%'], ending(560, '0.00')]],
      [175, [[330, 'Total'], ending(560, '0.01')]],
    ]);
    // Over the width of the table the line falls more than its own height.
    const tilted = { ...flat, words: flat.words.map((w) => ({ ...w, y: w.y - 0.02 * w.x })) };
    const inv = parseInvoice([tilted]);
    expect(lineOf(inv)).toMatchObject({ code: 'AA-00', description: 'Steel', quantity: 1 });
  });
});
