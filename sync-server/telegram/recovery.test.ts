// Telegram that recovers by itself (issue 11), against the fake Bot API made as strict as
// Telegram: a group upgraded to a supergroup, one group flooded, Telegram out of reach when the
// webhook is set, a revoked token, a kicked bot, an answer lost after Telegram took the message.
import { afterEach, describe, expect, it } from 'vitest';
import { htmlToText } from '../../core/telegram/html';
import {
  OWNER,
  PUBLIC_URL,
  placeOrder,
  SHOP_CHAT,
  sleep,
  startTelegramWorld,
  TOKEN,
  waitFor,
  type TelegramWorld,
} from './testing/harness';
import { callbackQuery, person } from './testing/updates';

let t: TelegramWorld | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const cardsOf = (world: TelegramWorld, chatId: number, number: string) =>
  world.api.messagesIn(chatId).filter((m) => m.text?.includes(`Order ${number}`));
const sheetsOf = (world: TelegramWorld, chatId: number, number: string) =>
  world.api.messagesIn(chatId).filter((m) => m.document?.fileName.startsWith(number));
/** /health as the admin sees it: Telegram's state is not told to anyone else. */
const health = async (world: TelegramWorld) =>
  (await (
    await fetch(`${world.w.base}/health`, {
      headers: { authorization: `Bearer ${world.w.adminToken}` },
    })
  ).json()) as {
    telegram: Record<string, unknown> & { webhook: Record<string, unknown> | null };
  };

describe('Telegram that recovers', () => {
  it('follows a group to its supergroup when the first sign is an error answer, losing nothing', async () => {
    t = await startTelegramWorld();
    const shop = await t.w.enroll('SH01');
    const group = { id: -5001, type: 'group' as const, title: 'Shop One' };
    await t.addGroup(group, { branchId: t.w.branch.SH01 });
    await t.settle();
    const NEW_ID = -1005001;
    t.api.upgrade(group.id, NEW_ID);

    const placed = await placeOrder(shop, 'shop1', t.w.variants[0]!);
    await t.settle();
    const refused = t.api.calls.filter((c) => c.status === 400);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.response).toMatchObject({
      description: 'Bad Request: group chat was upgraded to a supergroup chat',
      parameters: { migrate_to_chat_id: NEW_ID },
    });
    // The step's card and its order sheet went to the supergroup.
    expect(cardsOf(t, NEW_ID, placed.number)).toHaveLength(1);
    expect(sheetsOf(t, NEW_ID, placed.number)).toHaveLength(1);
    const log = await t.w.admin('telegram.log.list', { orderId: placed.id, limit: 10 });
    expect(log.map((e) => [e.chatId, e.status])).toEqual([
      [NEW_ID, 'sent'],
      [NEW_ID, 'sent'],
    ]);
    // The link moved; the console sees the new id and can link it again.
    const groups = await t.w.admin('telegram.groups.list', {});
    expect(groups.find((g) => g.chatId === NEW_ID)).toMatchObject({
      active: true,
      type: 'supergroup',
      branchId: t.w.branch.SH01,
    });
    expect(groups.find((g) => g.chatId === group.id)).toMatchObject({
      active: false,
      branchId: null,
    });
    await expect(
      t.w.admin('telegram.groups.link', { chatId: NEW_ID, branchId: t.w.branch.SH01 }),
    ).resolves.toMatchObject({ chatId: NEW_ID });
    await expect(
      t.w.admin('telegram.groups.link', { chatId: group.id, branchId: t.w.branch.SH01 }),
    ).rejects.toThrow(/became a supergroup/);

    // Later steps edit the card in the supergroup.
    await shop.as('shop1')('orders.cancel', { orderId: placed.id, reason: 'test' });
    await shop.engine.sync();
    await t.settle();
    const [card] = cardsOf(t, NEW_ID, placed.number);
    expect(htmlToText(card!.text!)).toContain('Status: Cancelled');
  });

  it('paces each chat on its own: one group’s flood limit does not hold back another; repeated presses are answered, not re-sent', async () => {
    t = await startTelegramWorld({ telegram: { groupPaceMs: 1000 } });
    t.api.floodLimits(); // Telegram's own: 1 a second per chat, 20 a minute per group, 30 a second
    const [shop1, shop2] = [await t.w.enroll('SH01'), await t.w.enroll('SH02')];
    const other = { id: -1001000000002, type: 'supergroup' as const, title: 'Shop Two' };
    await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
    await t.addGroup(other, { branchId: t.w.branch.SH02 });
    await t.settle();
    // Shop One's group is over its limit: Telegram asks it to wait 3 s.
    t.api.rateLimit('sendMessage', 3, 1, SHOP_CHAT.id);
    const first = await placeOrder(shop1, 'shop1', t.w.variants[0]!);
    const second = await placeOrder(shop2, 'shop2', t.w.variants[1]!);
    await t.settle(20_000);

    const cardCall = (chatId: number, number: string) =>
      t!.api.calls.filter(
        (c) =>
          c.method === 'sendMessage' &&
          Number(c.params['chat_id']) === chatId &&
          String(c.params['text']).includes(number),
      );
    const limited = cardCall(SHOP_CHAT.id, first.number);
    expect(limited.map((c) => c.status)).toEqual([429, 200]);
    expect(limited[1]!.at - limited[0]!.at).toBeGreaterThanOrEqual(3000);
    const [otherCard] = cardCall(other.id, second.number);
    expect(otherCard?.status).toBe(200);
    expect(otherCard!.at - limited[0]!.at).toBeLessThan(2000);
    // Only the one 429 asked for: the sender kept to Telegram's limits everywhere else.
    expect(t.api.calls.filter((c) => c.status === 429)).toHaveLength(1);

    // The PDF button pressed 25 times by one person, 3 times by another: each gets an answer,
    // each gets the PDF once.
    const [card] = cardsOf(t, SHOP_CHAT.id, first.number);
    const markup = JSON.parse(card!.markup) as { inline_keyboard: { callback_data: string }[][] };
    const data = markup.inline_keyboard[0]![0]!.callback_data;
    const before = t.api.succeeded('answerCallbackQuery').length;
    const another = person(5151, 'Bekele');
    for (let i = 0; i < 25; i++)
      await t.post(callbackQuery(t.api, SHOP_CHAT, card!.messageId, OWNER, data));
    for (let i = 0; i < 3; i++)
      await t.post(callbackQuery(t.api, SHOP_CHAT, card!.messageId, another, data));
    await t.settle(20_000);
    expect(t.api.succeeded('answerCallbackQuery').length - before).toBe(28);
    expect(sheetsOf(t, SHOP_CHAT.id, first.number)).toHaveLength(3); // placed + 2 presses
    expect(t.api.calls.filter((c) => c.status === 429)).toHaveLength(1);
  }, 60_000);

  it('sets the webhook once Telegram is back, and shows the webhook’s state', async () => {
    t = await startTelegramWorld({ token: false });
    await t.api.goOffline();
    const set = await t.w.admin('telegram.settings.set', { token: TOKEN });
    expect(set.webhookSetAt).toBeNull();
    expect(set.lastError).toMatch(/^setWebhook: .*trying again by itself/);
    expect(set.webhook?.nextAttemptAt).toEqual(expect.any(Number));
    expect((await health(t)).telegram).toMatchObject({ token: true, webhookSetAt: null });

    await sleep(300); // a few failed attempts while Telegram is away
    await t.api.comeBack();
    await waitFor(() => t!.api.webhook !== null, 'the webhook to be set');
    expect(t.api.webhook).toMatchObject({
      url: `${PUBLIC_URL}/telegram/webhook`,
      secretToken: t.tg().webhookSecret,
    });
    t.api.webhookQueue = {
      pending: 3,
      lastErrorAt: Date.now() - 60_000,
      lastError: 'Connection timed out',
    };
    const settings = await t.w.admin('telegram.settings.get', {});
    expect(settings).toMatchObject({
      webhookSetAt: expect.any(Number),
      lastError: null,
      webhook: {
        url: `${PUBLIC_URL}/telegram/webhook`,
        pendingUpdateCount: 3,
        lastErrorMessage: 'Connection timed out',
        lastErrorAt: expect.any(Number),
        nextAttemptAt: null,
      },
    });
    expect((await health(t)).telegram.webhook).toMatchObject({
      pendingUpdateCount: 3,
      lastErrorMessage: 'Connection timed out',
    });
    // Set once: a single setWebhook accepted.
    expect(t.api.succeeded('setWebhook')).toHaveLength(1);
  });

  it('pauses on a revoked token, keeps every message, tells the admin, and sends them once a working token is set', async () => {
    t = await startTelegramWorld();
    const shop = await t.w.enroll('SH01');
    await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
    await t.settle();
    t.api.revoke(TOKEN);
    const placed = await placeOrder(shop, 'shop1', t.w.variants[0]!);
    await placeOrder(shop, 'shop1', t.w.variants[1]!);
    await waitFor(() => t!.api.calls.some((c) => c.status === 401), 'the 401');
    await sleep(300);
    // One refused call, then nothing: not retried as if Telegram were down.
    expect(
      t.api.calls.filter((c) => c.status === 401 && c.method !== 'getWebhookInfo'),
    ).toHaveLength(1);
    const paused = await t.w.admin('telegram.settings.get', {});
    expect(paused.paused).toMatch(/revoked.*Paste the current token from BotFather/);
    expect(paused.lastError).toBe(paused.paused);
    expect(paused.outbox).toEqual({ waiting: 4, failed: 0 });
    expect((await health(t)).telegram.paused).toBe(paused.paused);

    const NEW_TOKEN = '123456789:AAHrenewedTokenForTheTestSuite_98765';
    t.api.tokens.add(NEW_TOKEN);
    const fixed = await t.w.admin('telegram.settings.set', { token: NEW_TOKEN });
    expect(fixed).toMatchObject({ paused: null, lastError: null });
    await t.settle();
    expect(cardsOf(t, SHOP_CHAT.id, placed.number)).toHaveLength(1);
    expect(sheetsOf(t, SHOP_CHAT.id, placed.number)).toHaveLength(1);
    const log = await t.w.admin('telegram.log.list', { limit: 20 });
    expect(log.filter((e) => e.status !== 'sent')).toEqual([]);
  });

  it('marks a group the bot was kicked from inactive at once, with the reason, and retries nothing', async () => {
    t = await startTelegramWorld();
    const shop = await t.w.enroll('SH01');
    await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
    await t.settle();
    t.api.kick(SHOP_CHAT.id);
    const placed = await placeOrder(shop, 'shop1', t.w.variants[0]!);
    await t.settle();
    expect(t.api.calls.filter((c) => c.status === 403)).toHaveLength(1);
    const group = (await t.w.admin('telegram.groups.list', {})).find(
      (g) => g.chatId === SHOP_CHAT.id,
    );
    expect(group).toMatchObject({ active: false, branchId: t.w.branch.SH01 });
    expect(group?.removedReason).toMatch(/kicked.*Add the bot to the group again/);
    const log = await t.w.admin('telegram.log.list', { orderId: placed.id, limit: 10 });
    expect(log.map((e) => e.status)).toEqual(['failed', 'failed']);
    // The next order plans nothing for the inactive group.
    await placeOrder(shop, 'shop1', t.w.variants[1]!);
    await t.settle();
    expect(t.api.calls.filter((c) => c.status === 403)).toHaveLength(1);
  });

  it('leaves no second card when Telegram took a card but the answer was lost, and at most one copy of a PDF', async () => {
    t = await startTelegramWorld();
    const shop = await t.w.enroll('SH01');
    await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
    await t.settle();
    t.api.dropAnswer('sendMessage');
    t.api.dropAnswer('sendDocument');
    const placed = await placeOrder(shop, 'shop1', t.w.variants[0]!);
    await t.settle();
    // Telegram took the card twice; the lost copy was found and deleted.
    expect(
      t.api
        .succeeded('sendMessage')
        .filter((c) => String(c.params['text']).includes(placed.number)),
    ).toHaveLength(2);
    expect(t.api.succeeded('deleteMessage')).toHaveLength(1);
    expect(cardsOf(t, SHOP_CHAT.id, placed.number)).toHaveLength(1);
    // A PDF cannot be recognised that way: one copy too many at most.
    expect(sheetsOf(t, SHOP_CHAT.id, placed.number)).toHaveLength(2);
    const log = await t.w.admin('telegram.log.list', { orderId: placed.id, limit: 10 });
    expect(log.map((e) => [e.kind, e.status, e.attempts])).toEqual([
      ['document', 'sent', 2],
      ['card', 'sent', 2],
    ]);
    // The next step edits the one card left.
    await shop.as('shop1')('orders.cancel', { orderId: placed.id, reason: 'test' });
    await shop.engine.sync();
    await t.settle();
    const [card] = cardsOf(t, SHOP_CHAT.id, placed.number);
    expect(htmlToText(card!.text!)).toContain('Status: Cancelled');
  });
});
