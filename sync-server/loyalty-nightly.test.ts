// Head office's nightly loyalty run: a customer whose rolling year's spend reached a tier is
// moved up by an event every PC applies, once per scheduled slot however many times the slot
// fires (two processes, or a repeat), and a shop earns at the new tier's rate after it syncs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRow } from '../core/db/rows';
import { LOYALTY_LEASE } from './loyalty-nightly';
import { startWorld, type Site, type World } from './testing/world';

let w: World;
let shop: Site;
beforeAll(async () => {
  w = await startWorld();
  await w.admin('loyalty.saveProgram', {
    spendPerPoint: 100,
    pendingDays: 0,
    expiryDays: 365,
    pointValue: 1,
    tiers: [
      { name: 'Bronze', minSpend: 0, rateBp: 10_000 },
      { name: 'Gold', minSpend: 1, rateBp: 20_000 },
    ],
  });
  shop = await w.enroll('SH01');
});
afterAll(() => w.close());

const tierEvents = () =>
  parseRow(
    z.object({ n: z.number() }),
    w.server.replica.core.db.sqlite
      .prepare(
        `SELECT count(*) AS n FROM events WHERE type = 'customer.saved' AND payload LIKE '%"tier"%'`,
      )
      .get(),
  ) ?? { n: 0 };

describe('the nightly loyalty run', () => {
  it('moves a customer up a tier once per slot, and the shop earns at the new rate', async () => {
    const clerk = shop.as('shop1');
    await clerk('stock.adjust', { variantId: w.variants[0]!, quantity: 5, reason: 'count' });
    const customer = await clerk('customers.create', { name: 'Hanna', phone: '0933 000111' });
    const first = await clerk('sales.record', {
      customerId: customer.id,
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    expect(first.points?.earned).toBeGreaterThan(0);
    await shop.engine.sync();
    await w.server.replica.catchUp();

    const slot = Date.now();
    await w.server.loyalty.run(slot);
    await w.server.loyalty.run(slot); // the same slot fired again: done already
    expect(tierEvents().n).toBe(1);
    const lease = (await w.server.hub.store.leases.all()).find((l) => l.name === LOYALTY_LEASE);
    expect(lease?.doneSlot).toBe(slot);

    await shop.engine.sync();
    const found = await clerk('customers.find', { search: '0933000111' });
    expect(found[0]?.tier).toBe('Gold');
    const second = await clerk('sales.record', {
      customerId: customer.id,
      lines: [{ variantId: w.variants[0]!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    expect(second.points?.earned).toBe((first.points?.earned ?? 0) * 2);
  });
});
