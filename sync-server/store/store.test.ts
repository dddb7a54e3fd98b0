// One contract for both event stores: the embedded SQLite one and the PostgreSQL one (run
// against a real, throwaway PostgreSQL server).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../../core/db/rows';
import { formatHlc } from '../../core/hlc';
import { newId } from '../../core/ids';
import { epochSafePoint, pullResponse, type WireEvent } from '../../core/sync/protocol';
import { scopeOf, type Scope } from '../../core/sync/scope';
import { pageJson, parsedPage } from '../hub';
import { PostgresEventStore } from './postgres';
import { SqliteEventStore } from './sqlite';
import { startTestPostgres, type TestPostgres } from './testing/postgres';
import type { Ack, EventStore, IngestItem } from './types';
import type { SqlDialect, SqlParam } from './dialect';

const FACTORY = 'branch-factory';
const SHOP_A = 'branch-shop-a';
const SHOP_B = 'branch-shop-b';
const HEAD_OFFICE = 'branch-hq';
const USER = newId();
const DEVICE = newId();

let wall = Date.UTC(2025, 2, 3, 8, 0, 0);
const branchStamp = () => formatHlc({ wall: ++wall, counter: 0, node: DEVICE.slice(-8) });
const serverStamp = () => formatHlc({ wall: ++wall, counter: 0, node: 'server-test' });

function wireEvent(
  type: string,
  branchId: string,
  aggregateId: string | null,
  payload: unknown,
): WireEvent {
  return {
    id: newId(),
    type,
    schemaVersion: 1,
    branchId,
    deviceId: DEVICE,
    userId: USER,
    hlc: branchStamp(),
    createdAt: wall,
    aggregateId,
    payload,
  };
}

const stockAdjusted = (branchId: string, quantity = 5) => {
  const variantId = newId();
  return wireEvent('stock.adjusted', branchId, variantId, {
    branchId,
    variantId,
    quantity,
    reason: 'stock count',
  });
};

const stockTransferred = (fromBranchId: string, toBranchId: string) => {
  const variantId = newId();
  return wireEvent('stock.transferred', fromBranchId, variantId, {
    fromBranchId,
    toBranchId,
    variantId,
    quantity: 2,
    reason: null,
  });
};

const branchSaved = (id: string, kind: 'factory' | 'shop' | 'head_office') =>
  wireEvent('branch.saved', HEAD_OFFICE, id, {
    id,
    code: id.slice(-6),
    name: id,
    kind,
    active: true,
  });

const orderPlaced = (shopId: string, factoryId: string) => {
  const orderId = newId();
  return wireEvent('order.placed', shopId, orderId, {
    orderId,
    number: `S-${wall % 10_000}`,
    shopId,
    factoryId,
    note: null,
    lines: [
      {
        lineNo: 1,
        variantId: newId(),
        sku: 'TS-01',
        name: 'T-shirt',
        quantity: 3,
        unitPrice: 1250,
      },
    ],
  });
};

/** The item the hub would make: scope from core/sync/scope, the server's clock at receipt. */
const item = (
  event: WireEvent,
  known: (id: string) => string[] | null = () => null,
): IngestItem => ({
  event,
  ...scopeOf(event, known),
  receivedHlc: serverStamp(),
  payloadJson: JSON.stringify(event.payload),
});

const withScope = (
  event: WireEvent,
  scope: Scope,
  register: string[] | null = null,
): IngestItem => ({
  event,
  scope,
  register,
  receivedHlc: serverStamp(),
  payloadJson: JSON.stringify(event.payload),
});

/** Which branches (null: head office, all of them) may see an item. */
const visibleTo = (i: IngestItem, branch: string | null) =>
  branch === null || i.scope.all || i.scope.branches.includes(branch);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0xff, 0x00, 0x80,
]);

let server: TestPostgres | undefined;
let databases = 0;
const tempDirs: string[] = [];

beforeAll(async () => {
  const started = Date.now();
  server = await startTestPostgres();
  console.log(`PostgreSQL test server started in ${Date.now() - started} ms`);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const freshDatabase = () => server!.createDatabase(`store_test_${++databases}`);

interface Backend {
  name: 'sqlite' | 'postgres';
  open(): Promise<EventStore>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'fse-store-'));
      tempDirs.push(dir);
      return new SqliteEventStore(dir);
    },
  },
  { name: 'postgres', open: async () => PostgresEventStore.connect(await freshDatabase()) },
];

describe.each(backends)('$name event store', ({ name, open }) => {
  let store: EventStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('reports its kind and answers a ping', async () => {
    expect(store.kind).toBe(name);
    expect(await store.ping()).toBe(true);
    expect(await store.headSeq()).toBe(0);
  });

  describe('ingest', () => {
    it('assigns increasing sequence numbers in the order of the batch', async () => {
      const first = [
        stockAdjusted(FACTORY),
        stockAdjusted(SHOP_A),
        branchSaved(SHOP_B, 'shop'),
      ].map((e) => item(e));
      const acks = await store.ingest(first);
      expect(acks.map((a) => a.id)).toEqual(first.map((i) => i.event.id));
      expect(acks.map((a) => a.receivedHlc)).toEqual(first.map((i) => i.receivedHlc));
      for (let k = 1; k < acks.length; k++) expect(acks[k]!.seq).toBeGreaterThan(acks[k - 1]!.seq);
      expect(acks[0]!.seq).toBeGreaterThan(0);

      const second = await store.ingest([
        item(stockAdjusted(FACTORY)),
        item(stockAdjusted(FACTORY)),
      ]);
      expect(second[0]!.seq).toBeGreaterThan(acks.at(-1)!.seq);
      expect(second[1]!.seq).toBeGreaterThan(second[0]!.seq);
      expect(await store.headSeq()).toBe(second[1]!.seq);
      expect(await store.ingest([])).toEqual([]);
    });

    it('keeps every field as sent and orders events as it numbered them', async () => {
      const placed = orderPlaced(SHOP_A, FACTORY);
      const odd = wireEvent('stock.adjusted', FACTORY, null, {
        branchId: FACTORY,
        variantId: 'v-1',
        quantity: -7,
        reason: 'broken: "box" \\ ünïcode ✓ \u0000 nul',
      });
      const items = [item(placed), item(odd)];
      const acks = await store.ingest(items);
      const served = {
        ...(await store.pull(null, 0, 10)),
        serverTime: 1,
        epoch: await store.epoch(),
      };
      const expected = items.map((i, k) => ({
        ...i.event,
        seq: acks[k]!.seq,
        receivedHlc: i.receivedHlc,
      }));
      // As a device reads it over HTTP (payloads copied as stored), and in the server's process.
      const wire = pullResponse.parse(JSON.parse(pageJson(served)));
      expect(wire.events).toEqual(expected);
      expect(wire).toMatchObject({
        cursor: served.cursor,
        remaining: 0,
        serverTime: 1,
        epoch: served.epoch,
      });
      expect(parsedPage(served).events).toEqual(expected);
      expect(typeof served.events[0]!.createdAt).toBe('number');
      expect(typeof served.events[0]!.seq).toBe('number');
    });

    it('answers known ids with their first sequence number and clock and writes nothing new', async () => {
      const events = [
        stockAdjusted(FACTORY),
        orderPlaced(SHOP_A, FACTORY),
        branchSaved(FACTORY, 'factory'),
      ];
      const first = await store.ingest(events.map((e) => item(e)));
      const head = await store.headSeq();

      // A retry of the same push, with the server's clock moved on.
      const retry = await store.ingest(events.map((e) => item(e)));
      expect(retry).toEqual(first);
      expect(await store.headSeq()).toBe(head);

      // A push mixing known events, a new one, and the new one twice.
      const fresh = stockAdjusted(SHOP_B);
      const mixedItems = [item(events[1]!), item(fresh), item(events[0]!), item(fresh)];
      const mixed = await store.ingest(mixedItems);
      // Sequence numbers may have gaps (an insert that finds its id known still draws one).
      expect(mixed[1]!.seq).toBeGreaterThan(head);
      const freshAck: Ack = {
        id: fresh.id,
        seq: mixed[1]!.seq,
        receivedHlc: mixedItems[1]!.receivedHlc,
      };
      expect(mixed).toEqual([first[1], freshAck, first[0], freshAck]);
      expect(await store.headSeq()).toBe(freshAck.seq);

      const all = await store.pull(null, 0, 100);
      expect(all.events.map((e) => e.id)).toEqual([...events.map((e) => e.id), fresh.id]);
      expect(all.events.map((e) => e.receivedHlc)).toEqual(
        [...first, freshAck].map((a) => a.receivedHlc),
      );
    });

    it('writes nothing when a batch fails', async () => {
      await store.ingest([item(stockAdjusted(FACTORY))]);
      const head = await store.headSeq();
      const broken = { ...stockAdjusted(FACTORY), payload: undefined };
      await expect(store.ingest([item(stockAdjusted(SHOP_A)), item(broken)])).rejects.toThrow();
      expect(await store.headSeq()).toBe(head);
      expect((await store.pull(null, 0, 100)).events).toHaveLength(1);
      // The failed batch left no lock or half state behind.
      const acks = await store.ingest([item(stockAdjusted(SHOP_A))]);
      expect(acks[0]!.seq).toBeGreaterThan(head);
    });
  });

  describe("users' and prices' changes", () => {
    it('are read after a seq through their own index, never walking the company-wide events', async () => {
      const userSaved = (role: string) => {
        const id = newId();
        return wireEvent('user.saved', HEAD_OFFICE, id, { id, branchId: SHOP_A, role });
      };
      const first = userSaved('shop_clerk');
      const everywhere = Array.from({ length: 20 }, (_, i) => item(branchSaved(`b-${i}`, 'shop')));
      const variantId = newId();
      const priced = wireEvent('variant.saved', HEAD_OFFICE, variantId, {
        id: variantId,
        price: 1500,
      });
      const later = userSaved('admin');
      const acks = await store.ingest([item(first), ...everywhere, item(priced), item(later)]);
      const changes = await store.userChangesAfter(acks[0]!.seq);
      expect(changes.map((c) => [c.seq, c.type, c.userId])).toEqual([
        [acks.at(-2)!.seq, 'variant.saved', variantId],
        [acks.at(-1)!.seq, 'user.saved', later.aggregateId],
      ]);
      expect(await store.userChangesAfter(0)).toHaveLength(3);

      // The plan of the very query the store ran: through events_authority_changes.
      const sql = (store as unknown as { sql: SqlDialect }).sql;
      const ran: { text: string; params: readonly SqlParam[] }[] = [];
      const all = sql.all.bind(sql);
      sql.all = (text, params = []) => {
        ran.push({ text, params });
        return all(text, params);
      };
      await store.userChangesAfter(0);
      sql.all = all;
      const query = ran.find((q) => q.text.includes('user.saved'))!;
      const plan =
        name === 'sqlite'
          ? await sql.all(`EXPLAIN QUERY PLAN ${query.text}`, query.params)
          : await sql.transaction(async (tx) => {
              // The tiny test table would be read whole otherwise; the question is which index.
              await tx.run('SET LOCAL enable_seqscan = off');
              return tx.all(`EXPLAIN ${query.text}`, query.params);
            });
      expect(JSON.stringify(plan)).toContain('events_authority_changes');
      if (name === 'sqlite') {
        // And that index costs an ingest no temporary table per event, which SQLite builds for a
        // partial index whose condition is an IN list (store migration 10).
        const program = await sql.all(
          `EXPLAIN INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc,
             created_at, aggregate_id, payload, received_hlc, scope_all)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          Array<null>(12).fill(null),
        );
        const opcodes = parseRows(z.object({ opcode: z.string() }), program).map((r) => r.opcode);
        expect(opcodes).toContain('IdxInsert');
        expect(opcodes).not.toContain('OpenEphemeral');
      }
    });
  });

  describe('pull', () => {
    it('shows each branch what its scope allows, and head office everything', async () => {
      const everywhere = item(branchSaved(SHOP_B, 'shop'));
      const transfer = item(stockTransferred(SHOP_A, SHOP_B));
      const factoryOnly = item(stockAdjusted(FACTORY));
      const shopAOnly = item(stockAdjusted(SHOP_A));
      expect(everywhere.scope).toEqual({ all: true });
      expect(transfer.scope).toEqual({ all: false, branches: [SHOP_A, SHOP_B] });
      const items = [everywhere, transfer, factoryOnly, shopAOnly];
      await store.ingest(items);

      const ids = async (branch: string | null) =>
        (await store.pull(branch, 0, 100)).events.map((e) => e.id);
      const idsOf = (...its: IngestItem[]) => its.map((i) => i.event.id);
      expect(await ids(SHOP_A)).toEqual(idsOf(everywhere, transfer, shopAOnly));
      expect(await ids(SHOP_B)).toEqual(idsOf(everywhere, transfer));
      expect(await ids(FACTORY)).toEqual(idsOf(everywhere, factoryOnly));
      expect(await ids('branch-unknown')).toEqual(idsOf(everywhere));
      expect(await ids(null)).toEqual(idsOf(...items));
    });

    it('pages with consistent cursors and remaining counts', async () => {
      const branches = [FACTORY, SHOP_A, SHOP_B];
      const items: IngestItem[] = [];
      for (let k = 0; k < 30; k++) {
        const b = branches[k % 3]!;
        if (k % 7 === 0) items.push(item(branchSaved(b, 'shop')));
        else if (k % 5 === 0) items.push(item(stockTransferred(b, branches[(k + 1) % 3]!)));
        else if (k % 4 === 0) items.push(item(orderPlaced(SHOP_A, FACTORY)));
        else items.push(item(stockAdjusted(b, k)));
      }
      const acks = [
        ...(await store.ingest(items.slice(0, 12))),
        ...(await store.ingest(items.slice(12))),
      ];
      const head = await store.headSeq();
      expect(head).toBe(acks.at(-1)!.seq);

      for (const branch of [FACTORY, SHOP_A, SHOP_B, 'branch-unknown', null]) {
        const visible = items.flatMap((i, k) =>
          visibleTo(i, branch) ? [{ id: i.event.id, seq: acks[k]!.seq }] : [],
        );
        for (const limit of [1, 4, 7, 100]) {
          const seen: string[] = [];
          let after = 0;
          for (let round = 0; ; round++) {
            expect(round).toBeLessThan(100);
            const page = await store.pull(branch, after, limit);
            const expected = visible.filter((v) => v.seq > after).slice(0, limit);
            expect(page.events.map((e) => e.id)).toEqual(expected.map((v) => v.id));
            const cursor = page.events.length === limit ? expected.at(-1)!.seq : head;
            expect(page.cursor).toBe(cursor);
            expect(page.remaining).toBe(visible.filter((v) => v.seq > cursor).length);
            seen.push(...page.events.map((e) => e.id));
            after = page.cursor;
            // A page that is not full is the last; a full one may end before the head.
            if (page.events.length < limit) break;
          }
          expect(seen).toEqual(visible.map((v) => v.id));
          expect(after).toBe(head);
        }
      }
    });

    it('moves the cursor to the head when a branch has nothing more to see', async () => {
      const a = await store.ingest([item(stockAdjusted(FACTORY)), item(stockAdjusted(FACTORY))]);
      expect(await store.pull(SHOP_A, 0, 10)).toEqual({
        events: [],
        cursor: a[1]!.seq,
        remaining: 0,
      });

      const b = await store.ingest([item(stockAdjusted(SHOP_A)), item(stockAdjusted(FACTORY))]);
      const page = await store.pull(SHOP_A, a[1]!.seq, 10);
      expect(page.events.map((e) => e.seq)).toEqual([b[0]!.seq]);
      expect(page.cursor).toBe(b[1]!.seq);
      expect(page.remaining).toBe(0);

      // A full page ends at its last event, not at the head.
      const full = await store.pull(FACTORY, 0, 2);
      expect(full.cursor).toBe(a[1]!.seq);
      expect(full.remaining).toBe(1);

      // A cursor never moves back, even one from beyond the head (another server's log).
      expect(await store.pull(SHOP_A, 1_000, 10)).toEqual({
        events: [],
        cursor: 1_000,
        remaining: 0,
      });
      expect(await store.pull(null, 1_000, 10)).toEqual({
        events: [],
        cursor: 1_000,
        remaining: 0,
      });
    });

    it('answers an empty log with cursor 0', async () => {
      expect(await store.pull(null, 0, 10)).toEqual({ events: [], cursor: 0, remaining: 0 });
      expect(await store.pull(SHOP_A, 0, 10)).toEqual({ events: [], cursor: 0, remaining: 0 });
    });
  });

  describe('epochs', () => {
    it('starts a log at an epoch since 0 and begins new ones at the head, remembering the earlier', async () => {
      const first = await store.epoch();
      expect(first).toEqual({ id: expect.any(String), since: 0, before: [] });
      expect(await store.epoch()).toEqual(first);
      const acks = await store.ingest([item(stockAdjusted(FACTORY)), item(stockAdjusted(SHOP_A))]);
      const next = await store.beginEpoch();
      expect(next.id).not.toBe(first.id);
      expect(next.since).toBe(acks[1]!.seq);
      expect(next.before).toEqual([{ id: first.id, since: 0 }]);
      expect(await store.epoch()).toEqual(next);
      // Numbering goes on from the head.
      const later = await store.ingest([item(stockAdjusted(FACTORY))]);
      expect(later[0]!.seq).toBeGreaterThan(next.since);
      const third = await store.beginEpoch();
      expect(third.before).toEqual([
        { id: first.id, since: 0 },
        { id: next.id, since: next.since },
      ]);
      // A PC that last knew the first epoch goes back to the lowest point since; one that knew
      // the second, to the third's; an unknown epoch, to the start.
      expect(epochSafePoint(third, first.id)).toBe(next.since);
      expect(epochSafePoint(third, next.id)).toBe(third.since);
      expect(epochSafePoint(third, 'not-an-epoch')).toBe(0);
    });
  });

  describe('aggregates', () => {
    it('returns what was registered, and the first registration wins', async () => {
      const placed = orderPlaced(SHOP_A, FACTORY);
      const placedItem = item(placed);
      expect(placedItem.register).toEqual([FACTORY, SHOP_A]);
      await store.ingest([placedItem]);
      const orderId = placed.aggregateId!;
      expect(await store.aggregateBranches([orderId, 'order-unknown'])).toEqual(
        new Map([[orderId, [FACTORY, SHOP_A]]]),
      );
      expect(await store.aggregateBranches([])).toEqual(new Map());

      // A later event claiming other branches for the same aggregate does not change them.
      const later = { ...orderPlaced(SHOP_B, FACTORY), aggregateId: orderId };
      await store.ingest([withScope(later, { all: false, branches: [SHOP_B] }, [FACTORY, SHOP_B])]);
      expect((await store.aggregateBranches([orderId])).get(orderId)).toEqual([FACTORY, SHOP_A]);

      // Within one batch, too.
      const x = orderPlaced(SHOP_B, FACTORY);
      const y = { ...orderPlaced(SHOP_A, FACTORY), aggregateId: x.aggregateId };
      await store.ingest([
        withScope(x, { all: false, branches: [FACTORY, SHOP_B] }, [FACTORY, SHOP_B]),
        withScope(y, { all: false, branches: [SHOP_A] }, [SHOP_A]),
      ]);
      expect((await store.aggregateBranches([x.aggregateId!])).get(x.aggregateId!)).toEqual([
        FACTORY,
        SHOP_B,
      ]);
    });

    it('registers nothing for an event it knew already', async () => {
      const e = stockAdjusted(FACTORY);
      await store.ingest([withScope(e, { all: false, branches: [FACTORY] }, null)]);
      await store.ingest([withScope(e, { all: false, branches: [FACTORY] }, [FACTORY])]);
      expect(await store.aggregateBranches([e.aggregateId!])).toEqual(new Map());
    });

    it('lists every registration, and after a restore adds only those it lacks', async () => {
      const e = stockAdjusted(FACTORY);
      await store.ingest([withScope(e, { all: false, branches: [FACTORY] }, [FACTORY])]);
      expect(await store.aggregateRegistrations()).toEqual([[e.aggregateId, [FACTORY]]]);
      const other = newId();
      expect(
        await store.keepAggregates([
          [e.aggregateId!, [SHOP_A]],
          [other, [SHOP_A, FACTORY]],
        ]),
      ).toBe(1);
      expect(await store.aggregateBranches([e.aggregateId!, other])).toEqual(
        new Map([
          [e.aggregateId!, [FACTORY]],
          [other, [SHOP_A, FACTORY]],
        ]),
      );
      expect(await store.keepAggregates([])).toBe(0);
    });
  });

  describe('branches', () => {
    it('keeps branch kinds and finds the head office', async () => {
      expect(await store.branchKind(SHOP_A)).toBeNull();
      expect(await store.headOfficeBranch()).toBeNull();
      await store.setBranchKind(SHOP_A, 'shop');
      await store.setBranchKind(FACTORY, 'factory');
      expect(await store.branchKind(SHOP_A)).toBe('shop');
      expect(await store.headOfficeBranch()).toBeNull();

      await store.setBranchKind('hq-b', 'head_office');
      await store.setBranchKind('hq-a', 'head_office');
      await store.setBranchKind('Hq-z', 'head_office'); // byte order: capitals first
      expect(await store.headOfficeBranch()).toBe('Hq-z');
      await store.setBranchKind('Hq-z', 'shop');
      expect(await store.branchKind('Hq-z')).toBe('shop');
      expect(await store.headOfficeBranch()).toBe('hq-a');
    });
  });

  describe('devices', () => {
    const newDevice = (
      branchId: string,
      name: string,
      tokenHash: string | null = sha256(Buffer.from(newId())),
    ) => ({
      id: newId(),
      branchId,
      name,
      tokenHash,
      enrolledAt: wall,
    });

    it('keeps, after a restore, devices it did not know as they were, and revocations either side knew', async () => {
      const a = await store.createDevice(newDevice(SHOP_A, 'till 1'));
      const b = await store.createDevice(newDevice(SHOP_A, 'till 2'));
      await store.revokeDevice(b.id, wall + 5);
      const joined = {
        ...a,
        id: newId(),
        number: 7,
        name: 'till 7',
        tokenHash: sha256(Buffer.from('seven')),
        lastSeenAt: wall + 9,
        appVersion: '1.2.3',
        pending: 4,
        cursor: 11,
        lastBackupAt: wall + 1,
        freeDiskBytes: 123,
      };
      const added = await store.keepDevices([
        { ...a, revokedAt: wall + 7 }, // revoked after the backup
        { ...b, revokedAt: null }, // the restored log knew of a revocation
        joined,
      ]);
      expect(added).toBe(1);
      expect((await store.device(a.id))?.revokedAt).toBe(wall + 7);
      expect((await store.device(b.id))?.revokedAt).toBe(wall + 5);
      expect(await store.device(joined.id)).toEqual(joined);
      expect(await store.deviceByTokenHash(joined.tokenHash)).toEqual(joined);
      expect(await store.keepDevices([joined])).toBe(0);
    });

    it('numbers devices 1, 2, 3 within each branch', async () => {
      const numbers: [string, number][] = [];
      for (const b of [SHOP_A, SHOP_A, FACTORY, SHOP_A, FACTORY]) {
        const d = await store.createDevice(newDevice(b, `till ${numbers.length + 1}`));
        numbers.push([b, d.number]);
      }
      expect(numbers).toEqual([
        [SHOP_A, 1],
        [SHOP_A, 2],
        [FACTORY, 1],
        [SHOP_A, 3],
        [FACTORY, 2],
      ]);
      expect((await store.devices()).map((d) => [d.branchId, d.number])).toEqual([
        [FACTORY, 1],
        [FACTORY, 2],
        [SHOP_A, 1],
        [SHOP_A, 2],
        [SHOP_A, 3],
      ]);
    });

    it('numbers devices enrolled at the same moment without a clash', async () => {
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, k) => store.createDevice(newDevice(SHOP_B, `pc ${k}`))),
      );
      expect(made.map((d) => d.number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('creates, finds by token hash and by id', async () => {
      const input = newDevice(SHOP_A, 'front till');
      const created = await store.createDevice(input);
      expect(created).toEqual({
        ...input,
        number: 1,
        revokedAt: null,
        lastSeenAt: null,
        appVersion: null,
        pending: 0,
        cursor: 0,
        lastBackupAt: null,
        freeDiskBytes: null,
        updateRefused: null,
      });
      expect(await store.device(input.id)).toEqual(created);
      expect(await store.deviceByTokenHash(input.tokenHash!)).toEqual(created);
      expect(await store.deviceByTokenHash(sha256(Buffer.from('unknown')))).toBeNull();
      expect(await store.device(newId())).toBeNull();

      // The head office's own replica has no token.
      const replica = await store.createDevice(newDevice(HEAD_OFFICE, 'replica', null));
      expect(replica.tokenHash).toBeNull();
      await expect(
        store.createDevice({ ...newDevice(SHOP_A, 'copy'), tokenHash: input.tokenHash }),
      ).rejects.toThrow();
    });

    it('revokes a device once', async () => {
      const d = await store.createDevice(newDevice(SHOP_A, 'lost laptop'));
      expect(await store.revokeDevice(d.id, 1_000)).toBe(true);
      expect(await store.revokeDevice(d.id, 2_000)).toBe(false);
      expect(await store.revokeDevice(newId(), 2_000)).toBe(false);
      expect((await store.device(d.id))!.revokedAt).toBe(1_000);
    });

    it('records when a device was seen, and only moves its cursor forward', async () => {
      const d = await store.createDevice(newDevice(SHOP_A, 'till'));
      const at = Date.UTC(2025, 2, 4, 9);
      await store.touchDevice(d.id, { at, appVersion: '1.2.0', pending: 12 });
      await store.touchDevice(d.id, { at: at + 1, cursor: 40 });
      await store.touchDevice(d.id, { at: at + 2, cursor: 25, pending: 0 });
      expect(await store.device(d.id)).toMatchObject({
        lastSeenAt: at + 2,
        appVersion: '1.2.0',
        pending: 0,
        cursor: 40,
      });
      await store.touchDevice(d.id, { at: at + 3, cursor: 41, appVersion: '1.3.0' });
      expect(await store.device(d.id)).toMatchObject({
        lastSeenAt: at + 3,
        appVersion: '1.3.0',
        cursor: 41,
      });
      await store.touchDevice(newId(), { at }); // unknown: nothing happens
    });
  });

  describe('enrollments', () => {
    const code = () => sha256(Buffer.from(newId()));

    it('are taken once', async () => {
      const codeHash = code();
      await store.createEnrollment({
        codeHash,
        branchId: SHOP_A,
        issuedBy: USER,
        expiresAt: 10_000,
      });
      expect(await store.takeEnrollment(codeHash, 5_000)).toEqual({
        branchId: SHOP_A,
        issuedBy: USER,
      });
      expect(await store.takeEnrollment(codeHash, 5_001)).toBeNull();
      expect(await store.takeEnrollment(code(), 5_000)).toBeNull();
    });

    it('expire', async () => {
      const codeHash = code();
      await store.createEnrollment({
        codeHash,
        branchId: SHOP_A,
        issuedBy: USER,
        expiresAt: 10_000,
      });
      expect(await store.takeEnrollment(codeHash, 10_000)).toBeNull();
      expect(await store.takeEnrollment(codeHash, 9_999)).not.toBeNull();
    });

    it('are taken once even when tried at the same moment', async () => {
      const codeHash = code();
      await store.createEnrollment({
        codeHash,
        branchId: FACTORY,
        issuedBy: USER,
        expiresAt: 10_000,
      });
      const tries = await Promise.all(
        Array.from({ length: 6 }, () => store.takeEnrollment(codeHash, 1)),
      );
      expect(tries.filter((t) => t !== null)).toEqual([{ branchId: FACTORY, issuedBy: USER }]);
    });
  });

  describe('console sessions', () => {
    const session = (expiresAt: number, userId = USER) => ({
      tokenHash: sha256(Buffer.from(newId())),
      userId,
      credential: sha256(Buffer.from('password hash')),
      createdAt: 1_000,
      expiresAt,
    });

    const kept = (s: ReturnType<typeof session>) => ({ ...s, lastUsedAt: s.createdAt });

    it('are kept, found by token hash, ended, and dropped once expired', async () => {
      const a = session(50_000);
      const b = session(60_000);
      await store.putSession(a, 2_000);
      await store.putSession(b, 2_000);
      expect(await store.session(a.tokenHash)).toEqual(kept(a));
      await store.endSession(a.tokenHash);
      expect(await store.session(a.tokenHash)).toBeNull();
      expect(await store.session(b.tokenHash)).toEqual(kept(b));
      // Putting one after b has expired drops b.
      const c = session(90_000);
      await store.putSession(c, 60_000);
      expect(await store.sessions()).toEqual([kept(c)]);
    });

    it('record their latest use, never moving it back, and an ended one stays ended', async () => {
      const a = session(50_000);
      await store.putSession(a, 2_000);
      await store.touchSession(a.tokenHash, 5_000);
      await Promise.all([
        store.touchSession(a.tokenHash, 4_000),
        store.touchSession(a.tokenHash, 7_000),
      ]);
      expect(await store.session(a.tokenHash)).toEqual({ ...a, lastUsedAt: 7_000 });
      expect((await store.sessions())[0]?.lastUsedAt).toBe(7_000);
      await store.endSession(a.tokenHash);
      await store.touchSession(a.tokenHash, 9_000);
      expect(await store.session(a.tokenHash)).toBeNull();
      expect(await store.sessions()).toEqual([]);
    });

    it('keep a last use given with them, as a restore puts them back', async () => {
      const a = { ...session(50_000), lastUsedAt: 8_000 };
      await store.replaceSessions([a]);
      expect(await store.sessions()).toEqual([a]);
    });

    it("are ended all at once for one person, and no one else's", async () => {
      const [mine, other] = [newId(), newId()];
      const a = session(50_000, mine);
      const b = session(50_000, mine);
      const c = session(50_000, other);
      for (const s of [a, b, c]) await store.putSession(s, 1_000);
      await store.endSessionsOf(mine);
      expect(await store.session(a.tokenHash)).toBeNull();
      expect(await store.session(b.tokenHash)).toBeNull();
      expect(await store.sessions()).toEqual([kept(c)]);
    });

    it('are replaced whole after a restore', async () => {
      const before = [session(50_000), session(50_000, newId())];
      await store.putSession(session(50_000), 1_000);
      await store.replaceSessions(before);
      expect((await store.sessions()).map((s) => s.tokenHash).sort()).toEqual(
        before.map((s) => s.tokenHash).sort(),
      );
      await store.replaceSessions([]);
      expect(await store.sessions()).toEqual([]);
    });
  });

  describe('console lockout counts', () => {
    const policy = { maxAttempts: 3, lockMs: 60_000 };

    it('are kept per person and place, listed in order, and cleared per place or person', async () => {
      const [a, b] = [newId(), newId()].sort();
      await store.recordFailedLogin(b!, '10.0.0.1', 1_000, policy);
      await store.recordFailedLogin(a!, '10.0.0.2', 1_000, policy);
      await store.recordFailedLogin(a!, '10.0.0.1', 1_000, policy);
      await store.recordFailedLogin(a!, '10.0.0.1', 2_000, policy);
      await store.recordFailedLogin(a!, '*', 2_000, policy);
      expect(await store.loginStates()).toEqual([
        { userId: a, origin: '*', failedAttempts: 1, lockedUntil: null },
        { userId: a, origin: '10.0.0.1', failedAttempts: 2, lockedUntil: null },
        { userId: a, origin: '10.0.0.2', failedAttempts: 1, lockedUntil: null },
        { userId: b, origin: '10.0.0.1', failedAttempts: 1, lockedUntil: null },
      ]);
      // A place's count is its own: the third wrong password from 10.0.0.1 locks only it.
      expect(await store.recordFailedLogin(a!, '10.0.0.1', 3_000, policy)).toMatchObject({
        lockedUntil: 63_000,
      });
      expect(await store.loginState(a!, '10.0.0.2')).toMatchObject({ lockedUntil: null });
      await store.clearLoginState(a!, '10.0.0.1');
      expect((await store.loginStates()).map((s) => [s.userId, s.origin])).toEqual([
        [a, '*'],
        [a, '10.0.0.2'],
        [b, '10.0.0.1'],
      ]);
      await store.clearLoginState(a!);
      expect((await store.loginStates()).map((s) => [s.userId, s.origin])).toEqual([
        [b, '10.0.0.1'],
      ]);
      await store.clearLoginState(b!);
      expect(await store.loginStates()).toEqual([]);
    });

    it('count wrong passwords, lock at the maximum as core/auth does, and are cleared', async () => {
      const user = newId();
      expect(await store.loginState(user, '')).toBeNull();
      expect(await store.recordFailedLogin(user, '', 1_000, policy)).toEqual({
        userId: user,
        origin: '',
        failedAttempts: 1,
        lockedUntil: null,
      });
      await store.recordFailedLogin(user, '', 2_000, policy);
      // The third locks and sets the count back to 0.
      expect(await store.recordFailedLogin(user, '', 3_000, policy)).toEqual({
        userId: user,
        origin: '',
        failedAttempts: 0,
        lockedUntil: 63_000,
      });
      // While locked nothing changes.
      expect(await store.recordFailedLogin(user, '', 4_000, policy)).toEqual({
        userId: user,
        origin: '',
        failedAttempts: 0,
        lockedUntil: 63_000,
      });
      // Once the lock has run out, the count starts again.
      expect(await store.recordFailedLogin(user, '', 63_000, policy)).toEqual({
        userId: user,
        origin: '',
        failedAttempts: 1,
        lockedUntil: null,
      });
      expect(await store.loginState(user, '')).toEqual({
        userId: user,
        origin: '',
        failedAttempts: 1,
        lockedUntil: null,
      });
      await store.clearLoginState(user, '');
      expect(await store.loginState(user, '')).toBeNull();
    });

    it('count wrong passwords sent at the same moment each', async () => {
      const user = newId();
      await Promise.all([1, 2].map(() => store.recordFailedLogin(user, '', 1_000, policy)));
      expect(await store.loginState(user, '')).toEqual({
        userId: user,
        origin: '',
        failedAttempts: 2,
        lockedUntil: null,
      });
      const locked = await Promise.all(
        [1, 2].map(() => store.recordFailedLogin(user, '', 1_000, policy)),
      );
      expect(locked.filter((s) => s.lockedUntil === 61_000)).toHaveLength(2);
    });

    it('lock at once when one wrong password is the maximum', async () => {
      const user = newId();
      expect(
        await store.recordFailedLogin(user, '', 1_000, { maxAttempts: 1, lockMs: 10 }),
      ).toEqual({
        userId: user,
        origin: '',
        failedAttempts: 0,
        lockedUntil: 1_010,
      });
    });
  });

  describe('files', () => {
    it('round-trip by content hash', async () => {
      const hash = sha256(PNG);
      expect(await store.hasFile(hash)).toBe(false);
      expect(await store.getFile(hash)).toBeNull();
      await store.putFile(hash, PNG);
      expect(await store.hasFile(hash)).toBe(true);
      expect(await store.getFile(hash)).toEqual(PNG);
      await store.putFile(hash, PNG); // again: harmless
      expect(await store.getFile(hash)).toEqual(PNG);
      expect(await store.hasFile(sha256(Buffer.from('other')))).toBe(false);
    });

    it('refuse a name that is not a sha256 digest', async () => {
      await expect(store.hasFile('../etc/passwd')).rejects.toThrow(/sha256/);
    });
  });

  it('says whether a branch has news after a cursor exactly when a pull would bring some', async () => {
    const items = [
      item(branchSaved(SHOP_A, 'shop')),
      item(stockAdjusted(SHOP_A)),
      item(stockAdjusted(SHOP_B)),
      item(orderPlaced(SHOP_B, FACTORY)),
      item(stockTransferred(FACTORY, SHOP_A)),
      item(stockAdjusted(FACTORY)),
    ];
    const acks = await store.ingest(items);
    for (const branch of [SHOP_A, SHOP_B, FACTORY, HEAD_OFFICE, null])
      for (const after of [0, ...acks.map((a) => a.seq)]) {
        const expected = items.some((i, k) => acks[k]!.seq > after && visibleTo(i, branch));
        expect(await store.hasEventsFor(branch, after), `${branch} after ${after}`).toBe(expected);
        expect((await store.pull(branch, after, 1)).events.length > 0).toBe(expected);
      }
    // After its own stock adjustment, Shop B sees nothing of Shop A's or the factory's alone.
    expect(await store.hasEventsFor(SHOP_B, acks[3]!.seq)).toBe(false);
    expect(await store.hasEventsFor(SHOP_A, acks[3]!.seq)).toBe(true);
  });
});

describe('postgres event store with several server processes', () => {
  const opened: PostgresEventStore[] = [];
  const connect = async (url: string, poolSize?: number) => {
    const s = await PostgresEventStore.connect(url, poolSize === undefined ? {} : { poolSize });
    opened.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('creates the schema once when several processes start together', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all(Array.from({ length: 5 }, () => connect(url, 2)));
    const acks = await Promise.all(stores.map((s) => s.ingest([item(stockAdjusted(FACTORY))])));
    expect(new Set(acks.map((a) => a[0]!.seq)).size).toBe(5);
  });

  it('never lets a reader skip an event that commits late', async () => {
    const url = await freshDatabase();
    const writers = [await connect(url, 6), await connect(url, 6)];
    const reader = await connect(url, 4);
    const branches = [FACTORY, SHOP_A, SHOP_B];
    const rounds = 4;

    // Each round: 20 batches of 50 events pushed at once, alternating between two processes.
    const batchesOf = () =>
      Array.from({ length: 20 }, (_, b) =>
        Array.from({ length: 50 }, (_, k) => {
          const branch = branches[(b + k) % 3]!;
          return k % 10 === 0
            ? item(branchSaved(branch, 'shop'))
            : item(stockAdjusted(branch, k + 1));
        }),
      );
    const all: IngestItem[] = [];
    const acks: Ack[][] = [];
    let writing = true;

    // Readers (head office, and one shop) pull with a moving cursor while the writers write,
    // until the writers are done and they have caught up.
    const follow = async (branch: string | null, limit: number) => {
      const seen: string[] = [];
      const seqs: number[] = [];
      let cursor = 0;
      for (;;) {
        const done = !writing;
        const page = await reader.pull(branch, cursor, limit);
        for (const e of page.events) {
          seqs.push(e.seq);
          seen.push(e.id);
        }
        expect(page.cursor).toBeGreaterThanOrEqual(cursor);
        if (page.events.length > 0) expect(page.events[0]!.seq).toBeGreaterThan(cursor);
        cursor = page.cursor;
        if (done && page.events.length < limit) return { seen, seqs, cursor };
        if (page.events.length === 0) await new Promise((r) => setImmediate(r));
      }
    };
    const write = async () => {
      try {
        for (let round = 0; round < rounds; round++) {
          const batches = batchesOf();
          all.push(...batches.flat());
          acks.push(
            ...(await Promise.all(batches.map((batch, b) => writers[b % 2]!.ingest(batch)))),
          );
        }
      } finally {
        writing = false;
      }
    };

    const started = Date.now();
    const [headOffice, shopA] = await Promise.all([
      follow(null, 1_000),
      follow(SHOP_A, 37),
      write(),
    ]);
    console.log(
      `ingested ${all.length} events in ${rounds * 20} batches (20 at a time) in ${Date.now() - started} ms`,
    );

    // Each batch's events are numbered in batch order, and all numbers are distinct.
    for (const batchAcks of acks)
      for (let k = 1; k < batchAcks.length; k++)
        expect(batchAcks[k]!.seq).toBeGreaterThan(batchAcks[k - 1]!.seq);
    expect(new Set(acks.flat().map((a) => a.seq)).size).toBe(all.length);

    const forHeadOffice = new Set(all.map((i) => i.event.id));
    const forShopA = new Set(all.filter((i) => visibleTo(i, SHOP_A)).map((i) => i.event.id));
    for (const [result, expected] of [
      [headOffice, forHeadOffice],
      [shopA, forShopA],
    ] as const) {
      expect(new Set(result.seen)).toEqual(expected); // nothing skipped
      expect(result.seen).toHaveLength(expected.size); // nothing twice
      expect(result.seqs).toEqual([...result.seqs].sort((x, y) => x - y));
      expect(result.cursor).toBe(await reader.headSeq());
    }
    expect(headOffice.seen).toEqual((await reader.pull(null, 0, 10_000)).events.map((e) => e.id));
  });

  it('holds a later ingest back while an earlier one has not committed', async () => {
    const url = await freshDatabase();
    const [one, two, reader] = [await connect(url), await connect(url), await connect(url)];
    await one.ingest([item(stockAdjusted(SHOP_A))]);
    const head = await reader.headSeq();

    // Another session holds the aggregate row the first ingest registers, so that ingest
    // stalls after its event has drawn a sequence number, before it commits.
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    const waiting = async (n: number) => {
      for (let k = 0; k < 500; k++) {
        const { rows } = await blocker.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (Number(rows[0]!.n) >= n) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    };
    try {
      const placed = orderPlaced(SHOP_A, FACTORY);
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO aggregates (aggregate_id, branches) VALUES ($1, '[]')`, [
        placed.aggregateId,
      ]);
      const slow = one.ingest([item(placed)]);
      expect(await waiting(1)).toBe(true);

      const fast = two.ingest([item(stockAdjusted(SHOP_A))]);
      const fastDone = fast.then(() => 'committed' as const);
      expect(await Promise.race([fastDone, waiting(2).then(() => 'waiting' as const)])).toBe(
        'waiting',
      );
      // Nothing new is visible yet, so a reader's cursor cannot pass the stalled event.
      expect(await reader.pull(SHOP_A, head, 100)).toEqual({
        events: [],
        cursor: head,
        remaining: 0,
      });

      await blocker.query('ROLLBACK');
      const [[slowAck], [fastAck]] = await Promise.all([slow, fast]);
      expect(fastAck!.seq).toBeGreaterThan(slowAck!.seq);
      const page = await reader.pull(SHOP_A, head, 100);
      expect(page.events.map((e) => e.seq)).toEqual([slowAck!.seq, fastAck!.seq]);
    } finally {
      await blocker.end();
    }
  });

  it('answers a push and its retry, taken in at the same moment by two processes, alike', async () => {
    const url = await freshDatabase();
    const [one, two] = [await connect(url), await connect(url)];
    for (let round = 0; round < 10; round++) {
      // The retry carries the server's clock of its own receipt; the first write's stands.
      const events = [stockAdjusted(FACTORY), orderPlaced(SHOP_A, FACTORY), stockAdjusted(SHOP_B)];
      const [a, b] = await Promise.all([
        one.ingest(events.map((e) => item(e))),
        two.ingest(events.map((e) => item(e))),
      ]);
      expect(b).toEqual(a);
      expect(a.map((ack) => ack.id)).toEqual(events.map((e) => e.id));
    }
    const all = (await one.pull(null, 0, 1_000)).events;
    expect(all).toHaveLength(30);
    expect(await one.aggregateBranches(all.map((e) => e.aggregateId!))).toHaveProperty('size', 30);
  });

  it('counts wrong passwords sent to several processes at once, each of them', async () => {
    const url = await freshDatabase();
    const [one, two] = [await connect(url), await connect(url)];
    const user = newId();
    const policy = { maxAttempts: 100, lockMs: 1_000 };
    await Promise.all(
      Array.from({ length: 20 }, (_, k) =>
        (k % 2 ? one : two).recordFailedLogin(user, '', 5, policy),
      ),
    );
    expect(await one.loginState(user, '')).toEqual({
      userId: user,
      origin: '',
      failedAttempts: 20,
      lockedUntil: null,
    });
  });

  it('numbers devices enrolled through different processes without a clash', async () => {
    const url = await freshDatabase();
    const [one, two] = [await connect(url), await connect(url)];
    const made = await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        (k % 2 ? one : two).createDevice({
          id: newId(),
          branchId: SHOP_A,
          name: `till ${k}`,
          tokenHash: sha256(Buffer.from(newId())),
          enrolledAt: wall,
        }),
      ),
    );
    expect(made.map((d) => d.number).sort((x, y) => x - y)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });
});
