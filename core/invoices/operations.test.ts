// Supplier invoices on a real database (decision 0033): a file uploaded once by its bytes, read
// by the real reader (text layer and rules), posted after review in one transaction that moves
// the supplier's price (with its history) and the variant's cost, refused with the field named
// when it does not add up or is a duplicate, and reversed by new entries.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRow } from '../db/rows';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { invoiceReader } from './reader';
import { invoicePdf, makeInvoice } from './testing/generate';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function world() {
  const w = await openDemo();
  w.core.services = { invoices: invoiceReader(() => undefined) };
  const admin = w.as('admin');
  const supplier = await admin('suppliers.save', {
    name: 'Awash Cotton',
    taxId: '0012345678',
    currencyCode: 'ETB',
    leadTimeDays: 5,
  });
  const tee = w.variant['TS-WHT-M']!;
  const item = await admin('supplierItems.save', {
    supplierId: supplier.id,
    variantId: tee,
    supplierCode: 'AW-100',
    price: 9_000,
    packSize: 12,
  });
  return { w, admin, supplierId: supplier.id, itemId: item.id, tee };
}

const num = z.object({ n: z.number().int().nullable() });
const sql = (w: DemoWorld, text: string, ...args: unknown[]) =>
  parseRow(num, w.core.db.sqlite.prepare(text).get(...args))?.n ?? null;
const events = (w: DemoWorld) => sql(w, `SELECT count(*) AS n FROM events`);
const costOf = (w: DemoWorld, variantId: string) =>
  sql(w, `SELECT cost AS n FROM variant_costs WHERE variant_id = ?`, variantId);

async function uploaded(w: DemoWorld, seed = 3) {
  const pdf = await invoicePdf(makeInvoice(seed, 'classic'));
  return w.as('shop1')('invoices.upload', {
    fileName: `invoice-${seed}.pdf`,
    contentBase64: pdf.toString('base64'),
  });
}

const today = () => new Date().toISOString().slice(0, 10);

const posting = (supplierId: string, tee: string, unitPrice: number, quantity = 10) => ({
  kind: 'invoice' as const,
  supplierId,
  number: 'AW/2026/0042',
  date: today(),
  currencyCode: 'ETB',
  subtotal: quantity * unitPrice,
  tax: Math.round(quantity * unitPrice * 0.15),
  total: quantity * unitPrice + Math.round(quantity * unitPrice * 0.15),
  lines: [
    {
      variantId: tee,
      supplierCode: 'AW-100',
      description: 'White tee M',
      quantity,
      unitPrice,
      amount: quantity * unitPrice,
    },
  ],
});

describe('uploading an invoice', () => {
  it('takes a PDF, JPEG or PNG by its bytes, once: the same file again is the same invoice', async () => {
    const { w } = await world();
    const first = await uploaded(w);
    expect(first.already).toBe(false);
    const again = await uploaded(w);
    expect(again).toEqual({ invoiceId: first.invoiceId, already: true });
    const list = await w.as('shop1')('invoices.list', {});
    expect(list.map((i) => [i.id, i.status, i.mime])).toEqual([
      [first.invoiceId, 'uploaded', 'application/pdf'],
    ]);
  });

  it('refuses a file that is not one, whatever its name, and an empty one, naming the file', async () => {
    const { w } = await world();
    const before = events(w);
    const text = Buffer.from('Invoice 42: 1,000.00').toString('base64');
    expect(
      await failure(w.as('shop1')('invoices.upload', { fileName: 'inv.pdf', contentBase64: text })),
    ).toMatchObject({ code: 'FILE_REJECTED', field: 'file' });
    expect(
      await failure(w.as('shop1')('invoices.upload', { fileName: 'inv.pdf', contentBase64: '' })),
    ).toMatchObject({ code: 'VALIDATION', field: 'contentBase64' });
    expect(events(w)).toBe(before);
  });
});

describe('reading an invoice at head office', () => {
  it('keeps what the rules read, with where each value was found, and matches the supplier and lines', async () => {
    const { w, admin } = await world();
    const inv = makeInvoice(4, 'classic');
    const up = await w.as('shop1')('invoices.upload', {
      fileName: 'x.pdf',
      contentBase64: (await invoicePdf(inv)).toString('base64'),
    });
    expect(await admin('invoices.read', { invoiceId: up.invoiceId })).toMatchObject({
      status: 'read',
    });
    const got = await admin('invoices.get', { invoiceId: up.invoiceId });
    expect(got.invoice.status).toBe('read');
    expect(got.reading?.by).toBe('rules');
    expect(got.reading?.note).toMatch(/No AI model is set up/);
    const read = got.reading!.invoice;
    expect(read.number?.value).toBe(inv.truth.number);
    expect(read.total?.value).toBe(inv.truth.total);
    expect(read.total?.at?.by).toBe('rules');
    expect(read.total?.at?.page).toBeGreaterThanOrEqual(1);
    expect(read.lines.map((l) => l.amount.value)).toEqual(inv.truth.lines.map((l) => l.amount));
    // The arithmetic of a faithful reading passes (a generated date may be long past).
    expect(got.proposal?.checks.filter((c) => c.rule !== 'date_old')).toEqual([]);
  });

  it('marks a damaged file unreadable with what to do, and a shop PC reads nothing itself', async () => {
    const { w, admin } = await world();
    const broken = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64, 0x41)]);
    const up = await w.as('shop1')('invoices.upload', {
      fileName: 'broken.pdf',
      contentBase64: broken.toString('base64'),
    });
    const read = await admin('invoices.read', { invoiceId: up.invoiceId });
    expect(read.status).toBe('unreadable');
    expect(read.error).toMatch(/damaged|not a PDF/i);
    const got = await admin('invoices.get', { invoiceId: up.invoiceId });
    expect(got.invoice).toMatchObject({ status: 'unreadable', readError: read.error });
    const png = await w.as('shop1')('invoices.upload', {
      fileName: 'tiny.png',
      contentBase64: Buffer.concat([PNG_SIGNATURE, Buffer.alloc(16)]).toString('base64'),
    });
    expect((await admin('invoices.read', { invoiceId: png.invoiceId })).status).toBe('unreadable');
  });
});

describe('posting an invoice', () => {
  it('moves the supplier price (kept in its history) and the variant cost, in one step', async () => {
    const { w, admin, supplierId, itemId, tee } = await world();
    const up = await uploaded(w);
    await admin('invoices.post', { invoiceId: up.invoiceId, ...posting(supplierId, tee, 9_600) });
    const got = await admin('invoices.get', { invoiceId: up.invoiceId });
    expect(got.invoice).toMatchObject({ status: 'posted', supplierId, total: 110_400 });
    expect(got.lines).toMatchObject([{ variantId: tee, unitPrice: 9_600, priceBefore: 9_000 }]);
    const prices = await admin('supplierItems.prices', { itemId });
    expect(prices.map((p) => p.price)).toEqual([9_600, 9_000]);
    expect(costOf(w, tee)).toBe(9_600);
    const catalog = await admin('catalog.list', { search: 'TS-WHT-M' });
    expect(catalog.find((r) => r.variantId === tee)?.receivedCost).toBe(9_600);
  });

  it('bills a received purchase order at the invoice price: the receipt counts once', async () => {
    const { w, admin, supplierId, tee } = await world();
    const po = await admin('purchases.draft', {
      supplierId,
      branchId: w.branch.SH01!,
      lines: [{ variantId: tee, quantity: 20 }],
    });
    await admin('purchases.approve', { id: po.id });
    await w.as('shop1')('purchases.receive', { id: po.id, lines: [{ lineNo: 1, quantity: 20 }] });
    expect(costOf(w, tee)).toBe(9_000);
    const up = await uploaded(w);
    await admin('invoices.post', {
      invoiceId: up.invoiceId,
      ...posting(supplierId, tee, 9_300, 20),
      orderId: po.id,
    });
    // 20 received, billed at 9,300: not 40 units averaged.
    expect(costOf(w, tee)).toBe(9_300);
    expect(sql(w, `SELECT quantity AS n FROM variant_costs WHERE variant_id = ?`, tee)).toBe(20);
  });

  it('names each figure that does not add up, and writes nothing', async () => {
    const { w, admin, supplierId, tee } = await world();
    const up = await uploaded(w);
    const before = events(w);
    const p = posting(supplierId, tee, 9_600);
    const refused = await failure(
      admin('invoices.post', {
        invoiceId: up.invoiceId,
        ...p,
        lines: [{ ...p.lines[0]!, amount: 95_000 }],
        total: p.total + 1,
      }),
    );
    expect(refused.code).toBe('VALIDATION');
    const issues = (refused.details['issues'] ?? []) as { field: string }[];
    expect(issues.map((i) => i.field)).toEqual(
      expect.arrayContaining(['lines.0.amount', 'subtotal', 'total']),
    );
    expect(events(w)).toBe(before);
    expect(costOf(w, tee)).toBeNull();
  });

  it('refuses a supplier invoice number already posted, however it is spaced', async () => {
    const { w, admin, supplierId, tee } = await world();
    const a = await uploaded(w, 3);
    const b = await uploaded(w, 4);
    await admin('invoices.post', { invoiceId: a.invoiceId, ...posting(supplierId, tee, 9_600) });
    const before = events(w);
    expect(
      await failure(
        admin('invoices.post', {
          invoiceId: b.invoiceId,
          ...posting(supplierId, tee, 9_600),
          number: 'aw 2026 0042',
        }),
      ),
    ).toMatchObject({ code: 'DUPLICATE_INVOICE', field: 'number' });
    expect(events(w)).toBe(before);
    expect((await admin('invoices.get', { invoiceId: b.invoiceId })).invoice.status).toBe(
      'uploaded',
    );
  });

  it('asks for a rate for a foreign currency, and costs it in the company currency', async () => {
    const { w, admin, supplierId, tee } = await world();
    const up = await uploaded(w);
    const usd = { ...posting(supplierId, tee, 200), currencyCode: 'USD' };
    expect(
      await failure(admin('invoices.post', { invoiceId: up.invoiceId, ...usd })),
    ).toMatchObject({ code: 'RATE_REQUIRED', field: 'rate' });
    await admin('invoices.post', {
      invoiceId: up.invoiceId,
      ...usd,
      rate: '56.25',
      updatePrices: false,
    });
    // US$2.00 at 56.25 is Br 112.50.
    expect(costOf(w, tee)).toBe(11_250);
  });

  it('refuses a total that at its rate is more than can be recorded, naming it, with nothing written', async () => {
    const { w, admin, supplierId, tee } = await world();
    const up = await uploaded(w);
    const before = events(w);
    // 1.15 billion dollars at 20,000 a dollar: past the 10^15 minor units an event holds.
    const huge = { ...posting(supplierId, tee, 100_000, 1_000_000), currencyCode: 'USD' };
    expect(
      await failure(admin('invoices.post', { invoiceId: up.invoiceId, ...huge, rate: '20000' })),
    ).toMatchObject({ code: 'VALIDATION', field: 'total', message: /more than can be recorded/ });
    expect(events(w)).toBe(before);
    expect((await admin('invoices.get', { invoiceId: up.invoiceId })).invoice.status).toBe(
      'uploaded',
    );
  });

  it("is head office's: a shop clerk may upload but not post, and a finance user may", async () => {
    const { w, supplierId, tee } = await world();
    const up = await uploaded(w);
    expect(
      await failure(
        w.as('shop1')('invoices.post', { invoiceId: up.invoiceId, ...posting(supplierId, tee, 1) }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
    await w.as('finance')('invoices.post', {
      invoiceId: up.invoiceId,
      ...posting(supplierId, tee, 9_100),
    });
    expect(costOf(w, tee)).toBe(9_100);
  });
});

describe('reversing, and credit notes', () => {
  it('undoes the cost and the price by new entries; the number may then be posted again', async () => {
    const { w, admin, supplierId, itemId, tee } = await world();
    const up = await uploaded(w);
    await admin('invoices.post', { invoiceId: up.invoiceId, ...posting(supplierId, tee, 9_600) });
    await admin('invoices.reverse', { invoiceId: up.invoiceId, reason: 'wrong supplier' });
    expect(costOf(w, tee)).toBeNull();
    const prices = await admin('supplierItems.prices', { itemId });
    expect(prices.map((p) => p.price)).toEqual([9_000, 9_600, 9_000]);
    const got = await admin('invoices.get', { invoiceId: up.invoiceId });
    expect(got.invoice).toMatchObject({ status: 'reversed', reverseReason: 'wrong supplier' });
    // The posted lines stay, as history: the reversal added, it did not erase.
    expect(got.lines).toHaveLength(1);
    expect(
      await failure(admin('invoices.reverse', { invoiceId: up.invoiceId, reason: 'again' })),
    ).toMatchObject({ code: 'INVALID_STATE' });
    const again = await uploaded(w, 5);
    await admin('invoices.post', {
      invoiceId: again.invoiceId,
      ...posting(supplierId, tee, 9_400),
    });
    expect(costOf(w, tee)).toBe(9_400);
  });

  it('a credit note lowers the cost of what was billed, and leaves the supplier price alone', async () => {
    const { w, admin, supplierId, itemId, tee } = await world();
    const inv = await uploaded(w, 3);
    await admin('invoices.post', {
      invoiceId: inv.invoiceId,
      ...posting(supplierId, tee, 10_000, 10),
    });
    const cn = await uploaded(w, 4);
    await admin('invoices.post', {
      invoiceId: cn.invoiceId,
      ...posting(supplierId, tee, 1_000, 10),
      kind: 'credit',
      number: 'CN-7',
    });
    // Br 100,000 for 10, less a Br 10,000 credit: Br 9,000 each.
    expect(costOf(w, tee)).toBe(9_000);
    const prices = await admin('supplierItems.prices', { itemId });
    expect(prices[0]?.price).toBe(10_000);
  });
});
