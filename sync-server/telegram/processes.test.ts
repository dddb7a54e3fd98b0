// Telegram with two head-office server processes on one store, each a real process with its
// own data folder, against the local Bot API stand-in: one of them, the holder of the sender
// lease, sends and paces every message (each once), whichever process took the push; killed
// (SIGKILL) in the middle of a paced batch, the other takes over and sends the rest, once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../bench/server-process';
import type { ServerConfig } from '../main';
import { usePostgres } from '../testing/backups';
import { enrollSite, setUpHeadOffice, type Site } from '../testing/world';
import { FakeBotApi } from './testing/fake-bot-api';
import { OWNER, PUBLIC_URL, SHOP_CHAT, sleep, TOKEN, waitFor } from './testing/harness';
import { deliver, myChatMember } from './testing/updates';

const PACE_MS = 2_000;

const health = z.object({
  leases: z.array(z.object({ name: z.string(), here: z.boolean().optional() })),
  telegram: z.object({ outbox: z.object({ waiting: z.number() }) }).optional(),
});
/** /health as the admin sees it: the leases and Telegram are not told to anyone else. */
const healthOf = async (p: ServerProcess, adminToken: string) =>
  health.parse(
    await (
      await fetch(`${p.base}/health`, { headers: { authorization: `Bearer ${adminToken}` } })
    ).json(),
  );
const sends = ['sendMessage', 'sendDocument'];

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each(['sqlite', 'postgres'] as const)('Telegram, two server processes on %s', (kind) => {
  const pg = kind === 'postgres' ? usePostgres() : null;

  it('sends each message once from the lease holder; killed mid-batch, the other sends the rest', async () => {
    const api = await FakeBotApi.start([TOKEN]);
    cleanups.push(() => api.close());
    api.addChat(SHOP_CHAT.id, SHOP_CHAT.title ?? '', 'supergroup');
    const databaseUrl = pg ? await pg.createDatabase('telegram_processes') : null;
    const a = mkdtempSync(join(tmpdir(), 'fse-tg-a-'));
    const config = (via: string): Partial<ServerConfig> & { dataDir: string } => ({
      dataDir: mkdtempSync(join(tmpdir(), `fse-tg-${via}-`)),
      databaseUrl,
      // Both processes are given the same bot, as a deployment would: each tells its own calls
      // apart by the address it reaches the Bot API at.
      telegram: {
        apiUrl: `${api.url}/${via}`,
        token: TOKEN,
        publicUrl: PUBLIC_URL,
        pollMs: 100,
        retryBaseMs: 100,
        retryMaxMs: 1_000,
        timeZone: 'UTC',
        // One group, paced: a kill right after a message went out finds nothing in flight.
        groupPaceMs: PACE_MS,
        senderLeaseMs: 3_000,
        leaseMs: 5_000,
        requestTimeoutMs: 2_000,
      },
    });
    const servers: Record<'a' | 'b', ServerProcess> = {
      a: await spawnServer({ ...config('a'), dataDir: a }),
      b: null!,
    };
    cleanups.push(() => servers.a.close());
    const ho = await setUpHeadOffice(servers.a.base);
    servers.b = await spawnServer({
      ...config('b'),
      ...(kind === 'sqlite' && { sqliteStoreDir: join(a, 'store') }),
    });
    cleanups.push(() => servers.b.close());

    // The webhook was set once, with the one secret both processes share; updates reach either.
    expect(api.calls.filter((c) => c.method === 'setWebhook')).toHaveLength(1);
    const secret = api.webhook?.secretToken ?? '';
    const joined = myChatMember(api, SHOP_CHAT, OWNER, { old: 'left', new: 'member' });
    expect((await deliver(servers.b.base, joined, secret)).status).toBe(200);
    await ho.admin('telegram.groups.link', { chatId: SHOP_CHAT.id, branchId: ho.branch.SH01 });
    // The shop's PC syncs through B.
    const shop: Site = await enrollSite(ho, 'SH01', { via: servers.b.base });
    cleanups.push(() => shop.close());

    const place = async (n: number) => {
      const numbers: string[] = [];
      for (let i = 0; i < n; i++) {
        const variantId = ho.variants[i % ho.variants.length]!;
        const placed = await shop.as('shop1')('orders.place', {
          lines: [{ variantId, quantity: 1 }],
        });
        numbers.push(placed.number);
      }
      await shop.engine.sync();
      return numbers;
    };
    const holder = async () => {
      for (const via of ['a', 'b'] as const) {
        const seen = await healthOf(servers[via], ho.adminToken).catch(() => null);
        if (seen?.leases.some((l) => l.name === 'telegram' && l.here)) return via;
      }
      return null;
    };
    const cards = (number: string) =>
      api
        .succeeded('sendMessage')
        .filter((c) => String(c.params['text']).includes(`<b>Order ${number}`));
    const documents = (numbers: string[]) =>
      api
        .succeeded('sendDocument')
        .map((c) => c.files['document']?.filename ?? '')
        .filter((f) => numbers.some((n) => f.startsWith(n)));
    const allSent = async (numbers: string[], via: ServerProcess) => {
      const seen = await healthOf(via, ho.adminToken);
      return seen.telegram?.outbox.waiting === 0 && numbers.every((n) => cards(n).length > 0);
    };

    // Both running: one of them sends everything, each message once.
    const first = await place(2);
    await waitFor(() => allSent(first, servers.a), 'the first orders sent', 90_000);
    const sender = await holder();
    expect(sender).not.toBeNull();
    const sent = api.succeeded().filter((c) => sends.includes(c.method));
    expect(new Set(sent.map((c) => c.via))).toEqual(new Set([sender]));
    for (const n of first) expect(cards(n)).toHaveLength(1);
    expect(documents(first).length).toBeGreaterThanOrEqual(first.length);
    expect(new Set(documents(first)).size).toBe(documents(first).length);

    // A paced batch; the sender is killed just after one of its messages went out.
    const batch = await place(3);
    const before = api.succeeded().filter((c) => sends.includes(c.method)).length;
    await waitFor(
      () => api.succeeded().filter((c) => sends.includes(c.method)).length >= before + 2,
      'part of the batch sent',
      90_000,
    );
    await sleep(300); // its outcome recorded; the next message waits for the group's pace
    const survivor = sender === 'a' ? 'b' : 'a';
    process.kill(servers[sender!].pid, 'SIGKILL');
    const killedAt = Date.now();
    const left = api.succeeded().filter((c) => sends.includes(c.method)).length;
    await waitFor(() => allSent(batch, servers[survivor]), 'the rest sent by the other', 90_000);
    expect(await holder()).toBe(survivor);
    const after = api
      .succeeded()
      .filter((c) => c.at > killedAt && [...sends, 'editMessageText'].includes(c.method));
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((c) => c.via === survivor)).toBe(true);
    expect(api.succeeded().filter((c) => sends.includes(c.method)).length).toBeGreaterThan(left);
    for (const n of [...first, ...batch]) expect(cards(n)).toHaveLength(1);
    const docs = documents([...first, ...batch]);
    expect(new Set(docs).size).toBe(docs.length);
    expect(docs.length).toBeGreaterThanOrEqual(first.length + batch.length);
  }, 300_000);
});
