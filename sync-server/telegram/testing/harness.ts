// A head-office world whose bot talks to the fake Bot API, with groups linked and helpers to
// wait until the outbox has sent what is due.
import type { GroupRole } from '../../../core/telegram/service';
import { startWorld, type Site, type World } from '../../testing/world';
import type { TelegramConfig } from '../config';
import type { TelegramRuntime } from '../index';
import { FakeBotApi } from './fake-bot-api';
import { deliver, myChatMember, person, type TgChat } from './updates';

export const TOKEN = '123456789:AAHfakeTokenForTheTestSuite_0123456789';
export const PUBLIC_URL = 'https://erp.example.com';
export const SHOP_CHAT: TgChat = {
  id: -1001000000001,
  type: 'supergroup',
  title: 'Shop One orders',
};
export const FINANCE_CHAT: TgChat = { id: -1001000000009, type: 'supergroup', title: 'Finance' };
export const OWNER = person(4242, 'Almaz', 'almaz_owner');

export const png = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0,
]).toString('base64');

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export interface TelegramWorld {
  w: World;
  api: FakeBotApi;
  tg: () => TelegramRuntime;
  /** Posts an update with the right secret. */
  post(update: unknown): Promise<{ status: number; body: unknown }>;
  /** Runs the outbox until nothing is waiting (or throws after a while). */
  settle(timeoutMs?: number): Promise<void>;
  /** The bot joins a group, and the admin links it. */
  addGroup(
    chat: TgChat,
    link: { branchId: string } | { role: GroupRole } | { customerId: string },
  ): Promise<void>;
  close(): Promise<void>;
}

export async function startTelegramWorld(
  options: {
    token?: boolean;
    telegram?: TelegramConfig;
    dataDir?: string;
    databaseUrl?: string;
  } = {},
): Promise<TelegramWorld> {
  const api = await FakeBotApi.start([TOKEN]);
  const w = await startWorld({
    ...(options.dataDir && { dataDir: options.dataDir }),
    ...(options.databaseUrl && { databaseUrl: options.databaseUrl }),
    telegram: {
      apiUrl: api.url,
      token: options.token === false ? null : TOKEN,
      publicUrl: PUBLIC_URL,
      pollMs: 50,
      retryBaseMs: 50,
      retryMaxMs: 400,
      timeZone: 'UTC',
      // Pacing is tested on its own (recovery.test.ts); elsewhere the fake's limits are off.
      groupPaceMs: 0,
      privatePaceMs: 0,
      webhookRetryBaseMs: 50,
      webhookRetryMaxMs: 400,
      ...options.telegram,
    },
  });
  const t: TelegramWorld = {
    w,
    api,
    tg: () => w.server.telegram,
    post: (update) => deliver(w.base, update, w.server.telegram.webhookSecret),
    async settle(timeoutMs = 15_000) {
      await waitFor(
        async () => {
          await t.tg().flush();
          return (await t.tg().store.counts()).pending === 0;
        },
        'the outbox to empty',
        timeoutMs,
      );
    },
    async addGroup(chat, link) {
      api.addChat(chat.id, chat.title ?? '', chat.type);
      const r = await t.post(myChatMember(api, chat, OWNER, { old: 'left', new: 'member' }));
      if (r.status !== 200) throw new Error(`my_chat_member: ${JSON.stringify(r.body)}`);
      await w.admin('telegram.groups.link', { chatId: chat.id, ...link });
    },
    async close() {
      await w.close();
      await api.close();
    },
  };
  return t;
}

/** Places an order on a shop PC and pushes it to head office. */
export async function placeOrder(site: Site, user: string, variantId: string, quantity = 2) {
  const placed = await site.as(user)('orders.place', { lines: [{ variantId, quantity }] });
  await site.engine.sync();
  return placed;
}
