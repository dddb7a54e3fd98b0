import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  formatMoney,
  renderDispatchNote,
  renderOrderSheet,
  renderPaymentProof,
  type Slip,
} from './documents';
import { loadFonts } from './fonts';
import { splitRuns, visualOrder } from './text';
import type { OrderDetail } from '../orders/queries';

// Names in every script the shops use; pdftotext must give each back exactly, which it can only
// do if the glyphs were printed from a font that has them.
const names = [
  'ቡና ስኒ',
  'Чашка',
  'Φλιτζάνι',
  'Café crème brûlée',
  'Ölkännchen Ångström',
  'كوب شاي كبير',
];
const shopName = 'አዲስ አበባ ሱቅ';
const placedAt = Date.UTC(2026, 2, 14, 9, 30);

function makeOrder(
  lineCount: number,
  status: OrderDetail['status'] = 'payment_verified',
): OrderDetail {
  const lines = Array.from({ length: lineCount }, (_, i) => {
    const quantity = (i % 7) + 1;
    const unitPrice = 12_345 + i * 1_001;
    const dispatchedQty = quantity;
    return {
      lineNo: i + 1,
      variantId: `v${i + 1}`,
      sku: `SKU-${String(i + 1).padStart(4, '0')}`,
      name: names[i % names.length] ?? 'item',
      quantity,
      unitPrice,
      lineTotal: quantity * unitPrice,
      dispatchedQty,
      receivedQty: status === 'delivered' ? dispatchedQty - (i === 1 ? 1 : 0) : null,
      confirmedQty: status === 'delivered' ? dispatchedQty : 0,
      cancelledQty: 0,
    };
  });
  const at = (minutes: number) => placedAt + minutes * 60_000;
  return {
    id: 'o1',
    number: 'ORD-2026-00042',
    shopId: 'b2',
    shopName,
    factoryId: 'b1',
    status,
    total: lines.reduce((sum, l) => sum + l.lineTotal, 0),
    paid: 0,
    paymentFlag: null,
    priced: true,
    payments: [],
    backordered: 0,
    lineCount,
    placedAt,
    updatedAt: at(90),
    shopCode: 'SH01',
    factoryName: 'Main Factory',
    note: 'Please pack the ቡና ስኒ cups in double boxes.',
    placedByName: 'Abebe Kebede',
    rejectionReason: null,
    cancelReason: null,
    vehicle: 'AA 3-45678',
    driverName: 'Дмитрий Петров',
    plannedDispatchOn: '2026-03-16',
    dispatchedAt: status === 'dispatched' || status === 'delivered' ? at(60) : null,
    deliveredAt: status === 'delivered' ? at(90) : null,
    lines,
    timeline: [
      {
        step: 'placed',
        statusAfter: 'placed',
        at: at(0),
        userId: 'u1',
        userName: 'Abebe Kebede',
        deviceId: 'd1',
        note: null,
      },
      {
        step: 'slip_attached',
        statusAfter: 'slip_attached',
        at: at(10),
        userId: 'u1',
        userName: 'Abebe Kebede',
        deviceId: 'd1',
        note: 'slip.png',
      },
      {
        step: 'payment_verified',
        statusAfter: 'payment_verified',
        at: at(30),
        userId: 'u2',
        userName: 'Selam',
        deviceId: 'd2',
        note: 'Checked with the bank',
      },
    ],
    slips: [
      {
        fileHash: 'a'.repeat(64),
        mime: 'image/png',
        size: 100,
        originalName: 'slip.png',
        attachedAt: at(10),
        status: 'verified',
        reason: null,
      },
    ],
    discrepancies:
      status === 'delivered'
        ? [
            {
              lineNo: 2,
              sku: 'SKU-0002',
              dispatched: 2,
              received: 1,
              shortage: 1,
              note: 'One cup arrived broken',
            },
          ]
        : [],
  };
}

// A real PNG, written byte by byte so the test does not depend on the code it checks.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function makePng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.from([0, ...Array.from({ length: width }, (_, x) => [x * 20, y * 30, 200]).flat()]),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// poppler's pdftotext reads the documents back; .ci/setup installs it. Missing, the tests fail loudly.
execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'fse-pdf-'));
let files = 0;
function saved(pdf: Buffer): string {
  const file = join(dir, `doc-${++files}.pdf`);
  writeFileSync(file, pdf);
  return file;
}
const textOf = (pdf: Buffer) =>
  // The no-break space between a currency symbol and its amount reads as a space.
  execFileSync('pdftotext', ['-layout', saved(pdf), '-'], { encoding: 'utf8' }).replace(
    /\u00a0/g,
    ' ',
  );
const pagesOf = (pdf: Buffer) =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [saved(pdf)], { encoding: 'utf8' }))?.[1]);

const opts = {
  company: 'Habesha Ceramics',
  currency: { code: 'ETB', symbol: 'ETB', minorUnits: 2 },
  timeZone: 'UTC',
};

describe('formatMoney', () => {
  it('prints whole minor units with two decimals and thousands separators', () => {
    expect(formatMoney(0)).toBe('0.00');
    expect(formatMoney(5)).toBe('0.05');
    expect(formatMoney(100)).toBe('1.00');
    expect(formatMoney(123_450)).toBe('1,234.50');
    expect(formatMoney(123_456_789)).toBe('1,234,567.89');
    expect(formatMoney(-5)).toBe('-0.05');
    expect(formatMoney(-123_456_789)).toBe('-1,234,567.89');
    expect(formatMoney(99_999, 'ETB')).toBe('ETB 999.99');
    expect(() => formatMoney(1.5)).toThrow();
  });
});

describe('font fallback', () => {
  const chain = loadFonts().regular;
  const fontsOf = (text: string) => splitRuns(text, chain).map((r) => [r.font.name, r.text]);

  it('gives each script the first font that has it, keeping spaces with their words', () => {
    expect(fontsOf('Чашка crème')).toEqual([['NotoSans-Regular', 'Чашка crème']]);
    expect(fontsOf('ቡና ስኒ, 2 pcs')).toEqual([
      ['NotoSansEthiopic-Regular', 'ቡና ስኒ'],
      ['NotoSans-Regular', ', 2 pcs'],
    ]);
  });

  it('lays a right-to-left stretch out in reverse, numbers included', () => {
    const drawn = visualOrder(splitRuns('Cup كوب شاي 250 مل', chain)).map((r) => r.text);
    expect(drawn).toEqual(['Cup ', 'مل', ' ', '250', ' ', 'شاي', ' ', 'كوب']);
  });

  it('prints Chinese from the CJK font, full-width brackets and all', () => {
    expect(fontsOf('青花瓷茶杯（大） 2 pcs')).toEqual([
      ['NotoSansCJKsc-Regular', '青花瓷茶杯（大）'],
      ['NotoSans-Regular', ' 2 pcs'],
    ]);
  });
});

describe('order documents', () => {
  it('prints the order sheet with names in every script and the total of the lines', async () => {
    const order = makeOrder(names.length);
    const pdf = await renderOrderSheet(order, opts);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = textOf(pdf);
    for (const name of [...names, shopName, order.number]) expect(text).toContain(name);
    const total = order.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
    expect(formatMoney(total)).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    expect(text).toContain(`Total: ETB ${formatMoney(total)}`);
    expect(text).toContain(formatMoney(order.lines[0]?.lineTotal ?? -1));
    expect(text).toContain('Checked with the bank');
  });

  it('continues a long order on more pages, repeating the header row', async () => {
    const order = makeOrder(120);
    const pdf = await renderOrderSheet(order, opts);
    const pages = pagesOf(pdf);
    expect(pages).toBeGreaterThan(1);
    const text = textOf(pdf);
    expect(text).toContain('SKU-0120');
    const withItems = text.split('\f').filter((page) => /SKU-\d{4}/.test(page));
    expect(withItems.length).toBeGreaterThan(1);
    for (const page of withItems) expect(page).toContain('Line total');
    expect(text).toContain(`Page ${pages} of ${pages}`);
  });

  it('prints the same bytes for the same order', async () => {
    const order = makeOrder(30);
    const [a, b] = await Promise.all([
      renderOrderSheet(order, opts),
      renderOrderSheet(order, opts),
    ]);
    expect(a.equals(b)).toBe(true);
  });

  it('embeds an image slip in the payment proof', async () => {
    const order = makeOrder(3);
    const slip: Slip = {
      bytes: makePng(12, 8),
      mime: 'image/png',
      originalName: 'slip.png',
      attachedAt: placedAt + 600_000,
    };
    const pdf = await renderPaymentProof(order, slip, opts);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain('/Subtype /Image');
    const text = textOf(pdf);
    expect(text).toContain(`Amount due: ETB ${formatMoney(order.total)}`);
    expect(text).toContain('Verified by Selam');
    expect(text).toContain(shopName);
    expect(text).toContain('slip.png');
  });

  it('says where a PDF slip is, and when there is no slip yet', async () => {
    const order = makeOrder(2, 'slip_attached');
    const pdfSlip = await renderOrderSheet(order, opts);
    const slip: Slip = {
      bytes: pdfSlip,
      mime: 'application/pdf',
      originalName: 'bank.pdf',
      attachedAt: placedAt + 600_000,
    };
    const withPdf = await renderPaymentProof(order, slip, opts);
    const none = await renderPaymentProof(order, null, opts);
    expect(withPdf.toString('latin1')).not.toContain('/Subtype /Image');
    expect(textOf(withPdf)).toContain('The slip is a PDF document');
    expect(textOf(none)).toContain('No payment slip has been attached');
  });

  it('prints the dispatch note with signature blanks, and what arrived once delivered', async () => {
    const dispatched = await renderDispatchNote(makeOrder(4, 'dispatched'), opts);
    const delivered = await renderDispatchNote(makeOrder(4, 'delivered'), opts);
    expect(dispatched.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const before = textOf(dispatched);
    for (const s of [
      'AA 3-45678',
      'Дмитрий Петров',
      '2026-03-16',
      'Signature',
      'Received by',
      'ቡና ስኒ',
    ])
      expect(before).toContain(s);
    expect(before).not.toContain('Discrepancies');
    const after = textOf(delivered);
    expect(after).toContain('Discrepancies');
    expect(after).toContain('One cup arrived broken');
    expect(after).toMatch(/Received\s+Short/);
  });

  it('prints dispatched and back-ordered quantities, and the payments received, in the currency', async () => {
    const base = makeOrder(2, 'dispatched');
    const lines = base.lines.map((l, i) =>
      i === 0 ? { ...l, quantity: 12, dispatchedQty: 10 } : { ...l, cancelledQty: 0 },
    );
    const note = textOf(await renderDispatchNote({ ...base, lines, backordered: 2 }, opts));
    expect(note).toMatch(/Dispatched\s+Backorder/);
    expect(note).toMatch(/12\s+10\s+2\s/);
    expect(note).toContain('back-ordered 2');
    const paid = {
      ...base,
      paid: 2340,
      payments: [
        {
          amount: 2340,
          due: base.total,
          receivedOn: '2026-03-15',
          reference: 'CBE-778812',
          recordedAt: placedAt,
          recordedByName: 'Selam',
        },
      ],
    };
    const proof = textOf(await renderPaymentProof(paid, null, opts));
    expect(proof).toContain('CBE-778812');
    expect(proof).toContain(`Amount due: ETB ${formatMoney(base.total - 2340)}`);
    expect(proof).toMatch(/ETB 23\.40\s+ETB [\d,.]+\s+NO/);
  });
});
