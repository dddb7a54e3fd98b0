// A demo world for the trips' tests: customers with coordinates and a sales rep, open orders at
// the factory (which has the stock), and images a device would send. Test support, not product.
import { deflateSync } from 'node:zlib';
import { z } from 'zod';
import { parseRow, parseRows } from '../db/rows';
import { openDemo, type DemoWorld } from '../testing/demo';
import type { BranchCoreOptions } from '../runtime';

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
}

/** A real PNG (grey, `size` square, a diagonal stroke): what a signature pad sends. */
export function signaturePng(size = 40, seed = 0): string {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((size + 1) * size, 255);
  for (let y = 0; y < size; y++) {
    rows[y * (size + 1)] = 0; // filter: none
    rows[y * (size + 1) + 1 + ((y + seed) % size)] = 0;
  }
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return png.toString('base64');
}

/** Bytes a camera's JPEG starts with: enough for the upload's check by magic bytes. */
export const photoJpeg = (n = 1) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, n)]).toString('base64');

export interface TripWorld extends DemoWorld {
  ids: Record<'admin' | 'driver' | 'sales' | 'factory', string>;
  /** Two variants the factory has plenty of. */
  goods: [string, string];
  customer: (
    name: string,
    at: { lat: number; lng: number } | null,
    rep?: boolean,
  ) => Promise<string>;
  order: (customerId: string, lines: { variantId: string; quantity: number }[]) => Promise<string>;
  balance: (variantId: string) => { onHand: number; reserved: number };
}

export async function tripWorld(options: BranchCoreOptions = {}): Promise<TripWorld> {
  const w = await openDemo(options);
  const s = w.core.db.sqlite;
  const idOf = (username: string) =>
    z
      .object({ id: z.string() })
      .parse(s.prepare('SELECT id FROM users WHERE username = ?').get(username)).id;
  const ids = {
    admin: idOf('admin'),
    driver: idOf('driver'),
    sales: idOf('sales'),
    factory: idOf('factory'),
  };
  const rich = parseRows(
    z.object({ v: z.string() }),
    s
      .prepare(
        'SELECT variant_id AS v FROM stock_balances WHERE branch_id = ? AND on_hand - reserved >= 40 ORDER BY variant_id LIMIT 2',
      )
      .all(w.branch.FAC),
  );
  const goods: [string, string] = [rich[0]?.v ?? '', rich[1]?.v ?? ''];
  const admin = w.as('admin');
  return {
    ...w,
    ids,
    goods,
    customer: async (name, at, rep = true) => {
      const { id } = await admin('customers.create', {
        branchId: w.branch.FAC,
        name,
        address: `${name} street`,
        ...(at && { lat: at.lat, lng: at.lng }),
      });
      if (rep) await admin('customers.saveTerms', { customerId: id, repId: ids.sales });
      return id;
    },
    order: async (customerId, lines) => {
      const placed = await admin('field.placeOrder', { customerId, lines, branchId: w.branch.FAC });
      if (placed.status !== 'open') throw new Error(`order not open: ${placed.status}`);
      return placed.orderId;
    },
    balance: (variantId) =>
      parseRow(
        z.object({ onHand: z.number().int(), reserved: z.number().int() }),
        s
          .prepare(
            'SELECT on_hand AS onHand, reserved FROM stock_balances WHERE branch_id = ? AND variant_id = ?',
          )
          .get(w.branch.FAC, variantId),
      ) ?? { onHand: 0, reserved: 0 },
  };
}
