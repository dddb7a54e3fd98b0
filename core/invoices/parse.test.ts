import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Page, ReadInvoice, Word } from './document';
import { parseInvoice } from './parse';
import { LAYOUTS, makeInvoice, truthWords } from './testing/generate';

// Pages built by hand: words of a 10 pt font about 5.5 pt a character, one space between words.
const CHAR = 5.5;
type Cell = [x: number, text: string, size?: number];

function wordsOf(x: number, y: number, text: string, size = 10, confidence = 1): Word[] {
  const out: Word[] = [];
  let at = x;
  for (const w of text.split(' ')) {
    if (w) out.push({ text: w, x: at, y, w: (w.length * CHAR * size) / 10, h: size, confidence });
    at += ((w.length + 1) * CHAR * size) / 10;
  }
  return out;
}
const widthOf = (text: string, size = 10) => (text.length * CHAR * size) / 10;
/** A cell whose text ends at x (numbers are printed right-aligned). */
const ending = (x: number, text: string): Cell => [x - widthOf(text), text];

function page(number: number, rows: [y: number, cells: Cell[]][], skew = 0): Page {
  const words = rows.flatMap(([y, cells]) => cells.flatMap(([x, t, s]) => wordsOf(x, y, t, s)));
  return {
    number,
    width: 595,
    height: 842,
    unit: 'pt',
    words: words.map((w) => ({ ...w, y: w.y + w.x * skew })),
  };
}

const values = (inv: ReadInvoice) => ({
  kind: inv.kind,
  supplierName: inv.supplierName?.value ?? null,
  supplierTaxId: inv.supplierTaxId?.value ?? null,
  supplierPhone: inv.supplierPhone?.value ?? null,
  supplierEmail: inv.supplierEmail?.value ?? null,
  number: inv.number?.value ?? null,
  date: inv.date?.value ?? null,
  currency: inv.currency?.value ?? null,
  orderReference: inv.orderReference?.value ?? null,
  subtotal: inv.subtotal?.value ?? null,
  tax: inv.tax?.value ?? null,
  total: inv.total?.value ?? null,
});
const linesOf = (inv: ReadInvoice) =>
  inv.lines.map((l) => [
    l.code?.value ?? null,
    l.description.value,
    l.quantity.value,
    l.unitPrice.value,
    l.amount.value,
  ]);

const standard: [number, Cell[]][] = [
  [
    40,
    [
      [40, 'Acme Trading PLC', 18],
      [420, 'INVOICE', 16],
    ],
  ],
  [
    65,
    [
      [40, 'Bole Road, Addis Ababa'],
      [380, 'Invoice No: INV-2026-0042'],
    ],
  ],
  [
    80,
    [
      [40, 'Tel: +251 11 551 2345'],
      [380, 'Date: 30/11/2026'],
    ],
  ],
  [
    95,
    [
      [40, 'TIN: 0012345678'],
      [380, 'PO: PO-7781'],
    ],
  ],
  [110, [[40, 'Bank: CBE Account 1000123456789']]],
  [
    140,
    [
      [40, 'Bill to:'],
      [300, 'Email: sales@acme.et'],
    ],
  ],
  [155, [[40, 'Buyer Shop Ltd']]],
  [170, [[40, 'TIN: 0099887766']]],
  [
    210,
    [
      [40, 'Code'],
      [100, 'Description'],
      [300, 'Qty'],
      [360, 'Unit price'],
      [460, 'Amount'],
    ],
  ],
  [
    228,
    [
      [40, 'A-100'],
      [100, 'Steel bolts M8'],
      ending(320, '10'),
      ending(410, '2.50'),
      ending(520, '25.00'),
    ],
  ],
  [
    243,
    [
      [40, 'B-200'],
      [100, 'Cotton fabric, white,'],
      ending(320, '3'),
      ending(410, '1,200.00'),
      ending(520, '3,600.00'),
    ],
  ],
  [256, [[100, 'roll of 50 m']]],
  [290, [[360, 'Subtotal'], ending(520, '3,625.00')]],
  [305, [[360, 'VAT 15%'], ending(520, '543.75')]],
  [320, [[360, 'Total ETB'], ending(520, '4,168.75')]],
];

describe('parseInvoice on layouts written by hand', () => {
  it('reads a usual invoice: labels to the right, a table with a header, a wrapped description', () => {
    const inv = parseInvoice([page(1, standard)]);
    expect(values(inv)).toEqual({
      kind: 'invoice',
      supplierName: 'Acme Trading PLC',
      supplierTaxId: '0012345678',
      supplierPhone: '+251 11 551 2345',
      supplierEmail: 'sales@acme.et',
      number: 'INV-2026-0042',
      date: '2026-11-30',
      currency: 'ETB',
      orderReference: 'PO-7781',
      subtotal: 362500,
      tax: 54375,
      total: 416875,
    });
    expect(linesOf(inv)).toEqual([
      ['A-100', 'Steel bolts M8', 10, 250, 2500],
      ['B-200', 'Cotton fabric, white, roll of 50 m', 3, 120000, 360000],
    ]);
  });

  it('gives each value the box of the words it came from and a confidence from the rule', () => {
    const inv = parseInvoice([page(1, standard)]);
    const total = inv.total!.at!;
    expect(total).toMatchObject({ page: 1, by: 'rules' });
    expect(total.box.x).toBeCloseTo(520 - widthOf('4,168.75'));
    expect(total.box.y).toBe(320);
    expect(total.confidence).toBeGreaterThan(0.9);
    // The ambiguous 30/11 is not ambiguous; 04/05 is, and is read less surely.
    const ambiguous = standard.map(([y, cells]): [number, Cell[]] =>
      y === 80 ? [y, [[380, 'Date: 04/05/2026']]] : [y, cells],
    );
    const other = parseInvoice([page(1, ambiguous)]);
    expect(other.date?.value).toBe('2026-05-04');
    expect(other.date!.at!.confidence).toBeLessThan(inv.date!.at!.confidence);
    const description = inv.lines[1]!.description.at!;
    expect(description.box.y).toBe(243);
    expect(description.box.y + description.box.h).toBe(266);
  });

  it('reads columns in another order, labels above their values, and other wordings', () => {
    const inv = parseInvoice([
      page(1, [
        [40, [[40, 'TAX INVOICE', 16]]],
        [70, [[40, 'Blue Nile Textiles', 14]]],
        [
          90,
          [
            [40, 'VAT Reg No. ET-778812'],
            [300, 'supply@bluenile.com'],
          ],
        ],
        [
          120,
          [
            [40, 'Invoice #'],
            [160, 'Issued'],
            [300, 'Your order'],
          ],
        ],
        [
          134,
          [
            [40, '7781'],
            [160, 'Nov 30, 2026'],
            [300, 'LPO/55/26'],
          ],
        ],
        [
          170,
          [
            [40, 'Line total'],
            [130, 'Units'],
            [180, 'Item description'],
            [340, 'Rate'],
            [420, 'SKU'],
            [480, 'VAT 15%'],
          ],
        ],
        [
          188,
          [
            ending(100, '120.00'),
            ending(160, '4'),
            [180, 'Cotton thread'],
            ending(390, '30.00'),
            [420, 'CT-01'],
          ],
        ],
        [
          203,
          [
            ending(100, '1,005.00'),
            ending(160, '15'),
            [180, 'Zip 20 cm'],
            ending(390, '67.00'),
            [420, 'ZP-20'],
          ],
        ],
        [240, [[300, 'Sub-total'], ending(480, '1,125.00')]],
        [255, [[300, 'Tax'], ending(480, '168.75')]],
        [270, [[300, 'Balance due'], ending(480, 'USD 1,293.75')]],
      ]),
    ]);
    expect(values(inv)).toMatchObject({
      supplierName: 'Blue Nile Textiles',
      supplierTaxId: 'ET-778812',
      supplierEmail: 'supply@bluenile.com',
      number: '7781',
      date: '2026-11-30',
      orderReference: 'LPO/55/26',
      subtotal: 112500,
      tax: 16875,
      total: 129375,
    });
    expect(linesOf(inv)).toEqual([
      ['CT-01', 'Cotton thread', 4, 3000, 12000],
      ['ZP-20', 'Zip 20 cm', 15, 6700, 100500],
    ]);
  });

  it('follows a table over two pages past repeated headers, page footers and "continued"', () => {
    const header: [number, Cell[]] = [
      100,
      [
        [40, 'Item'],
        [90, 'Description'],
        [300, 'Qty'],
        [360, 'Price'],
        [460, 'Total'],
      ],
    ];
    const line = (
      y: number,
      code: string,
      desc: string,
      q: number,
      p: string,
      a: string,
    ): [number, Cell[]] => [
      y,
      [[40, code], [90, desc], ending(320, String(q)), ending(410, p), ending(510, a)],
    ];
    const inv = parseInvoice([
      page(1, [
        [40, [[40, 'Kality Metal Works', 16]]],
        [
          60,
          [
            [40, 'Invoice Number'],
            [140, 'KMW/0042'],
            [300, 'Invoice date'],
            [380, '2026-11-28'],
          ],
        ],
        header,
        line(118, 'P-1', 'Angle iron 40x40', 10, '450.00', '4,500.00'),
        line(133, 'P-2', 'Flat bar 30x5', 4, '210.50', '842.00'),
        line(148, 'P-3', 'Round bar 12 mm', 20, '95.00', '1,900.00'),
        [800, [[250, 'Page 1 of 2']]],
      ]),
      page(2, [
        [40, [[40, 'Invoice KMW/0042 (continued)']]],
        header,
        line(118, 'P-4', 'Sheet 1 mm', 2, '1,250.00', '2,500.00'),
        line(133, 'P-5', 'Welding rods', 5, '80.00', '400.00'),
        [170, [[300, 'Subtotal'], ending(510, '10,142.00')]],
        [185, [[300, 'VAT (15%)'], ending(510, '1,521.30')]],
        [200, [[300, 'Amount due'], ending(510, '11,663.30')]],
        [800, [[250, 'Page 2 of 2']]],
      ]),
    ]);
    expect(linesOf(inv).map((l) => l[0])).toEqual(['P-1', 'P-2', 'P-3', 'P-4', 'P-5']);
    expect(inv.lines[3]!.amount.at!.page).toBe(2);
    expect(values(inv)).toMatchObject({
      supplierName: 'Kality Metal Works',
      number: 'KMW/0042',
      date: '2026-11-28',
      subtotal: 1014200,
      tax: 152130,
      total: 1166330,
    });
  });

  it('reads a table without a header, totals at the top, a phone and a bank account near the top', () => {
    const inv = parseInvoice([
      page(1, [
        [
          30,
          [
            [40, 'Abebe & Sons Trading', 16],
            [380, 'Amount due: 1,150.00'],
          ],
        ],
        [50, [[40, 'Account: 1000 2345 6789 (CBE)']]],
        [65, [[40, '+251 911 234 567']]],
        [
          80,
          [
            [40, 'Bill No. 5521'],
            [380, '15 Oct 2026'],
          ],
        ],
        [100, [[40, 'Previous balance'], ending(520, '2,000.00')]],
        [
          140,
          [
            [40, 'Exercise book 50 sheets'],
            ending(300, '100'),
            ending(400, '5.00'),
            ending(520, '500.00'),
          ],
        ],
        [155, [[40, 'Pen blue'], ending(300, '50'), ending(400, '10.00'), ending(520, '500.00')]],
        [190, [[300, 'Net amount'], ending(520, '1,000.00')]],
        [205, [[300, 'VAT'], ending(520, '150.00')]],
        [220, [[300, 'Total payable'], ending(520, '1,150.00')]],
      ]),
    ]);
    expect(values(inv)).toMatchObject({
      supplierName: 'Abebe & Sons Trading',
      supplierPhone: '+251 911 234 567',
      number: '5521',
      date: '2026-10-15',
      subtotal: 100000,
      tax: 15000,
      total: 115000,
    });
    expect(linesOf(inv)).toEqual([
      [null, 'Exercise book 50 sheets', 100, 500, 50000],
      [null, 'Pen blue', 50, 1000, 50000],
    ]);
  });

  it('reads european numbers and a skewed photo', () => {
    const rows: [number, Cell[]][] = [
      [40, [[40, 'Müller Werkzeug GmbH', 16]]],
      [
        60,
        [
          [40, 'Invoice no. 2026/118'],
          [330, 'Date 03.11.2026'],
        ],
      ],
      [
        100,
        [
          [40, 'Ref'],
          [100, 'Description'],
          [280, 'Quantity'],
          [350, 'Unit price'],
          [460, 'Amount'],
        ],
      ],
      [
        118,
        [
          [40, 'W-7'],
          [100, 'Drill set'],
          ending(320, '2'),
          ending(420, '1.234,50'),
          ending(530, '2 469,00 €'),
        ],
      ],
      [
        133,
        [
          [40, 'W-9'],
          [100, 'Saw blade'],
          ending(320, '10'),
          ending(420, '12,00'),
          ending(530, '120,00 €'),
        ],
      ],
      [170, [[330, 'Net amount'], ending(530, '2.589,00')]],
      [185, [[330, 'VAT 20%'], ending(530, '517,80')]],
      [200, [[330, 'Grand total'], ending(530, '3.106,80 EUR')]],
    ];
    for (const skew of [0, 0.015, -0.04]) {
      const inv = parseInvoice([page(1, rows, skew)]);
      expect(linesOf(inv), `skew ${skew}`).toEqual([
        ['W-7', 'Drill set', 2, 123450, 246900],
        ['W-9', 'Saw blade', 10, 1200, 12000],
      ]);
      expect(values(inv), `skew ${skew}`).toMatchObject({
        number: '2026/118',
        date: '2026-11-03',
        currency: 'EUR',
        subtotal: 258900,
        tax: 51780,
        total: 310680,
      });
    }
  });

  it('reads a credit note as kind credit with positive amounts', () => {
    const inv = parseInvoice([
      page(1, [
        [
          40,
          [
            [40, 'Acme Trading PLC', 16],
            [400, 'CREDIT NOTE', 14],
          ],
        ],
        [
          60,
          [
            [40, 'Credit Note No: CN-12'],
            [330, 'Date: 2026-11-02'],
          ],
        ],
        [
          100,
          [
            [40, 'Description'],
            [280, 'Qty'],
            [350, 'Price'],
            [460, 'Amount'],
          ],
        ],
        [
          118,
          [[40, 'Returned bolts'], ending(300, '4'), ending(420, '25.00'), ending(530, '(100.00)')],
        ],
        [160, [[330, 'Total'], ending(530, '(100.00)')]],
      ]),
    ]);
    expect(inv.kind).toBe('credit');
    expect(inv.number?.value).toBe('CN-12');
    expect(inv.total?.value).toBe(10000);
    expect(linesOf(inv)).toEqual([[null, 'Returned bolts', 4, 2500, 10000]]);
  });

  it('reads a photographed receipt: descriptions above figures, OCR slips repaired by the arithmetic', () => {
    const inv = parseInvoice([
      page(1, [
        [20, [[40, 'Abyssinia Packaging PLC', 14]]],
        [40, [[10, 'FS No.'], ending(220, '00412')]],
        [52, [[10, 'Date'], ending(220, '18/12/2026')]],
        [70, [[10, 'Nitrile gloves box of 100']]],
        [82, [[18, '48x529.60'], ending(220, '*25,420.80')]],
        [94, [[10, 'Date coding ink cartridge']]],
        // The price lost its separator: 145 × 3,393.00 is 491,985.00.
        [106, [[18, '145 x 339300'], ending(220, '+491,985.00')]],
        [118, [[10, 'Baking powder 1kg tin']]],
        // The quantity lost a digit: 53 × 298.30 is 15,809.90.
        [130, [[18, '5 x 298.30'], ending(220, '*15,809.90')]],
        [150, [[10, 'TXBL'], ending(220, '533 215,70')]],
        [162, [[10, 'TAX 15%'], ending(220, '79982,36')]],
        // OCR lost the space of "613 198,06".
        [174, [[10, 'TOTAL ETB'], ending(220, '613198,06')]],
      ]),
    ]);
    expect(linesOf(inv)).toEqual([
      [null, 'Nitrile gloves box of 100', 48, 52960, 2542080],
      [null, 'Date coding ink cartridge', 145, 339300, 49198500],
      [null, 'Baking powder 1kg tin', 53, 29830, 1580990],
    ]);
    expect(inv.lines[0]!.quantity.at!.confidence).toBeGreaterThan(0.9);
    expect(inv.lines[1]!.unitPrice.at!.confidence).toBeLessThan(0.7);
    expect(inv.lines[2]!.quantity.at!.confidence).toBeLessThan(0.7);
    expect(values(inv)).toMatchObject({
      number: '00412',
      date: '2026-12-18',
      subtotal: 53321570,
      tax: 7998236,
      total: 61319806,
    });
  });

  it('keeps lines whose descriptions hold label words, and finds a number printed after the title', () => {
    const inv = parseInvoice([
      page(1, [
        [30, [[40, 'Lucy Foods', 16]]],
        [55, [[40, 'INVOICE #5521']]],
        [
          100,
          [
            [40, 'Description'],
            [300, 'Qty'],
            [360, 'Price'],
            [460, 'Amount'],
          ],
        ],
        [
          118,
          [
            [40, 'Total protein powder 1kg'],
            ending(320, '2'),
            ending(420, '50.00'),
            ending(520, '100.00'),
          ],
        ],
        [133, [[40, 'Tax stamps'], ending(320, '10'), ending(420, '1.00'), ending(520, '10.00')]],
        [160, [[330, 'Total'], ending(520, '110.00')]],
      ]),
    ]);
    expect(linesOf(inv).map((l) => l[1])).toEqual(['Total protein powder 1kg', 'Tax stamps']);
    expect(values(inv)).toMatchObject({ number: '5521', total: 11000 });
    expect(inv.total!.at!.confidence).toBeGreaterThan(0.9);
  });

  it('takes a code the shop knows even when it looks like a word', () => {
    const inv = parseInvoice(
      [
        page(1, [
          [40, [[40, 'Shop Supply', 16]]],
          [
            100,
            [
              [40, 'WIDGET Blue widget'],
              ending(300, '2'),
              ending(400, '5.00'),
              ending(520, '10.00'),
            ],
          ],
          [140, [[330, 'Total'], ending(520, '10.00')]],
        ]),
      ],
      { knownCodes: new Set(['WIDGET']) },
    );
    expect(linesOf(inv)).toEqual([['WIDGET', 'Blue widget', 2, 500, 1000]]);
  });
});

// ---- Properties ------------------------------------------------------------------------------

const en = (minor: number) =>
  `${String(Math.floor(minor / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${String(minor % 100).padStart(2, '0')}`;

type Key = 'code' | 'desc' | 'qty' | 'price' | 'amount';
const HEADERS: Record<Key, readonly string[]> = {
  code: ['Code', 'SKU', 'Item code', 'Ref'],
  desc: ['Description', 'Particulars', 'Item description', 'Product'],
  qty: ['Qty', 'Quantity', 'Units'],
  price: ['Unit price', 'Price', 'Rate'],
  amount: ['Amount', 'Total', 'Line total'],
};
const WIDTH: Record<Key, number> = { code: 70, desc: 170, qty: 45, price: 80, amount: 90 };
const WORDS = [
  'Steel',
  'bolt',
  'Cotton',
  'thread',
  'Zip',
  'Paint',
  'white',
  'Flour',
  'Sugar',
  'bag',
  'Carton',
  'box',
  'Tape',
];

const lineArb = fc.record({
  code: fc.stringMatching(/^[A-Z]{2,3}-\d{2,4}$/),
  desc: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
  qty: fc.integer({ min: 1, max: 500 }),
  price: fc.integer({ min: 1, max: 999_999 }),
});
const tableArb = fc.record({
  order: fc.shuffledSubarray<Key>(['code', 'desc', 'qty', 'price', 'amount'], {
    minLength: 5,
    maxLength: 5,
  }),
  headers: fc.record({
    code: fc.constantFrom(...HEADERS.code),
    desc: fc.constantFrom(...HEADERS.desc),
    qty: fc.constantFrom(...HEADERS.qty),
    price: fc.constantFrom(...HEADERS.price),
    amount: fc.constantFrom(...HEADERS.amount),
  }),
  numbersHeaderRight: fc.boolean(),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
  taxRate: fc.constantFrom(0, 15),
});

type Table = typeof tableArb extends fc.Arbitrary<infer T> ? T : never;

/** A one-page invoice whose table has the given column order; the expected lines and total. */
function tableInvoice(t: Table, skew = 0) {
  const x: Partial<Record<Key, [number, number]>> = {};
  let at = 25;
  for (const key of t.order) {
    x[key] = [at, at + WIDTH[key]];
    at += WIDTH[key] + 15;
  }
  const cell = (key: Key, text: string, header: boolean): Cell => {
    const [left, right] = x[key]!;
    const numeric = key === 'qty' || key === 'price' || key === 'amount';
    return numeric && (!header || t.numbersHeaderRight) ? ending(right, text) : [left, text];
  };
  const rows: [number, Cell[]][] = [
    [40, [[40, 'Sample Supplies PLC', 16]]],
    [100, t.order.map((k) => cell(k, t.headers[k], true))],
  ];
  const lines = t.lines.map((l) => ({ ...l, amount: l.qty * l.price }));
  lines.forEach((l, i) => {
    const text: Record<Key, string> = {
      code: l.code,
      desc: l.desc,
      qty: String(l.qty),
      price: en(l.price),
      amount: en(l.amount),
    };
    rows.push([118 + i * 15, t.order.map((k) => cell(k, text[k], false))]);
  });
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  const tax = Math.round((subtotal * t.taxRate) / 100);
  const y = 130 + lines.length * 15;
  rows.push([y, [[330, 'Subtotal'], ending(560, en(subtotal))]]);
  rows.push([y + 15, [[330, `VAT ${t.taxRate}%`], ending(560, en(tax))]]);
  rows.push([y + 30, [[330, 'Total'], ending(560, en(subtotal + tax))]]);
  return { page: page(1, rows, skew), lines, subtotal, tax, total: subtotal + tax };
}

describe('parseInvoice properties', () => {
  it('recovers every line of a table in any column order, and the totals', () => {
    fc.assert(
      fc.property(tableArb, (t) => {
        const built = tableInvoice(t);
        const inv = parseInvoice([built.page]);
        expect(linesOf(inv)).toEqual(
          built.lines.map((l) => [l.code, l.desc, l.qty, l.price, l.amount]),
        );
        expect(values(inv)).toMatchObject({
          subtotal: built.subtotal,
          tax: built.tax,
          total: built.total,
        });
      }),
      { numRuns: 150 },
    );
  });

  it('recovers them as well from a photo left a few degrees off level', () => {
    fc.assert(
      fc.property(tableArb, fc.double({ min: -0.05, max: 0.05, noNaN: true }), (t, skew) => {
        const built = tableInvoice(t, skew);
        const inv = parseInvoice([built.page]);
        expect(linesOf(inv)).toEqual(
          built.lines.map((l) => [l.code, l.desc, l.qty, l.price, l.amount]),
        );
        expect(inv.total?.value).toBe(built.total);
      }),
      { numRuns: 100 },
    );
  });

  it('never takes an amount that is not labelled a total for the total', () => {
    const decoys = ['Deposit paid', 'Previous balance', 'Credit limit', 'Discount'];
    fc.assert(
      fc.property(
        tableArb,
        fc.array(fc.tuple(fc.constantFrom(...decoys), fc.integer({ min: 1, max: 99_999_999 })), {
          maxLength: 3,
        }),
        fc.integer({ min: -5000, max: 5000 }),
        (t, extra, off) => {
          const built = tableInvoice(t);
          // Decoy amounts above everything else, and a printed total that may not add up.
          const printed = Math.max(1, built.total + off);
          const words = built.page.words.filter((w) => w.text !== en(built.total) || w.y < 100);
          const top = extra.flatMap(([label, v], i) => [
            ...wordsOf(40, 62 + i * 12, label),
            ...wordsOf(300, 62 + i * 12, en(v)),
          ]);
          const totalRow = built.page.words.find((w) => w.text === 'Total' && w.y > 100)!;
          const inv = parseInvoice([
            {
              ...built.page,
              words: [
                ...top,
                ...words,
                ...wordsOf(560 - widthOf(en(printed)), totalRow.y, en(printed)),
              ],
            },
          ]);
          expect(inv.total?.value).toBe(printed);
          if (off !== 0) expect(inv.total!.at!.confidence).toBeLessThan(0.7);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never throws on random words, and every confidence is between 0 and 1', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        'Total',
        '1,234.50',
        'Qty',
        'Price',
        'Amount',
        'Invoice',
        'No.',
        'Date',
        '30/11/2026',
        'VAT',
        '15%',
        '(1.00)',
        'ETB',
        'Bill',
        'to:',
        '-',
        '',
        ' ',
        '2',
        '3',
        '6.00',
        'Description',
        'Subtotal',
        'TIN',
        'O1l',
      ),
    );
    const word = fc.record({
      text,
      x: fc.double({ min: -50, max: 700 }),
      y: fc.double({ min: -50, max: 900 }),
      w: fc.double({ min: 0, max: 200 }),
      h: fc.oneof(fc.double({ min: 0, max: 30 }), fc.constant(Number.NaN)),
      confidence: fc.double({ min: 0, max: 1 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(word, { maxLength: 60 }), { minLength: 1, maxLength: 3 }),
        (pages) => {
          const inv = parseInvoice(
            pages.map((words, i) => ({
              number: i + 1,
              width: 595,
              height: 842,
              unit: 'pt',
              words,
            })),
          );
          const reads = [
            ...Object.values(inv).filter(
              (v): v is { at: { confidence: number } | null } =>
                !!v && typeof v === 'object' && 'at' in v,
            ),
            ...inv.lines
              .flatMap((l) => [l.code, l.description, l.quantity, l.unitPrice, l.amount])
              .filter((r) => r !== null),
          ];
          for (const r of reads) {
            expect(r.at?.confidence ?? 0).toBeGreaterThanOrEqual(0);
            expect(r.at?.confidence ?? 0).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- The generator's invoices, as a perfect text layer ----------------------------------------

describe('parseInvoice on generated invoices', () => {
  it('reads every field of 200 invoices of every layout from their ideal words', () => {
    const fields = [
      'kind',
      'supplierName',
      'supplierTaxId',
      'supplierPhone',
      'supplierEmail',
      'number',
      'date',
      'currency',
      'orderReference',
      'subtotal',
      'tax',
      'total',
      'lines',
    ] as const;
    const right = new Map<string, number>();
    const misses: string[] = [];
    const seeds = 200;
    for (const layout of LAYOUTS)
      for (let seed = 1; seed <= seeds; seed++) {
        const inv = makeInvoice(seed, layout);
        const read = parseInvoice(truthWords(inv), { today: '2026-12-31' });
        const t = inv.truth;
        const got: Record<(typeof fields)[number], unknown> = {
          ...values(read),
          lines: JSON.stringify(linesOf(read)),
        };
        const want: Record<(typeof fields)[number], unknown> = {
          ...t,
          lines: JSON.stringify(
            t.lines.map((l) => [l.code, l.description, l.quantity, l.unitPrice, l.amount]),
          ),
        };
        for (const f of fields) {
          const key = `${layout} ${f}`;
          if (got[f] === (want[f] ?? null)) right.set(key, (right.get(key) ?? 0) + 1);
          else if (misses.length < 10) misses.push(`${key} seed ${seed}: ${String(got[f])}`);
        }
      }
    const table = fields.map((f) => {
      const perLayout = LAYOUTS.map((l) => (right.get(`${l} ${f}`) ?? 0) / seeds);
      return `${f.padEnd(15)} ${perLayout.map((r) => `${(r * 100).toFixed(1)}%`.padStart(7)).join('')}`;
    });
    console.log(
      `Field accuracy on ideal words (${seeds} seeds each)\n${' '.repeat(15)} ${LAYOUTS.map((l) => l.slice(0, 6).padStart(7)).join('')}\n${table.join('\n')}`,
    );
    expect(misses).toEqual([]);
  });
});
