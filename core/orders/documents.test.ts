import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, openDemo, type DemoWorld } from '../testing/demo';

let w: DemoWorld;
beforeEach(async () => {
  w = await openDemo();
});
afterEach(() => w.core.close());

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]).toString(
  'base64',
);
const text = (base64: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'fse-doc-')), 'doc.pdf');
  writeFileSync(file, Buffer.from(base64, 'base64'));
  return execFileSync('pdftotext', ['-layout', file, '-']).toString();
};

describe('order documents through the contract', () => {
  it('offers each PDF once the order has reached its stage, with the order in it', async () => {
    const shop = w.as('shop1');
    const placed = await shop('orders.place', {
      lines: [{ variantId: w.variant['CUP-SML']!, quantity: 2 }],
    });
    const sheet = await shop('orders.document', { orderId: placed.id, kind: 'order_sheet' });
    expect(sheet.fileName).toBe(`${placed.number}-order-sheet.pdf`);
    expect(Buffer.from(sheet.contentBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const sheetText = text(sheet.contentBase64);
    expect(sheetText).toContain(placed.number);
    expect(sheetText).toContain('የቡና ስኒ');

    const early = await failure(
      shop('orders.document', { orderId: placed.id, kind: 'dispatch_note' }),
    );
    expect(early).toMatchObject({ code: 'INVALID_STATE', field: 'kind' });

    await shop('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'slip.png',
      contentBase64: png,
    });
    const proof = await w.as('finance')('orders.document', {
      orderId: placed.id,
      kind: 'payment_proof',
    });
    expect(text(proof.contentBase64)).toContain('slip.png');

    await w.as('finance')('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    await w.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA 3-99999' });
    const note = await w.as('factory')('orders.document', {
      orderId: placed.id,
      kind: 'dispatch_note',
    });
    expect(text(note.contentBase64)).toContain('AA 3-99999');
  });

  it('are refused to a clerk of another shop', async () => {
    const placed = await w.as('shop1')('orders.place', {
      lines: [{ variantId: w.variant['CUP-SML']!, quantity: 2 }],
    });
    expect(
      (await failure(w.as('shop2')('orders.document', { orderId: placed.id, kind: 'order_sheet' })))
        .code,
    ).toBe('NOT_FOUND');
  });
});
