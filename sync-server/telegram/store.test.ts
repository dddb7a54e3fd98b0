import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../store/testing/postgres';
import { openPostgresTelegramStore } from './store/postgres';
import { openSqliteTelegramStore } from './store/sqlite';
import type { NewOutboxRow, TelegramStore } from './store/types';

let postgres: TestPostgres | null = null;
let databases = 0;
const dirs: string[] = [];
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const backends: { name: string; open: () => Promise<() => Promise<TelegramStore>> }[] = [
  {
    name: 'sqlite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fse-tg-store-'));
      dirs.push(dir);
      return () => openSqliteTelegramStore(join(dir, 'telegram.sqlite'));
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const url = await postgres!.createDatabase(`tg_store_${++databases}`);
      return () => openPostgresTelegramStore(url);
    },
  },
];

const row = (key: string, over: Partial<NewOutboxRow> = {}): NewOutboxRow => ({
  key,
  eventSeq: 1,
  orderId: 'o1',
  orderNumber: 'SH01-1',
  chatId: -100,
  kind: 'card',
  document: null,
  audience: 'branch',
  cause: 'order.placed',
  text: null,
  ...over,
});

describe.each(backends)('$name telegram store', ({ open }) => {
  it('keeps settings, a forward-only cursor and each update id once', async () => {
    const store = await (await open())();
    expect(await store.initSetting('secret', 'a')).toBe('a');
    expect(await store.initSetting('secret', 'b')).toBe('a');
    await store.setSetting('token', 't');
    await store.setSetting('token', null);
    expect(await store.setting('token')).toBeNull();
    await store.advanceCursor(7);
    await store.advanceCursor(3);
    expect(await store.cursor()).toBe(7);
    expect(await store.recordUpdate(5, 1)).toBe(true);
    expect(await store.recordUpdate(5, 2)).toBe(false);
    await store.forgetUpdate(5);
    expect(await store.recordUpdate(5, 3)).toBe(true);
    await store.pruneUpdates(4);
    expect(await store.recordUpdate(5, 5)).toBe(true);
    await store.close();
  });

  it('records groups, moves a link to the group linked last, and migrates a group', async () => {
    const store = await (await open())();
    const chat = -1001234567890;
    await store.saveGroup({ chatId: chat, title: 'Shop one', type: 'supergroup' }, 1);
    await store.saveGroup({ chatId: -5, title: 'Other', type: 'group' }, 2);
    await store.linkGroup(chat, { branchId: 'b1', role: null });
    await store.linkGroup(-5, { branchId: 'b1', role: null });
    expect((await store.group(chat))?.branchId).toBeNull();
    expect(await store.group(-5)).toMatchObject({ branchId: 'b1', active: true, title: 'Other' });
    await store.deactivateGroup(-5, 3);
    expect(await store.group(-5)).toMatchObject({ active: false, removedAt: 3 });
    await store.saveGroup({ chatId: -5, title: 'Other', type: 'group' }, 4);
    expect(await store.group(-5)).toMatchObject({ active: true, removedAt: null, branchId: 'b1' });
    await store.enqueue([row('k1', { chatId: -5 })], 5);
    await store.migrateGroup(-5, -1009);
    expect(await store.group(-1009)).toMatchObject({ branchId: 'b1', type: 'supergroup' });
    expect((await store.outbox({ limit: 5, offset: 0 }))[0]?.chatId).toBe(-1009);
    await store.close();
  });

  it('takes a link code once and before it expires', async () => {
    const store = await (await open())();
    await store.createLinkCode({ codeHash: 'h1', userId: 'u1', expiresAt: 100 });
    await store.createLinkCode({ codeHash: 'h2', userId: 'u2', expiresAt: 100 });
    expect(await store.takeLinkCode('h1', 50)).toBe('u1');
    expect(await store.takeLinkCode('h1', 51)).toBeNull();
    expect(await store.takeLinkCode('h2', 100)).toBeNull();
    await store.linkUser({ telegramUserId: 42, userId: 'u1', name: 'A', at: 1 });
    await store.linkUser({ telegramUserId: 43, userId: 'u1', name: 'A', at: 2 });
    expect(await store.linkedUser(42)).toBeNull();
    expect(await store.linkedUser(43)).toBe('u1');
    await store.close();
  });

  it('enqueues each key once and hands out rows of a lane one at a time, in order', async () => {
    const store = await (await open())();
    expect(
      await store.enqueue([row('a'), row('b'), row('c', { orderId: 'o2', chatId: -200 })], 10),
    ).toBe(3);
    expect(await store.enqueue([row('a'), row('d', { eventSeq: 9 })], 11)).toBe(1);
    const first = await store.claim('p1', 20, 1000, 5, 1);
    const other = await store.claim('p2', 20, 1000, 5, 1);
    expect([first?.key, other?.key]).toEqual(['a', 'c']);
    await store.finish(other!.id, 'p2', { status: 'failed', error: 'chat not found' }, 20);
    expect(await store.claim('p2', 20, 1000, 5, 1)).toBeNull(); // b waits for a; d for the replica
    expect(await store.finish(first!.id, 'p2', { status: 'sent', error: null }, 21)).toBe(false);
    expect(
      await store.finish(first!.id, 'p1', { status: 'sent', error: null, messageIds: [7] }, 21),
    ).toBe(true);
    const b = await store.claim('p2', 22, 1000, 5, 1);
    expect(b?.key).toBe('b');
    expect(b?.attempts).toBe(1);
    // p2 dies holding b: after the lease another process takes it over.
    expect(await store.claim('p1', 500, 1000, 5, 1)).toBeNull();
    const again = await store.claim('p1', 1100, 1000, 5, 1);
    expect(again).toMatchObject({ key: 'b', attempts: 2, claimedBy: 'p1' });
    await store.finish(again!.id, 'p1', { status: 'pending', error: 'x', nextAt: 5000 }, 1101);
    expect(await store.nextDue(5)).toBe(5000);
    const log = await store.outbox({ orderId: 'o1', limit: 10, offset: 0 });
    expect(log.map((r) => [r.key, r.status, r.messageIds])).toEqual([
      ['d', 'pending', []],
      ['b', 'pending', []],
      ['a', 'sent', [7]],
    ]);
    expect(await store.counts()).toEqual({ pending: 2, failed: 1 });
    await store.close();
  });

  it('paces each chat on its own, one message in flight per chat', async () => {
    const store = await (await open())();
    await store.enqueue(
      [
        row('a1', { orderId: 'oa' }),
        row('a2', { orderId: 'ob' }),
        row('b1', { orderId: 'oc', chatId: -200 }),
      ],
      10,
    );
    const a1 = await store.claim('p1', 20, 1000, 5, 1);
    // Chat -100 has a row in flight: its other lane waits, chat -200 does not.
    expect((await store.claim('p2', 20, 1000, 5, 1))?.key).toBe('b1');
    await store.finish(
      a1!.id,
      'p1',
      { status: 'pending', error: '429', nextAt: 3020, chatNextAt: 3020 },
      20,
    );
    expect(await store.claim('p1', 1000, 1000, 5, 1)).toBeNull();
    expect(await store.chatPace(-100)).toMatchObject({ nextAt: 3020, lastMessageId: null });
    expect((await store.claim('p1', 3020, 1000, 5, 1))?.key).toBe('a1');
    await store.finish(
      a1!.id,
      'p1',
      { status: 'sent', error: null, messageIds: [41], chatNextAt: 3100 },
      3021,
    );
    expect(await store.chatPace(-100)).toEqual({ chatId: -100, nextAt: 3100, lastMessageId: 41 });
    expect(await store.knownMessageIds(-100, 0)).toEqual(new Set([41]));
    expect((await store.claim('p1', 3100, 1000, 5, 1))?.key).toBe('a2');
    // A kicked bot: the chat's waiting rows fail at once.
    await store.enqueue([row('a3', { orderId: 'od' })], 3200);
    expect(await store.failChat(-100, 'kicked', 3200)).toBe(1);
    expect(await store.recentRow('a', 3000)).toBe(true);
    expect(await store.recentRow('zz', 0)).toBe(false);
    await store.close();
  });

  it('never gives one row to two processes claiming at once', async () => {
    const opener = await open();
    const stores = [await opener(), await opener(), await opener()];
    const rows = Array.from({ length: 30 }, (_, i) => row(`r${i}`, { orderId: `o${i % 10}` }));
    await stores[0]!.enqueue(rows, 1);
    const claimed: string[] = [];
    await Promise.all(
      stores.map(async (s, p) => {
        for (;;) {
          const r = await s.claim(`p${p}`, 2, 60_000, 10, 1);
          if (!r) {
            if ((await s.counts()).pending === 0) return;
            await new Promise((ok) => setTimeout(ok, 2));
            continue;
          }
          claimed.push(r.key);
          await s.finish(r.id, `p${p}`, { status: 'sent', error: null }, 3);
        }
      }),
    );
    expect(claimed.sort()).toEqual(rows.map((r) => r.key).sort());
    for (const s of stores) await s.close();
  });

  it('fences claims: once a claim used a newer sender token, one under an older token takes nothing', async () => {
    const opener = await open();
    const [late, holder] = [await opener(), await opener()];
    await late.enqueue([row('a', { orderId: 'oa' }), row('b', { orderId: 'ob', chatId: -200 })], 1);
    // The old holder claimed under token 5 and then paused; the new one took over with token 6.
    const a = await late.claim('old', 2, 60_000, 10, 5);
    const b = await holder.claim('new', 2, 60_000, 10, 6);
    expect([a?.key, b?.key]).toEqual(['a', 'b']);
    await holder.finish(b!.id, 'new', { status: 'sent', error: null }, 3);
    await holder.enqueue([row('c', { orderId: 'oc', chatId: -300 })], 3);
    // Back from its pause, the old holder claims nothing, though a row is due; it may still
    // record the row it had in flight.
    expect(await late.claim('old', 4, 60_000, 10, 5)).toBeNull();
    expect(await late.finish(a!.id, 'old', { status: 'sent', error: null }, 4)).toBe(true);
    expect((await holder.claim('new', 4, 60_000, 10, 6))?.key).toBe('c');
    for (const s of [late, holder]) await s.close();
  });
});
