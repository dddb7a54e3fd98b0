import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlToText } from '../../core/telegram/html';
import { PASSWORD, type Site } from '../testing/world';
import { parseTelegramHtml } from './testing/bot-api-checks';
import { startTelegramWorld, type TelegramWorld } from './testing/harness';

const nasty = `<b>&"' ሰላም 🙂👩🏽‍🍳`;
const CHAT = { id: -1001000000333, type: 'supergroup' as const, title: `Group ${nasty}` };

let t: TelegramWorld;
let shop: Site;
let variants: string[];
beforeAll(async () => {
  t = await startTelegramWorld();
  const branch = await t.w.admin('branches.create', {
    code: 'SH03',
    name: `Shop ${nasty}`,
    kind: 'shop',
  });
  await t.w.admin('users.create', {
    username: 'shop3',
    displayName: `Clerk ${nasty}`,
    role: 'shop_clerk',
    branchId: branch.id,
    password: PASSWORD,
  });
  const product = await t.w.admin('catalog.createProduct', {
    name: `Coffee cup ${nasty} ${'ቡና '.repeat(20)}`.slice(0, 120),
    category: 'Ceramics',
    variants: Array.from({ length: 200 }, (_, i) => ({
      sku: `CUP-${String(i + 1).padStart(3, '0')}`,
      attributes: { colour: `ቀለም ${i + 1} <&>` },
      price: 12_345 + i,
      cost: 5_000,
    })),
  });
  variants = product.variantIds;
  // The world knows four branches by code; this test adds a fifth to enroll a PC in.
  Object.assign(t.w.branch, { SH03: branch.id });
  shop = await t.w.enroll('SH03' as keyof typeof t.w.branch);
  await t.addGroup(CHAT, { branchId: branch.id });
  await t.settle();
});
afterAll(() => t.close());

describe('text from people in Telegram', () => {
  it('escapes names and notes and cuts a 200-line order to Telegram’s limits, still valid', async () => {
    const note = `${nasty} `.repeat(40).slice(0, 500);
    const placed = await shop.as('shop3')('orders.place', {
      note,
      lines: variants.map((variantId, i) => ({ variantId, quantity: i + 1 })),
    });
    await shop.engine.sync();
    await t.settle();
    await shop.as('shop3')('orders.cancel', {
      orderId: placed.id,
      reason: `${nasty} `.repeat(30).slice(0, 300),
    });
    await shop.engine.sync();
    await t.settle();

    // The fake Bot API parses every text as Telegram does: nothing was refused.
    expect(t.api.calls.filter((c) => c.status !== 200)).toEqual([]);
    const cards = t.api.messagesIn(CHAT.id).filter((m) => m.text?.includes(placed.number));
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(card.edits).toHaveLength(1);
    for (const version of [...card.edits, card.text!]) {
      expect(version.length).toBeLessThanOrEqual(4096);
      expect(parseTelegramHtml(version)).not.toHaveProperty('error');
    }
    const text = htmlToText(card.text!);
    expect(text).toContain(`Shop: Shop ${nasty} (SH03)`);
    expect(text).toMatch(/… and \d+ more lines: see the order sheet/);
    expect(text).toContain('Status: Cancelled');
    expect(text).toContain(`Note: ${note}`);
    expect(text).toContain(`Cancelled · Clerk ${nasty}`);
    expect(text).toMatch(
      /1\. Coffee cup <b>&"' ሰላም 🙂👩🏽‍🍳 .*\(ቀለም 1 <&>\) · CUP-001 — 1 × Br\s123\.45 = Br\s123\.45/,
    );

    const [sheet] = t.api.messagesIn(CHAT.id).filter((m) => m.document);
    expect(sheet?.document?.fileName).toBe(`${placed.number}-order-sheet.pdf`);
    expect(sheet!.caption!.length).toBeLessThanOrEqual(1024);
    expect(htmlToText(sheet!.caption!)).toContain(`Shop ${nasty}`);
    expect(sheet!.document!.size).toBeGreaterThan(10_000); // all 200 lines, over several pages

    const welcome = t.api
      .succeeded('sendMessage')
      .find((c) => Number(c.params['chat_id']) === CHAT.id);
    expect(htmlToText(String(welcome?.params['text']))).toContain(`Hello, Group ${nasty}!`);
  });
});
