// Telegram on the road, piece by piece (decision 0034): which group a delivery's note goes to,
// that a proof or an award makes one row however often it is planned, and customers' links in
// a real Telegram store. The whole path, from a driver's proof to the fake Bot API, is in
// deliveries.test.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { htmlToText } from '../../core/telegram/html';
import type { TelegramGroup } from '../../core/telegram/service';
import { eq } from 'drizzle-orm';
import { users } from '../../core/db/schema';
import { openDemo } from '../../core/testing/demo';
import {
  BADGE_NEWS_MS,
  badgeText,
  customerGroups,
  customerOfGroup,
  DELIVERY_NOTE,
  deliveryNoteFileName,
  linkCustomerGroup,
  planBadgeNews,
  rowsForProofs,
} from './road';
import { openSqliteTelegramStore } from './store/sqlite';
import type { TelegramStore } from './store/types';

const group = (chatId: number, over: Partial<TelegramGroup> = {}): TelegramGroup => ({
  chatId,
  title: `g${chatId}`,
  type: 'supergroup',
  active: true,
  addedAt: 0,
  removedAt: null,
  removedReason: null,
  branchId: null,
  role: null,
  ...over,
});

const proof = (n: number, customerId: string, branchId = 'SH01') => ({
  type: 'delivery.proved',
  seq: n,
  proofId: `proof-${n}`,
  orderId: `order-${n}`,
  orderNumber: `SH01-C1-00000${n}`,
  customerId,
  branchId,
});

/** A seeded PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('where a delivery note goes', () => {
  const shop = group(-1, { branchId: 'SH01' });
  const finance = group(-2, { role: 'finance' });
  const customerChat = group(-3);

  it('goes to the customer’s group, else the branch’s, never to finance', () => {
    const links = new Map([['cust-a', -3]]);
    const rows = rowsForProofs(
      [proof(1, 'cust-a'), proof(2, 'cust-b'), proof(3, 'cust-c', 'SH02')],
      [shop, finance, customerChat],
      links,
    );
    expect(rows.map((r) => [r.orderId, r.chatId])).toEqual([
      ['order-1', -3],
      ['order-2', -1],
    ]);
    expect(rows[0]).toMatchObject({
      key: 'proof:proof-1:delivery_note',
      kind: 'document',
      document: DELIVERY_NOTE,
      cause: 'delivery.proved',
      eventSeq: 1,
    });
  });

  it('falls back to the branch’s group when the customer’s left or was kicked', () => {
    const rows = rowsForProofs(
      [proof(1, 'cust-a')],
      [shop, group(-3, { active: false, removedAt: 5 })],
      new Map([['cust-a', -3]]),
    );
    expect(rows.map((r) => r.chatId)).toEqual([-1]);
  });

  it('keys a proof’s note by the proof alone, whichever group it goes to (property)', () => {
    const random = prng(16);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(random() * 20);
      const proofs = Array.from({ length: n }, (_, i) =>
        proof(i, `cust-${Math.floor(random() * 4)}`, random() < 0.5 ? 'SH01' : 'SH02'),
      );
      const links = new Map(
        ['cust-0', 'cust-1'].filter(() => random() < 0.5).map((c, i) => [c, -10 - i] as const),
      );
      const groups = [shop, group(-10), group(-11), group(-12, { branchId: 'SH02' })].filter(
        () => random() < 0.8,
      );
      const first = rowsForProofs(proofs, groups, links);
      const again = rowsForProofs(proofs, [...groups].reverse(), links);
      // One row at most per proof; the same keys whatever order the groups come in.
      expect(new Set(first.map((r) => r.key)).size).toBe(first.length);
      expect(again.map((r) => r.key)).toEqual(first.map((r) => r.key));
      for (const r of first) {
        const p = proofs.find((x) => x.orderId === r.orderId)!;
        expect(r.key).toBe(`proof:${p.proofId}:${DELIVERY_NOTE}`);
        const linked = links.get(p.customerId);
        const own = groups.find((g) => g.chatId === linked && g.active);
        if (own) expect(r.chatId).toBe(own.chatId);
        else expect(groups.find((g) => g.chatId === r.chatId)?.branchId).toBe(p.branchId);
      }
    }
  });

  it('names the file after the order, safely', () => {
    expect(deliveryNoteFileName('SH01-C1-000007')).toBe('SH01-C1-000007-delivery-note.pdf');
    expect(deliveryNoteFileName('a/b c')).toBe('a_b_c-delivery-note.pdf');
  });
});

describe('a badge’s announcement', () => {
  it('escapes names and says the period and points', () => {
    const text = badgeText({
      person: 'Abebe <Driver>',
      badge: '10 & more',
      period: '2026-W49',
      points: 50,
    });
    expect(text).toContain('&lt;Driver&gt;');
    expect(htmlToText(text)).toBe(
      '🏅 Abebe <Driver> earned the badge 10 & more (2026-W49) · +50 points. Well done!',
    );
    expect(htmlToText(badgeText({ person: 'A', badge: 'First', period: 'ever', points: 0 }))).toBe(
      '🏅 A earned the badge First. Well done!',
    );
  });
});

describe('customers’ groups in the Telegram store', () => {
  let store: TelegramStore;
  beforeEach(async () => {
    store = await openSqliteTelegramStore(
      join(mkdtempSync(join(tmpdir(), 'fse-road-')), 't.sqlite'),
    );
  });
  afterEach(() => store.close());

  it('keeps one group per customer and one customer per group; null unlinks', async () => {
    await linkCustomerGroup(store, -3, 'cust-a');
    await linkCustomerGroup(store, -4, 'cust-b');
    expect([...(await customerGroups(store))]).toEqual([
      ['cust-a', -3],
      ['cust-b', -4],
    ]);
    // Linking another group moves the customer's link; a group linked again drops its old one.
    await linkCustomerGroup(store, -5, 'cust-a');
    await linkCustomerGroup(store, -4, 'cust-c');
    const links = await customerGroups(store);
    expect(Object.fromEntries(links)).toEqual({ 'cust-a': -5, 'cust-c': -4 });
    expect(customerOfGroup(links, -3)).toBeNull();
    await linkCustomerGroup(store, -5, null);
    expect(Object.fromEntries(await customerGroups(store))).toEqual({ 'cust-c': -4 });
  });

  it('makes one outbox row per proof however often it is planned', async () => {
    const rows = rowsForProofs([proof(1, 'cust-a')], [group(-1, { branchId: 'SH01' })], new Map());
    expect(await store.enqueue(rows, 1)).toBe(1);
    expect(await store.enqueue(rows, 2)).toBe(0);
    // Linked to the customer's group later, the proof's note is still the one sent before.
    const moved = rowsForProofs(
      [proof(1, 'cust-a')],
      [group(-1, { branchId: 'SH01' }), group(-3)],
      new Map([['cust-a', -3]]),
    );
    expect(await store.enqueue(moved, 3)).toBe(0);
    expect((await store.outbox({ limit: 10, offset: 0 })).map((r) => r.chatId)).toEqual([-1]);
  });
});

describe('planning badges’ announcements', () => {
  it('announces each held award of an announcing rule once, withdrawn and earned again or not', async () => {
    const w = await openDemo();
    const store = await openSqliteTelegramStore(
      join(mkdtempSync(join(tmpdir(), 'fse-road-')), 't.sqlite'),
    );
    try {
      const db = w.core.db;
      const now = Date.now();
      const user = (username: string) => {
        const row = db.orm
          .select({ id: users.id, branchId: users.branchId })
          .from(users)
          .where(eq(users.username, username))
          .get();
        if (!row) throw new Error(`no demo user ${username}`);
        return row;
      };
      const driver = user('driver');
      const sales = user('sales');
      // Badge rules and awards as head office's folds keep them (core/badges).
      const rule = db.sqlite.prepare(
        `INSERT INTO badge_rules (id, name, role, rule, kind, threshold, period, points, announce, active)
         VALUES (?, ?, 'driver', 'count', 'delivery', 1, 'ever', 5, ?, 1)`,
      );
      rule.run('loud', 'Road <star>', 1);
      rule.run('quiet', 'Quiet', 0);
      const award = db.sqlite.prepare(
        `INSERT OR REPLACE INTO badge_awards (person_id, rule_id, period, status, points, earned_by, earned_at)
         VALUES (?, ?, 'ever', ?, 5, 'credit', ?)`,
      );
      award.run(driver.id, 'loud', 'held', now - 1000);
      award.run(driver.id, 'quiet', 'held', now - 1000);
      award.run(sales.id, 'loud', 'held', now - BADGE_NEWS_MS - 1000);
      // No group for the driver's branch yet: nothing to plan, and nothing lost by waiting.
      expect(await planBadgeNews(db, store, 1, now)).toBe(0);
      await store.saveGroup({ chatId: -7, title: 'Factory', type: 'supergroup' }, now);
      await store.linkGroup(-7, { branchId: driver.branchId, role: null });
      await store.saveGroup({ chatId: -8, title: 'Sales', type: 'supergroup' }, now);
      await store.linkGroup(-8, { branchId: sales.branchId, role: null });
      // The loud rule's fresh award only: not the quiet rule's, not one earned weeks ago.
      expect(await planBadgeNews(db, store, 1, now)).toBe(1);
      expect(await planBadgeNews(db, store, 2, now)).toBe(0);
      award.run(driver.id, 'loud', 'withdrawn', now - 1000);
      expect(await planBadgeNews(db, store, 3, now)).toBe(0);
      award.run(driver.id, 'loud', 'held', now - 10);
      expect(await planBadgeNews(db, store, 4, now)).toBe(0);
      const rows = await store.outbox({ limit: 10, offset: 0 });
      expect(rows.map((r) => [r.key, r.chatId, r.kind, r.cause])).toEqual([
        [`badge:${driver.id}:loud:ever`, -7, 'message', 'badge.held'],
      ]);
      expect(htmlToText(rows[0]?.text ?? '')).toBe(
        '🏅 Yonas Bekele earned the badge Road <star> · +5 points. Well done!',
      );
    } finally {
      await store.close();
      w.core.close();
    }
  });
});
