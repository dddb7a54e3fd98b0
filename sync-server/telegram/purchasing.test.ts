// The purchasing group in Telegram (decision 0032): one live card per purchase order, sent when
// it is drafted and edited as it is approved and received, and its PDF once it has a number;
// other groups hear nothing of purchasing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlToText } from '../../core/telegram/html';
import type { Site } from '../testing/world';
import { SHOP_CHAT, startTelegramWorld, type TelegramWorld } from './testing/harness';

const PURCHASING_CHAT = { id: -1001000000077, type: 'supergroup' as const, title: 'Purchasing' };

let t: TelegramWorld;
let shop: Site;
beforeAll(async () => {
  t = await startTelegramWorld();
  shop = await t.w.enroll('SH01');
  await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
  await t.addGroup(PURCHASING_CHAT, { role: 'purchasing' });
});
afterAll(() => t.close());

describe('the purchasing group', () => {
  it('gets one card per order, edited at each step, and the PDF once it is approved', async () => {
    const variantId = t.w.variants[0]!;
    const supplier = await t.w.admin('suppliers.save', {
      name: 'Awash <Cotton> & Sons',
      currencyCode: 'USD',
      leadTimeDays: 4,
    });
    const { id } = await t.w.admin('purchases.draft', {
      supplierId: supplier.id,
      branchId: t.w.branch.SH01,
      rate: '56.25',
      lines: [{ variantId, quantity: 24, price: 150 }],
    });
    await t.settle();
    const cards = () =>
      t.api.messagesIn(PURCHASING_CHAT.id).filter((m) => m.text?.includes('Purchase order'));
    expect(cards()).toHaveLength(1);
    const card = cards()[0]!;
    expect(htmlToText(card.text ?? '')).toContain('Purchase order (draft)');
    expect(htmlToText(card.text ?? '')).toContain('Awash <Cotton> & Sons');
    expect(htmlToText(card.text ?? '')).toContain('USD 36.00');

    const approved = await t.w.admin('purchases.approve', { id });
    await t.settle();
    expect(cards()).toHaveLength(1);
    const edited = t.api.messagesIn(PURCHASING_CHAT.id).find((m) => m.messageId === card.messageId);
    expect(htmlToText(edited?.text ?? '')).toContain(`Purchase order ${approved.number}`);
    expect(htmlToText(edited?.text ?? '')).toContain('Approved');
    const pdfs = t.api.messagesIn(PURCHASING_CHAT.id).filter((m) => m.document);
    expect(pdfs).toHaveLength(1);
    expect(pdfs[0]?.document?.fileName).toBe(`purchase-order-${approved.number}.pdf`);
    expect(pdfs[0]?.document?.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    await shop.engine.sync();
    await shop.as('shop1')('purchases.receive', { id, lines: [{ lineNo: 1, quantity: 10 }] });
    await shop.engine.sync();
    await t.w.server.replica.catchUp();
    await t.settle();
    const after = t.api.messagesIn(PURCHASING_CHAT.id).find((m) => m.messageId === card.messageId);
    expect(htmlToText(after?.text ?? '')).toContain('Partly received');
    expect(htmlToText(after?.text ?? '')).toContain('received 10 of 24');
    // Still one card and one PDF; the shop's group heard nothing of purchasing.
    expect(cards()).toHaveLength(1);
    expect(t.api.messagesIn(PURCHASING_CHAT.id).filter((m) => m.document)).toHaveLength(1);
    expect(
      t.api.messagesIn(SHOP_CHAT.id).filter((m) => m.text?.includes('Purchase order')),
    ).toEqual([]);
  });
});
