// Matching a read invoice on a real database (decision 0033): each way of knowing the supplier
// in its rank, the phone and legal-form normalisation, a weak name never taken for certain, each
// way of knowing a line's variant, no catch-all variant, and the comparison with the order.
import { describe, expect, it } from 'vitest';
import { openDemo } from '../testing/demo';
import type { Read, ReadInvoice, ReadLine } from './document';
import { compareWithOrder, matchLines, matchSupplier } from './match';

const at = <T>(value: T): Read<T> => ({
  value,
  at: { page: 1, box: { x: 0, y: 0, w: 10, h: 10 }, confidence: 1, by: 'rules' },
});

function invoice(fields: {
  name?: string;
  taxId?: string;
  phone?: string;
  email?: string;
}): ReadInvoice {
  const read = (v: string | undefined) => (v === undefined ? null : at(v));
  return {
    kind: 'invoice',
    supplierName: read(fields.name),
    supplierTaxId: read(fields.taxId),
    supplierPhone: read(fields.phone),
    supplierEmail: read(fields.email),
    number: null,
    date: null,
    currency: null,
    orderReference: null,
    subtotal: null,
    tax: null,
    total: null,
    lines: [],
  };
}

const line = (description: string, code: string | null = null): ReadLine => ({
  code: code === null ? null : at(code),
  description: at(description),
  quantity: at(1),
  unitPrice: at(100),
  amount: at(100),
});

async function world() {
  const w = await openDemo();
  const admin = w.as('admin');
  const awash = await admin('suppliers.save', {
    name: 'Awash Cotton Share Company',
    taxId: '0012-345-678',
    phone: '+251 911 234 567',
    email: 'Sales@Awash.et',
    currencyCode: 'ETB',
    leadTimeDays: 5,
  });
  const nile = await admin('suppliers.save', {
    name: 'Blue Nile Ceramics PLC',
    taxId: '0099887766',
    phone: '011 655 4433',
    currencyCode: 'ETB',
    leadTimeDays: 7,
  });
  const tee = w.variant['TS-WHT-M']!;
  const black = w.variant['TS-BLK-M']!;
  const item = await admin('supplierItems.save', {
    supplierId: awash.id,
    variantId: tee,
    supplierCode: 'AW-100',
    price: 9_000,
  });
  await admin('supplierItems.save', {
    supplierId: awash.id,
    variantId: black,
    supplierCode: 'AW 200',
    price: 9_500,
  });
  return { w, db: w.core.db, admin, awash: awash.id, nile: nile.id, tee, black, itemId: item.id };
}

describe('which supplier sent it', () => {
  it('by tax id first, whatever its separators, even when the name says another', async () => {
    const { db, awash } = await world();
    const m = matchSupplier(db, invoice({ name: 'Blue Nile Ceramics', taxId: '0012345678' }));
    expect(m).toMatchObject({ supplierId: awash, by: 'tax_id', score: 1, proposeNew: null });
  });

  it('by phone, +251 and the leading 0 alike, the last nine digits compared', async () => {
    const { db, awash, nile } = await world();
    expect(matchSupplier(db, invoice({ phone: '0911-234567' }))).toMatchObject({
      supplierId: awash,
      by: 'phone',
    });
    expect(matchSupplier(db, invoice({ phone: '+251 11 655 44 33' }))).toMatchObject({
      supplierId: nile,
      by: 'phone',
    });
  });

  it('by email, whatever its case', async () => {
    const { db, awash } = await world();
    expect(matchSupplier(db, invoice({ email: ' sales@AWASH.et ' }))).toMatchObject({
      supplierId: awash,
      by: 'email',
    });
  });

  it('by name with the legal form shed: "S.C.", "PLC", "Ltd" and "Share Company" agree', async () => {
    const { db, awash, nile } = await world();
    for (const name of ['AWASH COTTON S.C.', 'Awash Cotton PLC', 'awash cotton ltd.'])
      expect(matchSupplier(db, invoice({ name }))).toMatchObject({
        supplierId: awash,
        by: 'name',
      });
    const m = matchSupplier(db, invoice({ name: 'Blue Nile Ceramics Share Co.' }));
    expect(m).toMatchObject({ supplierId: nile, by: 'name' });
    expect(m.score).toBeGreaterThanOrEqual(0.8);
  });

  it('a phone two suppliers share proposes neither, and lists both', async () => {
    const { db, admin, awash } = await world();
    const twin = await admin('suppliers.save', {
      name: 'Awash Cotton Export',
      phone: '0911 234 567',
      currencyCode: 'USD',
      leadTimeDays: 20,
    });
    const m = matchSupplier(db, invoice({ phone: '+251911234567' }));
    expect(m.supplierId).toBeNull();
    expect(m.candidates.map((c) => c.supplierId).sort()).toEqual([awash, twin.id].sort());
  });

  it('a tax id that differs rules a company out, however alike its name', async () => {
    const { db } = await world();
    const m = matchSupplier(db, invoice({ name: 'Awash Cotton PLC', taxId: '7777777777' }));
    expect(m).toMatchObject({ supplierId: null, by: null });
    expect(m.candidates).toEqual([]);
    expect(m.proposeNew).toEqual({
      name: 'Awash Cotton PLC',
      taxId: '7777777777',
      phone: null,
      email: null,
    });
  });

  it('a weak name is listed, never proposed; what was read is proposed as a new supplier', async () => {
    const { db, awash } = await world();
    const m = matchSupplier(db, invoice({ name: 'Awash Textile Trading', phone: '0922 000 111' }));
    expect(m.supplierId).toBeNull();
    expect(m.candidates[0]).toMatchObject({ supplierId: awash, by: 'name' });
    expect(m.candidates[0]!.score).toBeLessThan(0.8);
    expect(m.proposeNew).toEqual({
      name: 'Awash Textile Trading',
      taxId: null,
      phone: '0922 000 111',
      email: null,
    });
    // A name that is nothing alike is not even listed.
    expect(matchSupplier(db, invoice({ name: 'Zebra Hardware' })).candidates).toEqual([]);
  });
});

describe('which variant each line is', () => {
  it("by the supplier's own code, its case, spaces and dashes aside", async () => {
    const { db, awash, tee, black, itemId } = await world();
    const [a, b] = matchLines(db, awash, [
      line('Something unrelated', 'aw100'),
      line('Tee', 'AW-200'),
    ]);
    expect(a).toMatchObject({
      variantId: tee,
      by: 'supplier_code',
      score: 1,
      supplierItemId: itemId,
      lastPrice: 9_000,
    });
    expect(b).toMatchObject({ variantId: black, by: 'supplier_code', lastPrice: 9_500 });
  });

  it('by barcode, as the line code or a number in the description', async () => {
    const { w, db, awash } = await world();
    const cup = w.variant['CUP-SML']!;
    const trousers = w.variant['TR-NVY-32']!;
    const [a, b] = matchLines(db, awash, [
      line('Cup', '5901234123457'),
      line('Item 7622210449283 navy work trousers'),
    ]);
    expect(a).toMatchObject({ variantId: cup, by: 'barcode', supplierItemId: null });
    expect(b).toMatchObject({ variantId: trousers, by: 'barcode' });
  });

  it("by name, the supplier's items first, as a proposal with its score", async () => {
    const { db, awash, tee } = await world();
    const [m] = matchLines(db, awash, [line('Cotton T-Shirt White M')]);
    expect(m).toMatchObject({ variantId: tee, by: 'name', supplierItemId: expect.any(String) });
    expect(m!.score).toBeLessThan(1);
    expect(m!.candidates.length).toBeLessThanOrEqual(5);
    const scores = m!.candidates.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    expect(m!.candidates.map((c) => c.sku)).toEqual(['TS-WHT-M', 'TS-WHT-L', 'TS-BLK-M']);
    // Without a supplier, the whole catalog.
    const [any] = matchLines(db, null, [line('Work trousers navy 32')]);
    expect(any).toMatchObject({ by: 'name', supplierItemId: null, lastPrice: null });
    expect(any!.candidates[0]!.sku).toBe('TR-NVY-32');
  });

  it('a name that fits several variants goes to the one this supplier sells', async () => {
    const { w, db, admin, awash, nile, tee } = await world();
    const large = w.variant['TS-WHT-L']!;
    await admin('supplierItems.save', {
      supplierId: nile,
      variantId: large,
      supplierCode: 'BN-1',
      price: 8_800,
    });
    const unsized = [line('Cotton T-shirt white')];
    expect(matchLines(db, awash, unsized)[0]).toMatchObject({ variantId: tee, by: 'name' });
    expect(matchLines(db, nile, unsized)[0]).toMatchObject({
      variantId: large,
      by: 'name',
      lastPrice: 8_800,
    });
  });

  it('no catch-all: a variant one line matched draws no unrelated line, and twins are flagged', async () => {
    const { db, awash, tee } = await world();
    const matches = matchLines(db, awash, [
      line('Cotton T-shirt White M', 'AW-100'),
      line('Steel bolts M8 x 40, box of 100'),
      line('Transport and handling'),
      line('Cotton T-shirt white medium'),
    ]);
    expect(matches[0]).toMatchObject({ variantId: tee, by: 'supplier_code', sameVariantAs: [3] });
    expect(matches[1]).toMatchObject({ variantId: null, by: null, score: 0 });
    expect(matches[2]).toMatchObject({ variantId: null, by: null });
    expect(matches[3]).toMatchObject({ variantId: tee, by: 'name', sameVariantAs: [0] });
  });
});

describe('the invoice against its purchase order', () => {
  it('per variant: ordered, received, invoiced, and the differences', async () => {
    const { w, admin, awash, tee, black } = await world();
    const cup = w.variant['CUP-SML']!;
    const { id } = await admin('purchases.draft', {
      supplierId: awash,
      branchId: w.branch.SH01!,
      lines: [
        { variantId: tee, quantity: 40, price: 9_000 },
        { variantId: black, quantity: 10, price: 9_500 },
      ],
    });
    const { number } = await admin('purchases.approve', { id });
    await w.as('shop1')('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 30 }] });
    const compared = compareWithOrder(w.core.db, number!.toLowerCase().replace(/-/g, ' '), awash, [
      { variantId: tee, quantity: 40, unitPrice: 9_200 },
      { variantId: cup, quantity: 5, unitPrice: 700 },
      { variantId: null, quantity: 1, unitPrice: 50_000 },
    ]);
    expect(compared).toMatchObject({ found: true, orderId: id, number, unmatched: 1 });
    if (!compared.found) throw new Error('the order was not found');
    expect(compared.lines).toEqual([
      expect.objectContaining({
        variantId: tee,
        ordered: 40,
        orderedPrice: 9_000,
        received: 30,
        invoiced: 40,
        invoicedPrice: 9_200,
        quantityDiff: 0,
        receivedDiff: 10,
        priceDiff: 200,
      }),
      expect.objectContaining({ variantId: black, ordered: 10, invoiced: 0, quantityDiff: -10 }),
      expect.objectContaining({
        variantId: cup,
        ordered: 0,
        orderedPrice: null,
        invoiced: 5,
        quantityDiff: 5,
        priceDiff: null,
      }),
    ]);
    expect(compared.notInvoiced.map((l) => l.variantId)).toEqual([black]);
  });

  it('says why there is none: no reference, not found, another supplier’s order', async () => {
    const { w, admin, awash, nile, tee } = await world();
    const { id } = await admin('purchases.draft', {
      supplierId: awash,
      branchId: w.branch.SH01!,
      lines: [{ variantId: tee, quantity: 4 }],
    });
    const { number } = await admin('purchases.approve', { id });
    expect(compareWithOrder(w.core.db, null, awash, [])).toMatchObject({
      found: false,
      why: 'no_reference',
    });
    expect(compareWithOrder(w.core.db, 'PO-404', awash, [])).toMatchObject({
      found: false,
      why: 'not_found',
      message: expect.stringMatching(/PO-404/),
    });
    expect(compareWithOrder(w.core.db, number, nile, [])).toMatchObject({
      found: false,
      why: 'other_supplier',
      message: expect.stringMatching(/Awash Cotton/),
    });
  });
});
