// Two head-office processes on one PostgreSQL database: one Telegram state, each message once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCursor } from '../../core/sync/engine';
import { startServer } from '../main';
import { startTestPostgres, type TestPostgres } from '../store/testing/postgres';
import {
  FINANCE_CHAT,
  OWNER,
  placeOrder,
  png,
  SHOP_CHAT,
  startTelegramWorld,
  waitFor,
  type TelegramWorld,
} from './testing/harness';
import { deliver, myChatMember } from './testing/updates';

let pg: TestPostgres;
let t: TelegramWorld;
let second: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  pg = await startTestPostgres();
  const databaseUrl = await pg.createDatabase('telegram_two_processes');
  t = await startTelegramWorld({ databaseUrl });
  second = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: mkdtempSync(join(tmpdir(), 'fse-tg-second-')),
      databaseUrl,
      telegram: {
        apiUrl: `${t.api.url}/second`,
        pollMs: 50,
        retryBaseMs: 50,
        timeZone: 'UTC',
        groupPaceMs: 0,
      },
    },
    () => undefined,
  );
}, 180_000);
afterAll(async () => {
  await second?.close();
  await t?.close();
  await pg?.stop();
});

const settleBoth = () =>
  waitFor(async () => {
    await Promise.all([t.tg().flush(), second.telegram.flush()]);
    return (await t.tg().store.counts()).pending === 0;
  }, 'both outboxes to empty');

describe('Telegram with two server processes on PostgreSQL', () => {
  it('shares the secret, the groups and the outbox, and sends each message once', async () => {
    expect(second.telegram.webhookSecret).toBe(t.tg().webhookSecret);
    const secondBase = `http://127.0.0.1:${second.port}`;
    // The bot joins the shop group through one process and finance through the other.
    t.api.addChat(SHOP_CHAT.id, 'Shop', 'supergroup');
    t.api.addChat(FINANCE_CHAT.id, 'Finance', 'supergroup');
    const join = myChatMember(t.api, SHOP_CHAT, OWNER, { old: 'left', new: 'member' });
    expect((await deliver(secondBase, join, second.telegram.webhookSecret)).status).toBe(200);
    expect((await t.post(join)).body).toEqual({ ok: true, duplicate: true });
    await t.post(myChatMember(t.api, FINANCE_CHAT, OWNER, { old: 'left', new: 'member' }));
    await t.w.admin('telegram.groups.link', { chatId: SHOP_CHAT.id, branchId: t.w.branch.SH01 });
    await t.w.admin('telegram.groups.link', { chatId: FINANCE_CHAT.id, role: 'finance' });

    const shop = await t.w.enroll('SH01');
    const orders = [];
    for (const v of t.w.variants) {
      const placed = await placeOrder(shop, 'shop1', v);
      await shop.as('shop1')('orders.attachSlip', {
        orderId: placed.id,
        fileName: 'slip.png',
        contentBase64: png,
      });
      orders.push(placed);
    }
    await shop.engine.sync();
    await settleBoth();
    for (const o of orders)
      await t.w.admin('orders.verifyPayment', { orderId: o.id, amount: o.total });
    await settleBoth();

    expect(t.api.calls.filter((c) => c.status !== 200)).toEqual([]);
    for (const o of orders) {
      const shopCards = t.api.messagesIn(SHOP_CHAT.id).filter((m) => m.text?.includes(o.number));
      expect(shopCards).toHaveLength(1);
      expect(shopCards[0]!.text).toContain('Paid, waiting to be dispatched');
      const financeCards = t.api
        .messagesIn(FINANCE_CHAT.id)
        .filter((m) => m.text?.includes(o.number));
      expect(financeCards).toHaveLength(1);
      const documents = t.api
        .messagesIn(SHOP_CHAT.id)
        .flatMap((m) => (m.document?.fileName.startsWith(o.number) ? [m.document.fileName] : []));
      expect(documents.sort()).toEqual([
        `${o.number}-order-sheet.pdf`,
        `${o.number}-payment-proof.pdf`,
      ]);
    }
    const welcomes = t.api
      .succeeded('sendMessage')
      .filter((c) => /Hello/.test(String(c.params['text'])));
    expect(welcomes).toHaveLength(2);
    // One process sends, the holder of the sender lease, whichever process took the push.
    const sends = t.api
      .succeeded()
      .filter((c) => ['sendMessage', 'sendDocument', 'editMessageText'].includes(c.method));
    const first = t.w.server.replica.foldsEagerly;
    expect(new Set(sends.map((c) => c.via))).toEqual(new Set([first ? '' : 'second']));
    const health = (await (
      await fetch(`${first ? t.w.base : secondBase}/health`, {
        headers: { authorization: `Bearer ${t.w.adminToken}` },
      })
    ).json()) as {
      leases: unknown[];
    };
    // (The invoice inbox's lease is listed too once its round has run in either process.)
    expect(health.leases).toContainEqual(expect.objectContaining({ name: 'telegram', here: true }));
    // The webhook was set once, by the process that started first, not once per process.
    expect(t.api.calls.filter((c) => c.method === 'setWebhook')).toHaveLength(1);
  });

  it('has one process fold pushes as they come, plan and read the invoice inbox, the others fold only when a call needs it', async () => {
    const third = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: mkdtempSync(join(tmpdir(), 'fse-tg-third-')),
        databaseUrl: await pg.createDatabase('telegram_lease'),
        telegram: { apiUrl: `${t.api.url}/third`, pollMs: 50, timeZone: 'UTC', groupPaceMs: 0 },
      },
      () => undefined,
    );
    try {
      const eager = () => [t.w.server, second].map((s) => s.replica.foldsEagerly);
      await waitFor(async () => eager().filter(Boolean).length === 1, 'one process to plan');
      // Alone on its own database, it plans once its first round took the lease.
      await waitFor(() => third.replica.foldsEagerly, 'the third process to plan');
      // The others fold only when a call needs it: a push through the one that does not plan
      // is folded by the planner, not by it.
      const [planner, other] = eager()[0] ? [t.w.server, second] : [second, t.w.server];
      // A shop with no Telegram group: no row due that the other process would fold to send.
      const shop = await t.w.enroll('SH02', { via: `http://127.0.0.1:${other.port}` });
      await other.replica.current();
      const before = syncCursor(other.replica.core.db);
      await placeOrder(shop, 'shop2', t.w.variants[0]!);
      const head = await planner.hub.store.headSeq();
      await waitFor(
        async () => syncCursor(planner.replica.core.db) >= head,
        'the planner to fold the push',
      );
      expect(syncCursor(other.replica.core.db)).toBe(before);
      expect(other.replica.foldsEagerly).toBe(false);
      // Nor does its invoice inbox look (it would fold to look): the planner's does.
      expect(await other.invoices.round()).toBeNull();
      expect(await planner.invoices.round()).not.toBeNull();
      expect(syncCursor(other.replica.core.db)).toBe(before);
      // A call through it folds first, as every console call does.
      await other.replica.current();
      expect(syncCursor(other.replica.core.db)).toBeGreaterThanOrEqual(head);
    } finally {
      await third.close();
    }
  });
});
