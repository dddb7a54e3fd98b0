import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackData } from '../../core/telegram/callback';
import { htmlToText } from '../../core/telegram/html';
import { http, PASSWORD, type Site } from '../testing/world';
import {
  FINANCE_CHAT,
  OWNER,
  placeOrder,
  png,
  SHOP_CHAT,
  startTelegramWorld,
  type TelegramWorld,
} from './testing/harness';
import { callbackQuery, person, textMessage, type TgUser } from './testing/updates';

let t: TelegramWorld;
let shop: Site;
beforeAll(async () => {
  t = await startTelegramWorld();
  shop = await t.w.enroll('SH01');
  await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
  await t.addGroup(FINANCE_CHAT, { role: 'finance' });
});
afterAll(() => t.close());

const FINANCE_PERSON = person(9001, 'Hanna', 'hanna_fin');
const CLERK_PERSON = person(9002, 'Dawit');

async function callAs<T>(username: string, name: string, input: unknown): Promise<T> {
  const login = await http<{ result: { token: string } }>(t.w.base, 'POST', '/api/auth.login', {
    username,
    password: PASSWORD,
  });
  const r = await http<{ ok: boolean; result: T }>(
    t.w.base,
    'POST',
    `/api/${name}`,
    input,
    login.body.result.token,
  );
  if (!r.body.ok) throw new Error(JSON.stringify(r.body));
  return r.body.result;
}

/** The user asks the app for a code and sends `/link CODE` to the bot privately. */
async function link(username: string, who: TgUser): Promise<string> {
  const { code } = await callAs<{ code: string }>(username, 'telegram.linkCode', {});
  const chat = { id: who.id, type: 'private' as const, first_name: who.first_name };
  t.api.addChat(who.id, who.first_name, 'private');
  await t.post(textMessage(chat, who, `/link ${code}`));
  await t.settle();
  return code;
}

const lastReply = (chatId: number) =>
  htmlToText(
    String(
      t.api
        .succeeded('sendMessage')
        .filter((c) => Number(c.params['chat_id']) === chatId)
        .at(-1)?.params['text'],
    ),
  );

async function orderWithSlip() {
  const placed = await placeOrder(shop, 'shop1', t.w.variants[0]!, 1);
  await shop.as('shop1')('orders.attachSlip', {
    orderId: placed.id,
    fileName: 'slip.png',
    contentBase64: png,
  });
  await shop.engine.sync();
  await t.settle();
  const card = t.api
    .messagesIn(FINANCE_CHAT.id)
    .find((m) => m.text?.includes(`Order ${placed.number}`));
  if (!card) throw new Error('no finance card');
  return { ...placed, cardId: card.messageId };
}

const press = (who: TgUser, messageId: number, data: string) =>
  t.post(callbackQuery(t.api, FINANCE_CHAT, messageId, who, data));

const lastAnswer = () => t.api.succeeded('answerCallbackQuery').at(-1)?.params;

describe('finance in Telegram', () => {
  it('refuses the buttons to people who are not linked finance staff, and nothing changes', async () => {
    const order = await orderWithSlip();
    const verify = callbackData({ action: 'verify', orderId: order.id });
    await press(OWNER, order.cardId, verify);
    expect(lastAnswer()).toMatchObject({ show_alert: 'true' });
    expect(String(lastAnswer()?.['text'])).toMatch(/not allowed/i);
    // A shop clerk who linked their account is still not finance.
    await link('shop1', CLERK_PERSON);
    expect(lastReply(CLERK_PERSON.id)).toContain('Linked to shop1');
    await press(CLERK_PERSON, order.cardId, callbackData({ action: 'reject', orderId: order.id }));
    expect(String(lastAnswer()?.['text'])).toMatch(/not allowed/i);
    await t.settle();
    const after = await t.w.admin('orders.get', { orderId: order.id });
    expect(after.status).toBe('slip_attached');
    expect(after.timeline.map((s) => s.step)).toEqual(['placed', 'slip_attached']);
  });

  it('offers finance no Verify button, and answers an old one by pointing to the app, changing nothing', async () => {
    const code = await link('finance', FINANCE_PERSON);
    expect(lastReply(FINANCE_PERSON.id)).toMatch(
      /Linked to finance\. You can now reject payments .*; verify them in the app/,
    );
    // The code works once.
    const other = person(9003, 'Mallory');
    t.api.addChat(other.id, 'Mallory', 'private');
    await t.post(textMessage({ id: other.id, type: 'private' }, other, `/link ${code}`));
    await t.settle();
    expect(lastReply(other.id)).toMatch(/wrong, used already or expired/);

    const order = await orderWithSlip();
    const sent = t.api.messagesIn(FINANCE_CHAT.id).find((m) => m.messageId === order.cardId);
    // Verifying needs the amount, day and reference off the slip: the card offers Reject only.
    expect(sent!.markup).not.toContain('"v:');
    expect(sent!.markup).toContain('"r:');
    expect(htmlToText(sent!.text!)).toContain(
      'record the amount, date and bank reference in the app',
    );

    // A card sent before the button went still has it: pressing it verifies nothing.
    const update = callbackQuery(
      t.api,
      FINANCE_CHAT,
      order.cardId,
      FINANCE_PERSON,
      callbackData({ action: 'verify', orderId: order.id }),
    );
    const alert = `Nothing was verified. Record the amount, date and bank reference of order ${order.number} in the app: Payments waiting (Alt+Y).`;
    await t.post(update);
    expect(lastAnswer()).toMatchObject({
      callback_query_id: update.callback_query.id,
      show_alert: 'true',
      text: alert,
    });
    await t.post(update); // a repeat is answered the same way
    expect(lastAnswer()).toMatchObject({ show_alert: 'true', text: alert });
    await t.settle();
    const unchanged = await t.w.admin('orders.get', { orderId: order.id });
    expect(unchanged).toMatchObject({ status: 'slip_attached', paid: 0, payments: [] });
    expect(unchanged.timeline.map((s) => s.step)).toEqual(['placed', 'slip_attached']);
    expect(
      t.api.messagesIn(FINANCE_CHAT.id).find((m) => m.messageId === order.cardId)!.edits,
    ).toHaveLength(0);

    // Verified in the app, with what the slip shows: both cards show it, finance's without buttons.
    await callAs('finance', 'orders.verifyPayment', {
      orderId: order.id,
      amount: order.total,
      reference: 'CBE-4411',
    });
    await t.settle();
    const verified = await t.w.admin('orders.get', { orderId: order.id });
    expect(verified.status).toBe('payment_verified');
    expect(verified.timeline.at(-1)).toMatchObject({
      step: 'payment_verified',
      userName: 'finance',
      note: 'CBE-4411',
    });
    const financeCard = t.api.messagesIn(FINANCE_CHAT.id).find((m) => m.messageId === order.cardId);
    expect(htmlToText(financeCard!.text!)).toContain('Payment verified · finance');
    expect(financeCard!.markup).not.toContain('"r:');
    const shopCard = t.api
      .messagesIn(SHOP_CHAT.id)
      .find((m) => m.text?.includes(`Order ${order.number}`));
    expect(htmlToText(shopCard!.text!)).toContain('Status: Paid, waiting to be dispatched');
    // The branch PC learns it too, with finance's name.
    await shop.engine.sync();
    const onShop = await shop.as('shop1')('orders.get', { orderId: order.id });
    expect(onShop.timeline.at(-1)).toMatchObject({ step: 'payment_verified', userName: 'finance' });

    // Pressing Reject on the old card is refused by the order itself, with its reason.
    await press(
      FINANCE_PERSON,
      order.cardId,
      callbackData({ action: 'reject', orderId: order.id }),
    );
    expect(lastAnswer()).toMatchObject({ show_alert: 'true' });
    expect(String(lastAnswer()?.['text'])).toMatch(/cannot reject the payment/);
  });

  it('links through the deep link the app offers (/start CODE)', async () => {
    const code = await callAs<{ code: string; deepLink: string }>(
      'factory',
      'telegram.linkCode',
      {},
    );
    expect(code.deepLink).toBe(`https://t.me/fse_orders_bot?start=${code.code.replace('-', '')}`);
    const who = person(9004, 'Tigist');
    t.api.addChat(who.id, 'Tigist', 'private');
    const payload = new URL(code.deepLink).searchParams.get('start');
    await t.post(textMessage({ id: who.id, type: 'private' }, who, `/start ${payload}`));
    await t.settle();
    expect(lastReply(who.id)).toBe('✅ Linked to factory.');
  });

  it('lets finance reject from the card, with the reason naming them', async () => {
    const order = await orderWithSlip();
    await press(
      FINANCE_PERSON,
      order.cardId,
      callbackData({ action: 'reject', orderId: order.id }),
    );
    await t.settle();
    const rejected = await t.w.admin('orders.get', { orderId: order.id });
    expect(rejected.status).toBe('placed');
    expect(rejected.rejectionReason).toBe('Rejected from Telegram by finance');
    const financeCard = t.api.messagesIn(FINANCE_CHAT.id).find((m) => m.messageId === order.cardId);
    expect(htmlToText(financeCard!.text!)).toContain(
      'Payment rejected: Rejected from Telegram by finance',
    );
  });
});
