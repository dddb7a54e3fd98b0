// Telegram on the road end to end (decision 0034), against the strict Bot API stand-in: a
// driver's proof made on a shop PC reaches head office, and the delivery note goes once to the
// customer's own group (else the branch's), with a caption that names the order, however often
// the event arrives and across a restart; a badge whose rule says so is announced once.
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncCursor } from '../../core/sync/engine';
import { htmlToText } from '../../core/telegram/html';
import type { Site } from '../testing/world';
import { PASSWORD } from '../testing/world';
import { planBadgeNews, planDeliveryNotes } from './road';
import { SHOP_CHAT, startTelegramWorld, type TelegramWorld } from './testing/harness';

const CUSTOMER_CHAT = {
  id: -1001000000055,
  type: 'supergroup' as const,
  title: 'Cafe Alpha deliveries',
};

// A real PNG (the note draws the signature): a tiny RGB image, its chunks with their CRCs.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function signaturePng(): string {
  const [width, height] = [24, 8];
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.from([0, ...Array.from({ length: width }, (_, x) => [x * 10, y * 30, 90]).flat()]),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]).toString('base64');
}

let t: TelegramWorld;
let shop: Site;
let alpha: string;
let beta: string;
let driverId: string;

beforeAll(async () => {
  t = await startTelegramWorld();
  shop = await t.w.enroll('SH01');
  const driver = await t.w.admin('users.create', {
    username: 'driver1',
    displayName: 'Dawit Driver',
    role: 'driver',
    branchId: t.w.branch.SH01,
    password: PASSWORD,
  });
  driverId = driver.id;
  alpha = (await t.w.admin('customers.create', { branchId: t.w.branch.SH01, name: 'Cafe <Alpha>' }))
    .id;
  beta = (await t.w.admin('customers.create', { branchId: t.w.branch.SH01, name: 'Bistro Beta' }))
    .id;
  await t.addGroup(SHOP_CHAT, { branchId: t.w.branch.SH01 });
  await t.addGroup(CUSTOMER_CHAT, { customerId: alpha });
  await shop.engine.sync();
}, 120_000);
afterAll(() => t?.close());

const day = () => new Date().toISOString().slice(0, 10);

/** An order for the customer taken at the shop, put on a trip and proved by the driver. */
async function deliver(customerId: string, signedBy: string) {
  const clerk = shop.as('shop1');
  const variantId = t.w.variants[0]!;
  const order = await clerk('field.placeOrder', {
    customerId,
    lines: [{ variantId, quantity: 2 }],
  });
  if (order.status === 'held') await clerk('field.approveOrder', { orderId: order.orderId });
  const trip = await clerk('trips.plan', {
    day: day(),
    driverId,
    vehicle: 'Van 1',
    orderIds: [order.orderId],
  });
  await shop.as('driver1')('trips.prove', {
    tripId: trip.tripId,
    orderId: order.orderId,
    lines: [{ lineNo: 1, delivered: 2, damaged: 0, short: 0 }],
    returns: [],
    collected: null,
    signature: { contentBase64: signaturePng() },
    photos: {},
    signedBy,
  });
  await shop.engine.sync();
  await t.w.server.replica.catchUp();
  await t.settle();
  return order;
}

/** Plans every proof and award again from the log's start; answers the rows added. */
async function replan(): Promise<number> {
  const db = t.w.server.replica.core.db;
  const upTo = syncCursor(db);
  const now = Date.now();
  return (
    (await planDeliveryNotes(db, t.tg().store, 0, upTo, now)) +
    (await planBadgeNews(db, t.tg().store, upTo, now))
  );
}

const notes = (chatId: number) => t.api.messagesIn(chatId).filter((m) => m.document);

describe('a delivery’s note in Telegram', () => {
  it('goes once to the customer’s own group, with the order in its caption', async () => {
    const order = await deliver(alpha, 'Almaz at the counter');
    const sent = notes(CUSTOMER_CHAT.id);
    expect(sent).toHaveLength(1);
    const note = sent[0]!;
    expect(note.document?.fileName).toBe(`${order.number}-delivery-note.pdf`);
    expect(note.document?.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const caption = htmlToText(note.caption ?? '');
    expect(caption).toContain(`Delivery note · order ${order.number}`);
    expect(caption).toContain('Cafe <Alpha>');
    expect(caption).toContain('signed by Almaz at the counter');
    // The branch's group does not get the customer's note too.
    expect(notes(SHOP_CHAT.id).filter((m) => m.caption?.includes(order.number))).toEqual([]);

    // Pushed again, and every proof planned again from the log's start (as a new process
    // would after losing its cursor): no new row, nothing more sent.
    await shop.engine.sync();
    expect(await replan()).toBe(0);
    await t.settle();
    expect(notes(CUSTOMER_CHAT.id)).toHaveLength(1);
  });

  it('goes to the branch’s group for a customer without one', async () => {
    const order = await deliver(beta, 'Bekele');
    const sent = notes(SHOP_CHAT.id).filter((m) => m.caption?.includes(order.number));
    expect(sent).toHaveLength(1);
    expect(htmlToText(sent[0]?.caption ?? '')).toContain('Bistro Beta');
    expect(notes(CUSTOMER_CHAT.id).filter((m) => m.caption?.includes(order.number))).toEqual([]);
  });
});

describe('linking a customer’s group', () => {
  it('shows the link, refuses a customer with a branch or an unknown customer', async () => {
    const groups = await t.w.admin('telegram.groups.list', {});
    const own = groups.find((g) => g.chatId === CUSTOMER_CHAT.id);
    expect(own).toMatchObject({ customerId: alpha, branchId: null, role: null });
    expect(groups.find((g) => g.chatId === SHOP_CHAT.id)).toMatchObject({ customerId: null });
    await expect(
      t.w.admin('telegram.groups.link', {
        chatId: CUSTOMER_CHAT.id,
        customerId: alpha,
        branchId: t.w.branch.SH01,
      }),
    ).rejects.toThrow(/customerId: give a customer alone/);
    await expect(
      t.w.admin('telegram.groups.link', { chatId: CUSTOMER_CHAT.id, customerId: 'no-such' }),
    ).rejects.toThrow(/customerId: no such customer/);
    // Refused links changed nothing.
    const after = await t.w.admin('telegram.groups.list', {});
    expect(after.find((g) => g.chatId === CUSTOMER_CHAT.id)).toMatchObject({ customerId: alpha });
  });
});

describe('a badge in Telegram', () => {
  it('is announced once to the person’s branch’s group when its rule says so', async () => {
    await t.w.admin('badges.saveRule', {
      name: 'First <delivery>',
      role: 'driver',
      rule: 'count',
      kind: 'delivery',
      threshold: 1,
      period: 'ever',
      points: 10,
      announce: true,
    });
    await t.w.admin('badges.saveRule', {
      name: 'Quiet badge',
      role: 'driver',
      rule: 'count',
      kind: 'delivery',
      threshold: 1,
      period: 'ever',
      announce: false,
    });
    await shop.engine.sync();
    await deliver(beta, 'Bekele');
    await deliver(beta, 'Bekele');
    const news = () =>
      t.api
        .messagesIn(SHOP_CHAT.id)
        .filter((m) => m.text?.includes('earned the badge'))
        .map((m) => htmlToText(m.text ?? ''));
    expect(news()).toEqual([
      '🏅 Dawit Driver earned the badge First <delivery> · +10 points. Well done!',
    ]);
    expect(await replan()).toBe(0);
    await t.settle();
    expect(news()).toHaveLength(1);
    expect(t.api.messagesIn(CUSTOMER_CHAT.id).filter((m) => m.text?.includes('badge'))).toEqual([]);
  });
});
