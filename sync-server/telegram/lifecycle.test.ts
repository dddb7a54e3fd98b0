import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCallbackData } from '../../core/telegram/callback';
import { htmlToText } from '../../core/telegram/html';
import type { Site } from '../testing/world';
import type { FakeMessage } from './testing/fake-bot-api';
import {
  FINANCE_CHAT,
  OWNER,
  placeOrder,
  png,
  SHOP_CHAT,
  startTelegramWorld,
  type TelegramWorld,
} from './testing/harness';
import { callbackQuery } from './testing/updates';

let t: TelegramWorld;
let shop: Site;
let factory: Site;
beforeAll(async () => {
  t = await startTelegramWorld();
  shop = await t.w.enroll('SH01');
  factory = await t.w.enroll('FAC');
  await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
  await t.addGroup(FINANCE_CHAT, { role: 'finance' });
  await t.settle();
});
afterAll(() => t.close());

const pdfText = (bytes: Buffer) => {
  const file = join(mkdtempSync(join(tmpdir(), 'fse-tg-pdf-')), 'doc.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-']).toString();
};

const cardsOf = (chatId: number, number: string) =>
  t.api.messagesIn(chatId).filter((m) => m.text !== null && m.text.includes(`Order ${number}`));
const documentsOf = (chatId: number, number: string) =>
  t.api
    .messagesIn(chatId)
    .filter((m): m is FakeMessage & { document: NonNullable<FakeMessage['document']> } =>
      Boolean(m.document?.fileName.startsWith(number)),
    );

describe('an order in Telegram', () => {
  it('gets one card per group, edited in place at every step, and its PDFs in the shop group', async () => {
    const placed = await placeOrder(shop, 'shop1', t.w.variants[0]!, 7);
    await t.settle();
    const cards = cardsOf(SHOP_CHAT.id, placed.number);
    expect(cards).toHaveLength(1);
    const card = cards[0];
    expect(htmlToText(card!.text!)).toContain('Status: Placed, waiting for a payment slip');
    // Amounts in the company's currency (ETB until an admin sets one), symbol first.
    expect(htmlToText(card!.text!)).toMatch(/1\. Mug \(S\) · MUG-S — 7 × Br\s10\.00 = Br\s70\.00/);
    // Finance follows an order from its first slip.
    expect(cardsOf(FINANCE_CHAT.id, placed.number)).toEqual([]);

    await shop.as('shop1')('orders.attachSlip', {
      orderId: placed.id,
      fileName: 'slip.png',
      contentBase64: png,
    });
    await shop.engine.sync();
    await t.settle();
    const [financeCard] = cardsOf(FINANCE_CHAT.id, placed.number);
    expect(htmlToText(financeCard!.text!)).toContain(
      'To verify, record the amount, date and bank reference in the app (Payments waiting)',
    );
    const buttons = JSON.parse(financeCard!.markup) as {
      inline_keyboard: { text: string; callback_data: string }[][];
    };
    expect(
      buttons.inline_keyboard.flat().map((b) => parseCallbackData(b.callback_data)?.action),
    ).toEqual(['document', 'document', 'reject']);

    await t.w.admin('orders.verifyPayment', { orderId: placed.id, amount: placed.total });
    await t.settle();
    await factory.engine.sync();
    await factory.as('factory')('orders.dispatch', { orderId: placed.id, vehicle: 'AA-3-12345' });
    await factory.engine.sync();
    await t.settle();
    await shop.engine.sync();
    await shop.as('shop1')('orders.confirmDelivery', {
      orderId: placed.id,
      lines: [{ lineNo: 1, received: 7 }],
    });
    await shop.engine.sync();
    await t.settle();

    // One card in each group, sent once and edited for each later step.
    const shopCards = cardsOf(SHOP_CHAT.id, placed.number);
    expect(shopCards).toHaveLength(1);
    expect(shopCards[0]!.messageId).toBe(card!.messageId);
    expect(shopCards[0]!.edits).toHaveLength(4); // slip, verified, dispatched, delivered
    const final = htmlToText(shopCards[0]!.text!);
    expect(final).toContain('Status: Delivered');
    for (const step of [
      'Placed',
      'Payment slip attached',
      'Payment verified · Admin',
      'Dispatched',
      'Delivery confirmed',
    ])
      expect(final).toContain(step);
    const financeCards = cardsOf(FINANCE_CHAT.id, placed.number);
    expect(financeCards).toHaveLength(1);
    expect(financeCards[0]!.edits).toHaveLength(3); // verified, dispatched, delivered
    // Verified: the Reject button is gone from finance's card.
    expect(financeCards[0]!.markup).not.toContain('"r:');

    // The shop's PDFs, in order: order sheet, payment proof, dispatch note.
    const documents = documentsOf(SHOP_CHAT.id, placed.number);
    expect(documents.map((d) => d.document.fileName)).toEqual([
      `${placed.number}-order-sheet.pdf`,
      `${placed.number}-payment-proof.pdf`,
      `${placed.number}-dispatch-note.pdf`,
    ]);
    for (const d of documents) {
      expect(d.document.mimeType).toBe('application/pdf');
      expect(d.document.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(htmlToText(d.caption ?? '')).toContain(`order ${placed.number}`);
    }
    expect(pdfText(documents[2]!.document.bytes)).toContain('AA-3-12345');
    expect(documentsOf(FINANCE_CHAT.id, placed.number).map((d) => d.document.fileName)).toEqual([
      `${placed.number}-payment-proof.pdf`,
    ]);

    // Every send and edit is in the log, sent, with Telegram's message ids.
    const log = await t.w.admin('telegram.log.list', { orderId: placed.id, limit: 100 });
    expect(log.every((e) => e.status === 'sent' && e.error === null)).toBe(true);
    expect(log.filter((e) => e.kind === 'card' && e.chatId === SHOP_CHAT.id)).toHaveLength(5);
    expect(log.filter((e) => e.kind === 'document')).toHaveLength(4);
    expect(log.find((e) => e.document === 'dispatch_note')?.messageIds).toEqual([
      documents[2]!.messageId,
    ]);
    // No call was refused along the way (no duplicate card, no "message is not modified").
    expect(t.api.calls.filter((c) => c.status !== 200)).toEqual([]);
  });

  it('re-sends a PDF when its button is pressed, once per press', async () => {
    const placed = await placeOrder(shop, 'shop1', t.w.variants[1]!, 1);
    await t.settle();
    const [card] = cardsOf(SHOP_CHAT.id, placed.number);
    const markup = JSON.parse(card!.markup) as { inline_keyboard: { callback_data: string }[][] };
    const data = markup.inline_keyboard[0]![0]!.callback_data;
    const press = callbackQuery(t.api, SHOP_CHAT, card!.messageId, OWNER, data);
    await t.post(press);
    await t.post(press); // Telegram's repeat
    await t.settle();
    expect(documentsOf(SHOP_CHAT.id, placed.number).map((d) => d.document.fileName)).toEqual([
      `${placed.number}-order-sheet.pdf`,
      `${placed.number}-order-sheet.pdf`,
    ]);
    const answers = t.api.succeeded('answerCallbackQuery');
    expect(answers.at(-1)?.params).toMatchObject({ callback_query_id: press.callback_query.id });
    expect(String(answers.at(-1)?.params['text'])).toMatch(/Sending the order sheet/);
    // The same button from a group that does not follow the order sends nothing.
    const stranger = { id: -777, type: 'group' as const, title: 'Strangers' };
    t.api.addChat(stranger.id, 'Strangers');
    await t.post(callbackQuery(t.api, stranger, 5, OWNER, data));
    await t.settle();
    expect(t.api.messagesIn(stranger.id)).toEqual([]);
    expect(t.api.succeeded('answerCallbackQuery').at(-1)?.params['show_alert']).toBe('true');
  });
});
