import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../main';
import { openSqliteTelegramStore } from './store/sqlite';
import {
  PUBLIC_URL,
  SHOP_CHAT,
  placeOrder,
  sleep,
  startTelegramWorld,
  TOKEN,
  waitFor,
  type TelegramWorld,
} from './testing/harness';

let t: TelegramWorld | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await t?.close();
  t = null;
});

const sendsTo = (world: TelegramWorld, chatId: number, method: string) =>
  world.api.calls.filter((c) => c.method === method && Number(c.params['chat_id']) === chatId);

describe('the notification outbox', () => {
  it('waits as long as a 429 asks before trying again', async () => {
    t = await startTelegramWorld();
    const shop = await t.w.enroll('SH01');
    await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
    await t.settle();
    t.api.rateLimit('sendMessage', 1);
    const placed = await placeOrder(shop, 'shop1', t.w.variants[0]!);
    await waitFor(() => t!.api.calls.some((c) => c.status === 429), 'the 429');
    // The outbox records the answer a moment after the API gave it, and keeps the card waiting
    // for the second the 429 asked for.
    const card = async () =>
      (await t!.w.admin('telegram.log.list', { orderId: placed.id, limit: 10 })).find(
        (e) => e.kind === 'card',
      );
    await waitFor(async () => {
      const c = await card();
      return c?.attempts === 1 && c.status !== 'sending';
    }, 'the 429 recorded');
    expect(await card()).toMatchObject({
      status: 'pending',
      attempts: 1,
      error: 'Telegram asked to wait 1 s (429).',
    });
    await t.settle();
    const calls = sendsTo(t, SHOP_CHAT.id, 'sendMessage').filter((c) =>
      String(c.params['text']).includes(placed.number),
    );
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    // The card went out before its order sheet: one lane, in order.
    const sheet = sendsTo(t, SHOP_CHAT.id, 'sendDocument').at(-1)!;
    expect(sheet.at).toBeGreaterThanOrEqual(calls[1]!.at);
    expect(
      (await t.w.admin('telegram.log.list', { orderId: placed.id, limit: 10 })).map((e) => [
        e.kind,
        e.status,
        e.attempts,
      ]),
    ).toEqual([
      ['document', 'sent', 1],
      ['card', 'sent', 2],
    ]);
  });

  it('retries a failing call with backoff, and gives up at once on a chat that is gone', async () => {
    t = await startTelegramWorld({ telegram: { retryBaseMs: 200, retryMaxMs: 2000 } });
    const shop = await t.w.enroll('SH01');
    await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
    await t.settle();
    t.api.failNext('sendMessage', 502, 'Bad Gateway', 2);
    const first = await placeOrder(shop, 'shop1', t.w.variants[0]!);
    await t.settle();
    const card = (await t.w.admin('telegram.log.list', { orderId: first.id, limit: 10 })).find(
      (e) => e.kind === 'card',
    );
    expect(card).toMatchObject({ status: 'sent', attempts: 3, error: null });
    const tries = sendsTo(t, SHOP_CHAT.id, 'sendMessage').slice(-3);
    expect(tries.map((c) => c.status)).toEqual([502, 502, 200]);
    expect(tries[2]!.at - tries[1]!.at).toBeGreaterThan(tries[1]!.at - tries[0]!.at);

    t.api.kick(SHOP_CHAT.id);
    const second = await placeOrder(shop, 'shop1', t.w.variants[1]!);
    await t.settle();
    const failed = await t.w.admin('telegram.log.list', { orderId: second.id, limit: 10 });
    // The card's 403 fails it and, without another call, the order sheet waiting behind it.
    expect(failed.map((e) => [e.kind, e.status, e.attempts, e.error])).toEqual([
      ['document', 'failed', 0, 'Forbidden: bot was kicked from the supergroup chat'],
      ['card', 'failed', 1, 'Forbidden: bot was kicked from the supergroup chat'],
    ]);
    expect((await t.w.admin('telegram.settings.get', {})).outbox.failed).toBe(2);
    expect(await t.w.admin('telegram.log.list', { status: 'failed', limit: 10 })).toHaveLength(2);
  });

  it('keeps notifications waiting without a token, and sends them once one is set', async () => {
    t = await startTelegramWorld({ token: false });
    const shop = await t.w.enroll('SH01');
    await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
    const placed = await placeOrder(shop, 'shop1', t.w.variants[0]!);
    await waitFor(
      async () => (await t!.w.admin('telegram.log.list', { limit: 10 })).length === 3,
      'three rows',
    );
    await sleep(200);
    expect(t.api.calls).toEqual([]);
    const waiting = await t.w.admin('telegram.log.list', {
      status: 'waiting_for_token',
      limit: 10,
    });
    expect(waiting.map((e) => e.cause).sort()).toEqual(['order.placed', 'order.placed', 'welcome']);
    expect(await t.w.admin('telegram.settings.get', {})).toMatchObject({
      tokenMasked: null,
      webhookUrl: `${PUBLIC_URL}/telegram/webhook`,
      outbox: { waiting: 3, failed: 0 },
    });

    const settings = await t.w.admin('telegram.settings.set', { token: TOKEN });
    expect(settings).toMatchObject({ botUsername: 'fse_orders_bot', lastError: null });
    expect(settings.webhookSetAt).toEqual(expect.any(Number));
    await t.settle();
    expect(t.api.webhook?.secretToken).toBe(t.tg().webhookSecret);
    expect(sendsTo(t, SHOP_CHAT.id, 'sendMessage').map((c) => c.status)).toEqual([200, 200]);
    expect(sendsTo(t, SHOP_CHAT.id, 'sendDocument')).toHaveLength(1);
    const log = await t.w.admin('telegram.log.list', { orderId: placed.id, limit: 10 });
    expect(log.every((e) => e.status === 'sent')).toBe(true);
  });

  it('survives a restart in the middle of sending: every message goes out exactly once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-tg-restart-'));
    t = await startTelegramWorld({ dataDir });
    const world = t;
    const shop = await world.w.enroll('SH01');
    await world.addGroup(SHOP_CHAT, { branchId: world.w.branch.SH01 });
    await world.settle();
    // Documents hang at Telegram while orders come in.
    const release = world.api.hold('sendDocument');
    const orders = [];
    for (const v of world.w.variants) orders.push(await placeOrder(shop, 'shop1', v));
    // Sent: the first card. In flight: its order sheet. Waiting: two cards, two sheets.
    await waitFor(
      () =>
        world
          .tg()
          .store.counts()
          .then((c) => c.pending === 5),
      'rows waiting',
    );
    expect(
      world.api.succeeded('sendMessage').filter((c) => /<b>Order /.test(String(c.params['text']))),
    ).toHaveLength(1);
    // Stop the server while a document is in flight; Telegram answers only after the stop began.
    const stopping = world.w.server.close();
    await sleep(100);
    release();
    await stopping;

    // A crashed process also left a row claimed: the next start takes it back.
    const file = join(dataDir, 'telegram', 'telegram.sqlite');
    const store = await openSqliteTelegramStore(file);
    const left = await store.counts();
    expect(left.pending).toBeGreaterThanOrEqual(1);
    // It held the sender lease: its token, taken before now, is at least the last one used.
    expect(
      await store.claim('crashed-process', Date.now(), 3_600_000, 1e9, Date.now()),
    ).not.toBeNull();
    await store.close();

    const restarted = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        databaseUrl: null,
        telegram: {
          apiUrl: world.api.url,
          pollMs: 50,
          retryBaseMs: 50,
          timeZone: 'UTC',
          groupPaceMs: 0,
        },
      },
      () => undefined,
    );
    cleanups.push(() => restarted.close());
    world.w.close = async () => shop.close(); // the first server is stopped already
    await waitFor(async () => {
      await restarted.telegram.flush();
      return (await restarted.telegram.store.counts()).pending === 0;
    }, 'the restarted outbox to empty');
    const sheets = world.api
      .succeeded('sendDocument')
      .map((c) => c.files['document']?.filename ?? '');
    expect(sheets.sort()).toEqual(orders.map((o) => `${o.number}-order-sheet.pdf`).sort());
    const cards = world.api
      .succeeded('sendMessage')
      .filter((c) => String(c.params['text']).includes('<b>Order '));
    expect(cards).toHaveLength(orders.length);
  });
});
