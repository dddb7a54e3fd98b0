// Reading a supplier invoice with the AI model (core/invoices/model.ts) through head office's
// service and the real `openai` client, over real HTTP against the local stand-in: each JSON
// mode, page pictures to a model that sees and to one that does not, every failure answered in
// words, and the rule that a figure the document does not print is never taken as read.
import { afterEach, describe, expect, it } from 'vitest';
import type { Page, Read, ReadInvoice, Word } from '../../core/invoices/document';
import { readWithModel, type ModelDocument } from '../../core/invoices/model';
import {
  startOpenAiStandIn,
  type OpenAiStandIn,
  type StandInOptions,
} from '../testing/openai-server';
import { HeadOfficeAi, type AiSettingsStore } from './service';

const KEY = 'sk-test-stand-in';
const MODEL = 'stand-in-model';

/** A page laid out from text rows: words split at spaces, three spaces a column gap. */
function pageOf(rows: string[]): Page {
  const words: Word[] = [];
  rows.forEach((row, r) => {
    let x = 40;
    for (const piece of row.split(/( {3,}| )/)) {
      if (piece.trim() === '') {
        x += piece.length > 1 ? 60 : 6;
        continue;
      }
      words.push({ text: piece, x, y: 40 + r * 20, w: piece.length * 6, h: 10, confidence: 1 });
      x += piece.length * 6;
    }
  });
  return { number: 1, width: 600, height: 800, unit: 'pt', words };
}

const ROWS = [
  'Awash Cotton Share Company',
  'TIN: 0012345678   Tel: +251 911 234 567',
  'Invoice No: INV-2026-0042   Date: 05/12/2026',
  'Your order: SH01-P-000001',
  'Code   Description   Qty   Unit price   Amount',
  'AW-100   Cotton T-shirt white M   10   90.00   900.00',
  'AW-200   Cotton T-shirt black M   5   95.00   475.00',
  'AW-300   Socks grey   3   10.00   35.00',
  'Subtotal   1,410.00',
  'VAT 15%   211.50',
  'Total ETB   1,621.50',
];
const page = pageOf(ROWS);
const doc: ModelDocument = { pages: [page], text: ROWS.join('\n') };

const line = (code: string, description: string, q: number, u: string, a: string) => ({
  code,
  description,
  quantity: q,
  unit_price: u,
  amount: a,
});

const GOOD = {
  supplier_name: 'Awash Cotton Share Company',
  supplier_tax_id: '0012345678',
  supplier_phone: '+251 911 234 567',
  supplier_email: null,
  invoice_number: 'INV-2026-0042',
  date: '2026-12-05',
  currency: 'ETB',
  order_reference: 'SH01-P-000001',
  kind: 'invoice',
  subtotal: '1410.00',
  tax: 211.5,
  total: '1,621.50',
  lines: [
    line('AW-100', 'Cotton T-shirt white M', 10, '90.00', '900.00'),
    line('AW-200', 'Cotton T-shirt black M', 5, '95.00', '475.00'),
    line('AW-300', 'Socks grey', 3, '10.00', '35.00'),
  ],
};

const EMPTY: ReadInvoice = {
  kind: 'invoice',
  supplierName: null,
  supplierTaxId: null,
  supplierPhone: null,
  supplierEmail: null,
  number: null,
  date: null,
  currency: null,
  orderReference: null,
  subtotal: null,
  tax: null,
  total: null,
  lines: [],
};

/** The box of the word(s) printed as `text` on the test page. */
function boxOf(text: string) {
  const parts = text.split(' ');
  const i = page.words.findIndex((_, k) => parts.every((p, j) => page.words[k + j]?.text === p));
  const first = page.words[i]!;
  const last = page.words[i + parts.length - 1]!;
  return { x: first.x, y: first.y, w: last.x + last.w - first.x, h: 10 };
}

let open: OpenAiStandIn[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

async function setUp(options: Partial<StandInOptions> = {}, timeoutSeconds = 5) {
  const server = await startOpenAiStandIn({
    apiKey: KEY,
    models: [MODEL],
    answer: () => JSON.stringify(GOOD),
    ...options,
  });
  open.push(server);
  const settings = new Map<string, string>();
  const store: AiSettingsStore = {
    setting: (key) => Promise.resolve(settings.get(key) ?? null),
    setSetting: (key, value) => {
      if (value === null) settings.delete(key);
      else settings.set(key, value);
      return Promise.resolve();
    },
  };
  const ai = new HeadOfficeAi(store);
  await ai.saveSettings(
    { enabled: true, baseUrl: server.url, model: MODEL, apiKey: KEY, timeoutSeconds },
    'admin-1',
  );
  return { ai, server };
}

const statuses = (s: OpenAiStandIn) => s.calls.map((c) => [c.format, c.status]);

describe('the model reads the invoice', () => {
  it('with structured outputs: every value placed on the words that print it', async () => {
    const { ai, server } = await setUp();
    const read = await readWithModel(ai, doc, EMPTY);
    if (!read.ok) throw new Error(read.message);
    expect(read).toMatchObject({ model: MODEL, withoutImages: false, unconfirmed: [] });
    const inv = read.invoice;
    expect(inv).toMatchObject({
      supplierName: { value: 'Awash Cotton Share Company' },
      supplierTaxId: { value: '0012345678' },
      supplierPhone: { value: '+251 911 234 567', at: { box: boxOf('+251 911 234 567') } },
      number: { value: 'INV-2026-0042', at: { box: boxOf('INV-2026-0042') } },
      date: { value: '2026-12-05', at: { box: boxOf('05/12/2026') } },
      currency: { value: 'ETB' },
      orderReference: { value: 'SH01-P-000001' },
      subtotal: { value: 141_000, at: { box: boxOf('1,410.00'), by: 'model' } },
      tax: { value: 21_150, at: { box: boxOf('211.50') } },
      total: { value: 162_150, at: { box: boxOf('1,621.50'), by: 'model', confidence: 1 } },
    });
    expect(inv.lines).toHaveLength(3);
    expect(inv.lines[0]).toMatchObject({
      code: { value: 'AW-100', at: { box: boxOf('AW-100') } },
      description: {
        value: 'Cotton T-shirt white M',
        at: { box: boxOf('Cotton T-shirt white M') },
      },
      quantity: { value: 10, at: { box: boxOf('10') } },
      unitPrice: { value: 9_000, at: { box: boxOf('90.00') } },
      amount: { value: 90_000, at: { box: boxOf('900.00') } },
    });
    // A "5" printed elsewhere is not the second line's: its own row's is.
    expect(inv.lines[1]!.quantity.at?.box.y).toBe(boxOf('AW-200').y);
    // The line that does not add up (3 × 10.00 ≠ 35.00) is kept as printed, for the checks.
    expect(inv.lines[2]).toMatchObject({ quantity: { value: 3 }, amount: { value: 3_500 } });
    expect(statuses(server)).toEqual([['json_schema', 200]]);
    const prompt = JSON.stringify(server.calls[0]!.body);
    expect(prompt).toContain('AW-100   Cotton T-shirt white M   10   90.00   900.00');
    expect(prompt).toMatch(/Never invent/);
  });

  it('with JSON mode only, and with neither mode (the JSON found in fences)', async () => {
    const { ai, server } = await setUp({ capability: 'json_object' });
    expect(await readWithModel(ai, doc, EMPTY)).toMatchObject({ ok: true });
    expect(statuses(server)).toEqual([
      ['json_schema', 400],
      ['json_object', 200],
    ]);
    const plain = await setUp({
      capability: 'none',
      answer: () => `Here is the invoice:\n\`\`\`json\n${JSON.stringify(GOOD)}\n\`\`\``,
    });
    const read = await readWithModel(plain.ai, doc, EMPTY);
    expect(read).toMatchObject({ ok: true, invoice: { total: { value: 162_150 } } });
    expect(statuses(plain.server).map((s) => s[1])).toEqual([400, 400, 200]);
  });
});

describe('page pictures', () => {
  const png = Buffer.from('\x89PNG\r\n\x1a\n-a-page-').toString('base64');
  const withImage: ModelDocument = { ...doc, images: [{ mime: 'image/png', base64: png }] };

  it('go to a model that sees, as image parts of the message', async () => {
    let seen: unknown[] = [];
    const { ai, server } = await setUp({
      answer: (r) => {
        seen = r.images;
        return JSON.stringify(GOOD);
      },
    });
    const read = await readWithModel(ai, withImage, EMPTY);
    expect(read).toMatchObject({ ok: true, withoutImages: false });
    expect(seen).toEqual([{ mime: 'image/png', base64: png, bytes: 17 }]);
    expect(JSON.stringify(server.calls[0]!.body)).toContain(`data:image/png;base64,${png}`);
  });

  it('a server without vision refuses them, and the text alone is asked once more', async () => {
    const { ai, server } = await setUp({ vision: false });
    const read = await readWithModel(ai, withImage, EMPTY);
    expect(read).toMatchObject({ ok: true, withoutImages: true });
    expect(statuses(server)).toEqual([
      ['json_schema', 400],
      ['json_schema', 200],
    ]);
    expect(JSON.stringify(server.calls[1]!.body)).not.toContain('image_url');
  });

  it('a picture too large or not base64 is refused in OpenAI’s words', async () => {
    const { ai, server } = await setUp({ maxImageBytes: 8 });
    const big = await readWithModel(ai, withImage, EMPTY);
    expect(big).toMatchObject({ ok: false, reason: 'refused' });
    expect(!big.ok && big.message).toMatch(/Image is too large: 17 bytes/);
    server.set({ maxImageBytes: 20 * 1024 * 1024 });
    const bad = await readWithModel(
      ai,
      { ...doc, images: [{ mime: 'image/jpeg', base64: 'not base64!' }] },
      EMPTY,
    );
    expect(!bad.ok && bad.message).toMatch(/valid base64/);
  });
});

describe('what goes wrong is an answer, in words, or is recovered from', () => {
  it('malformed JSON', async () => {
    const { ai } = await setUp({ answer: () => '{"supplier_name": "Awash", "lines": [' });
    const read = await readWithModel(ai, doc, EMPTY);
    expect(read).toMatchObject({ ok: false, reason: 'unparsable' });
    expect(!read.ok && read.message).toMatch(/not JSON/);
  });

  it('JSON that is not the invoice asked for', async () => {
    const { ai } = await setUp({ answer: () => '{"supplier": "Awash"}' });
    const read = await readWithModel(ai, doc, EMPTY);
    expect(read).toMatchObject({ ok: false, reason: 'schema_mismatch' });
  });

  it('429 once, then the answer', async () => {
    const { ai, server } = await setUp({ rateLimit: { requests: 1, retryAfterSeconds: 0.1 } });
    expect(await readWithModel(ai, doc, EMPTY)).toMatchObject({ ok: true });
    expect(server.calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it('a server error: retried once, then said', async () => {
    let failures = 1;
    const { ai, server } = await setUp({
      answer: () => {
        if (failures-- > 0) throw new Error('CUDA out of memory');
        return JSON.stringify(GOOD);
      },
    });
    expect(await readWithModel(ai, doc, EMPTY)).toMatchObject({ ok: true });
    expect(server.calls.map((c) => c.status)).toEqual([500, 200]);
    failures = 5;
    const read = await readWithModel(ai, doc, EMPTY);
    expect(read).toMatchObject({ ok: false, reason: 'refused' });
    expect(!read.ok && read.message).toMatch(/\(500\).*CUDA out of memory/);
  });

  it('a model slower than the time allowed', async () => {
    const { ai } = await setUp({ delayMs: 5000 }, 0.3);
    const started = Date.now();
    const read = await readWithModel(ai, doc, EMPTY);
    expect(read).toMatchObject({ ok: false, reason: 'timeout' });
    expect(!read.ok && read.message).toMatch(/no answer within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('never an invented figure', () => {
  it('a line and a total the text does not print are kept without a place', async () => {
    const { ai } = await setUp({
      answer: () =>
        JSON.stringify({
          ...GOOD,
          total: '1871.50',
          lines: [...GOOD.lines, line('DL-1', 'Delivery charge', 1, '250.00', '250.00')],
        }),
    });
    const read = await readWithModel(ai, doc, EMPTY);
    if (!read.ok) throw new Error(read.message);
    expect(read.invoice.total).toEqual({ value: 187_150, at: null });
    expect(read.invoice.lines[3]).toMatchObject({
      code: { value: 'DL-1', at: null },
      description: { value: 'Delivery charge', at: null },
      amount: { value: 25_000, at: null },
    });
    expect(read.unconfirmed).toEqual([
      'total',
      'lines.3.code',
      'lines.3.description',
      // No "1" is printed anywhere on the page.
      'lines.3.quantity',
      'lines.3.unitPrice',
      'lines.3.amount',
    ]);
  });
});

describe('figures the model gives in other forms', () => {
  it('a printed date, a grouped amount, a fractional quantity, a line without figures', async () => {
    const { ai } = await setUp({
      answer: () =>
        JSON.stringify({
          ...GOOD,
          date: '5 Dec 2026',
          subtotal: 'ETB 1,410.00',
          lines: [
            { ...GOOD.lines[0], quantity: 2.5 },
            GOOD.lines[1],
            line('AW-300', 'Socks grey', 3, '10.00', '35.00'),
            {
              code: null,
              description: 'Thank you for your business',
              quantity: null,
              unit_price: null,
              amount: null,
            },
          ],
        }),
    });
    const read = await readWithModel(ai, doc, EMPTY);
    if (!read.ok) throw new Error(read.message);
    expect(read.invoice.date).toMatchObject({
      value: '2026-12-05',
      at: { box: boxOf('05/12/2026') },
    });
    expect(read.invoice.subtotal).toMatchObject({ value: 141_000, at: { box: boxOf('1,410.00') } });
    expect(read.invoice.lines[0]!.quantity).toEqual({ value: 3, at: null });
    expect(read.invoice.lines).toHaveLength(3);
    expect(read.skippedLines).toBe(1);
  });
});

describe('merged with the rules’ reading', () => {
  const rules = (over: Partial<ReadInvoice>): ReadInvoice => ({ ...EMPTY, ...over });
  const byRules = <T>(value: T, box: { x: number; y: number }, confidence = 0.6): Read<T> => ({
    value,
    at: { page: 1, box: { ...box, w: 30, h: 10 }, confidence, by: 'rules' },
  });

  it('agreeing: the surer stays; differing: the one the sums back', async () => {
    const { ai } = await setUp();
    // An OCR page: the model's tax is found on a word read at 0.8, the rules' at 0.99.
    const ocr: Page = {
      ...page,
      words: page.words.map((w) => (w.text === '211.50' ? { ...w, confidence: 0.8 } : w)),
    };
    const read = await readWithModel(
      ai,
      { ...doc, pages: [ocr] },
      rules({
        // OCR read 1,621.50 as 1,521.50: both on the page, only the model's adds up.
        subtotal: byRules(141_000, boxOf('1,410.00'), 0.55),
        tax: byRules(21_150, boxOf('211.50'), 0.99),
        total: byRules(152_150, boxOf('1,621.50'), 0.7),
        number: byRules('INV-2026-0042', boxOf('INV-2026-0042'), 0.5),
      }),
    );
    if (!read.ok) throw new Error(read.message);
    expect(read.invoice.subtotal?.at).toMatchObject({ by: 'model', confidence: 1 });
    expect(read.invoice.tax?.at).toMatchObject({ by: 'rules', confidence: 0.99 });
    expect(read.invoice.total).toMatchObject({ value: 162_150, at: { by: 'model' } });
    expect(read.invoice.number?.at?.by).toBe('model');
  });

  it('a line the rules read is kept beside the model’s, and a paired line merged', async () => {
    const { ai } = await setUp({
      answer: () => JSON.stringify({ ...GOOD, lines: GOOD.lines.slice(0, 2) }),
    });
    const socks = {
      code: byRules('AW-300', boxOf('AW-300')),
      description: byRules('Socks grey', boxOf('Socks grey')),
      quantity: byRules(3, { x: 300, y: boxOf('AW-300').y }),
      unitPrice: byRules(1_000, { x: 340, y: boxOf('AW-300').y }),
      amount: byRules(3_500, { x: 400, y: boxOf('AW-300').y }),
    };
    const tee = {
      code: byRules('AW-100', boxOf('AW-100')),
      description: byRules('Cotton T-shirt white M', boxOf('AW-100')),
      // Misread: 16 × 90.00 does not make 900.00; the model's 10 does, and is on the page.
      quantity: byRules(16, { x: 300, y: boxOf('AW-100').y }),
      unitPrice: byRules(9_000, boxOf('90.00')),
      amount: byRules(90_000, boxOf('900.00'), 0.9),
    };
    const read = await readWithModel(ai, doc, rules({ lines: [socks, tee] }));
    if (!read.ok) throw new Error(read.message);
    expect(read.invoice.lines.map((l) => [l.description.value, l.quantity.value])).toEqual([
      ['Cotton T-shirt white M', 10],
      ['Cotton T-shirt black M', 5],
      ['Socks grey', 3],
    ]);
    expect(read.invoice.lines[0]!.amount.at?.confidence).toBe(1);
  });

  it('two lines of the same amount but different products stay two', async () => {
    const { ai } = await setUp();
    const y = boxOf('AW-300').y + 5;
    const belt = {
      code: null,
      description: byRules('Leather belt', { x: 100, y }),
      quantity: byRules(1, { x: 300, y }),
      unitPrice: byRules(47_500, { x: 340, y }),
      amount: byRules(47_500, { x: 400, y }),
    };
    const read = await readWithModel(ai, doc, rules({ lines: [belt] }));
    if (!read.ok) throw new Error(read.message);
    expect(read.invoice.lines.map((l) => l.description.value)).toEqual([
      'Cotton T-shirt white M',
      'Cotton T-shirt black M',
      'Socks grey',
      'Leather belt',
    ]);
  });

  it('a credit note only when the page says credit', async () => {
    const { ai } = await setUp({ answer: () => JSON.stringify({ ...GOOD, kind: 'credit' }) });
    expect(await readWithModel(ai, doc, EMPTY)).toMatchObject({ invoice: { kind: 'invoice' } });
    const credit = { ...doc, pages: [pageOf(['CREDIT NOTE', ...ROWS])] };
    expect(await readWithModel(ai, credit, EMPTY)).toMatchObject({ invoice: { kind: 'credit' } });
  });
});
