// Head office's invoice inbox over real HTTP (decision 0033): an invoice a shop PC uploaded
// while offline is read at head office once its file arrives; a file dropped into the watched
// folder is uploaded, read and moved to done/, one that is not an invoice to rejected/ with a
// note; what head office posts reaches the shop, whose cost then agrees with head office's.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableHashes } from '../../core/db/stateHash';
import { MAX_INVOICE_BYTES } from '../../core/invoices/operations';
import { invoicePdf, makeInvoice } from '../../core/invoices/testing/generate';
import { startWorld, type Site, type World } from '../testing/world';

let w: World;
let shop: Site;
const folder = mkdtempSync(join(tmpdir(), 'fse-invoice-folder-'));

beforeAll(async () => {
  w = await startWorld({ invoiceFolder: folder, invoicePollMs: 200 });
  shop = await w.enroll('SH01');
}, 60_000);
afterAll(() => w.close());

/** Waits until `check` holds, looking every 100 ms, for at most `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('gave up waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const statusAtHeadOffice = async (invoiceId: string) => {
  await w.server.replica.catchUp();
  const list = await w.admin('invoices.list', {});
  return list.find((i) => i.id === invoiceId)?.status ?? null;
};

describe("head office's invoice inbox", () => {
  it('reads an invoice a shop uploaded offline once it arrives, and posts it to every replica', async () => {
    const inv = makeInvoice(8, 'compact');
    const up = await shop.as('shop1')('invoices.upload', {
      fileName: 'supplier.pdf',
      contentBase64: (await invoicePdf(inv)).toString('base64'),
    });
    // Offline so far: head office has never heard of it.
    expect(await statusAtHeadOffice(up.invoiceId)).toBeNull();
    await shop.engine.sync();
    await until(async () => (await statusAtHeadOffice(up.invoiceId)) === 'read');
    const got = await w.admin('invoices.get', { invoiceId: up.invoiceId });
    expect(got.reading?.invoice.total?.value).toBe(inv.truth.total);
    // The shop sees the reading with its next round; the file was never sent back to it.
    await shop.engine.sync();
    expect(
      (await shop.as('shop1')('invoices.list', {})).find((i) => i.id === up.invoiceId)?.status,
    ).toBe('read');

    // Head office posts it; the shop's cost of the variant follows.
    const variantId = w.variants[0]!;
    const supplier = await w.admin('suppliers.save', {
      name: 'Awash Cotton',
      currencyCode: 'ETB',
      leadTimeDays: 2,
    });
    await w.admin('invoices.post', {
      invoiceId: up.invoiceId,
      kind: 'invoice',
      supplierId: supplier.id,
      number: inv.truth.number,
      date: new Date().toISOString().slice(0, 10),
      currencyCode: 'ETB',
      subtotal: 3 * 2_500,
      tax: 0,
      total: 3 * 2_500,
      lines: [
        {
          variantId,
          description: 'Mug',
          quantity: 3,
          unitPrice: 2_500,
          amount: 3 * 2_500,
        },
      ],
    });
    await shop.engine.sync();
    const costs = (db: Site['core']['db']) => {
      const all = tableHashes(db);
      return ['variant_costs', 'supplier_items', 'supplier_item_prices'].map((t) => all[t]);
    };
    expect(costs(shop.core.db)).toEqual(costs(w.server.replica.core.db));
    const row = shop.core.db.sqlite
      .prepare(`SELECT cost FROM variant_costs WHERE variant_id = ?`)
      .get(variantId);
    expect(row).toEqual({ cost: 2_500 });
  }, 60_000);

  it('takes files dropped into the watched folder, and sets aside what is not an invoice', async () => {
    const inv = makeInvoice(9, 'modern');
    writeFileSync(join(folder, 'scan 0042.pdf'), await invoicePdf(inv));
    writeFileSync(join(folder, 'notes.txt'), 'call the supplier');
    await until(() => existsSync(join(folder, 'done', 'scan 0042.pdf')));
    await until(() => existsSync(join(folder, 'rejected', 'notes.txt')));
    expect(readFileSync(join(folder, 'rejected', 'notes.txt.txt'), 'utf8')).toMatch(
      /Only PDF, JPEG and PNG/,
    );
    expect(readdirSync(folder).filter((f) => !['done', 'rejected'].includes(f))).toEqual([]);
    let id: string | undefined;
    await until(async () => {
      await w.server.replica.catchUp();
      const list = await w.admin('invoices.list', {});
      id = list.find((i) => i.originalName === 'scan 0042.pdf' && i.status === 'read')?.id;
      return id !== undefined;
    });
    const got = await w.admin('invoices.get', { invoiceId: id! });
    expect(got.reading?.invoice.number?.value).toBe(inv.truth.number);
    // Uploaded at head office: no branch PC receives it.
    await shop.engine.sync();
    expect((await shop.as('shop1')('invoices.list', {})).some((i) => i.id === id)).toBe(false);
  }, 60_000);

  it('sets aside a file with a name at the limit, and an empty PDF, with notes that say why', async () => {
    // 253 characters: its note, with ".txt" added, would pass the 255 a file system takes.
    const long = `${'x'.repeat(249)}.doc`;
    writeFileSync(join(folder, long), 'not an invoice');
    writeFileSync(join(folder, 'empty.pdf'), '');
    const inv = makeInvoice(10, 'compact');
    writeFileSync(join(folder, 'after them.pdf'), await invoicePdf(inv));
    await until(() => existsSync(join(folder, 'rejected', long)));
    await until(() => existsSync(join(folder, 'rejected', 'empty.pdf.txt')));
    const notes = readdirSync(join(folder, 'rejected')).filter((f) => f.endsWith('… note.txt'));
    expect(notes).toHaveLength(1);
    expect(Buffer.byteLength(notes[0]!)).toBeLessThanOrEqual(255);
    expect(readFileSync(join(folder, 'rejected', notes[0]!), 'utf8')).toMatch(/Only PDF, JPEG/);
    expect(readFileSync(join(folder, 'rejected', 'empty.pdf.txt'), 'utf8')).toMatch(
      /^The file is empty/,
    );
    // The round went on past them.
    await until(() => existsSync(join(folder, 'done', 'after them.pdf')));
  }, 60_000);

  it('syncs an invoice of the largest size a PC takes, and refuses one a byte larger', async () => {
    const pdf = await invoicePdf(makeInvoice(11, 'compact'));
    // Padded after its end, as some scanners leave it: the PC takes it, head office receives it.
    const padded = Buffer.concat([pdf, Buffer.alloc(MAX_INVOICE_BYTES - pdf.length, 0x20)]);
    const up = await shop.as('shop1')('invoices.upload', {
      fileName: 'large.pdf',
      contentBase64: padded.toString('base64'),
    });
    const placed = await shop.as('shop1')('orders.place', {
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
    });
    const report = await shop.engine.sync();
    expect(report.pushed).toBeGreaterThanOrEqual(2);
    expect(await statusAtHeadOffice(up.invoiceId)).not.toBeNull();
    expect((await w.admin('orders.get', { orderId: placed.id })).number).toBe(placed.number);
    const tooLarge = Buffer.concat([padded, Buffer.from(' ')]);
    await expect(
      shop.as('shop1')('invoices.upload', {
        fileName: 'larger.pdf',
        contentBase64: tooLarge.toString('base64'),
      }),
    ).rejects.toThrow(/10 MB/);
  }, 60_000);

  it('stops only once the round under way has ended and given its lease back', async () => {
    const inbox = w.server.invoices;
    await w.admin('invoices.upload', {
      fileName: 'at closing time.pdf',
      contentBase64: (await invoicePdf(makeInvoice(12, 'compact'))).toString('base64'),
    });
    let ended = false;
    const round = inbox.round().then((r) => {
      ended = true;
      return r;
    });
    // Head office closes its database right after this: a round still reading must be over.
    await inbox.stop();
    expect(ended).toBe(true);
    await round;
    // Its lease was given back: the next round takes it again (null: held elsewhere).
    expect(await inbox.round()).not.toBeNull();
    inbox.start();
  }, 60_000);
});
