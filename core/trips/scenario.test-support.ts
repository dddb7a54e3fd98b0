// Causes every trips event type through the contract on a demo world, for the registry's
// scenario (core/events/registry.test.ts runScenario): planned, revised, a proof, a failed stop,
// a stop come back recorded by a manager, closed. Uses the demo's restaurants (SH01) and its own
// orders, so it adds to any scenario.
import { z } from 'zod';
import { parseRows } from '../db/rows';
import type { DemoWorld } from '../testing/demo';
import { photoJpeg, signaturePng } from './fixture.test-support';

/** The trip it closed, its delivered order (with a delivery note) and its failed one. */
export async function causeTripEvents(
  w: DemoWorld,
  day: string,
): Promise<{ tripId: string; deliveredOrderId: string; failedOrderId: string }> {
  const admin = w.as('admin');
  const s = w.core.db.sqlite;
  const idRow = z.object({ id: z.string() });
  const driverId = idRow.parse(
    s.prepare(`SELECT id FROM users WHERE username = 'driver2'`).get(),
  ).id;
  const customers = parseRows(
    idRow,
    s
      .prepare('SELECT id FROM customers WHERE branch_id = ? ORDER BY name LIMIT 2')
      .all(w.branch.SH01),
  );
  const goods = z
    .object({ v: z.string() })
    .parse(
      s
        .prepare(
          'SELECT variant_id AS v FROM stock_balances WHERE branch_id = ? AND on_hand - reserved >= 3 ORDER BY variant_id LIMIT 1',
        )
        .get(w.branch.SH01),
    );
  const orders: string[] = [];
  for (const c of [...customers, ...customers.slice(0, 1)]) {
    const placed = await admin('field.placeOrder', {
      customerId: c.id,
      branchId: w.branch.SH01,
      lines: [{ variantId: goods.v, quantity: 1 }],
    });
    orders.push(placed.orderId);
  }
  const [first, second, third] = orders as [string, string, string];
  const { tripId } = await admin('trips.plan', {
    branchId: w.branch.SH01,
    day,
    driverId,
    vehicle: 'Van 1',
    orderIds: [first],
  });
  await admin('trips.revise', { tripId, orderIds: [first, second, third], vehicle: 'Van 2' });
  const driver = w.as('driver2');
  await driver('trips.prove', {
    tripId,
    orderId: first,
    lines: [{ lineNo: 1, delivered: 0, damaged: 1, short: 0, reason: 'dropped' }],
    returns: [{ variantId: goods.v, quantity: 1 }],
    collected: { amount: 100, method: 'cash' },
    signature: { contentBase64: signaturePng() },
    photos: { '1': photoJpeg() },
    signedBy: 'Manager',
  });
  await driver('trips.failStop', { tripId, orderId: second, reason: 'closed' });
  // The last stop its driver never recorded: the goods came back, recorded by a manager.
  await admin('trips.cameBack', { tripId, orderId: third, reason: 'Van back; driver off sick' });
  await admin('trips.close', { tripId, counted: 100 });
  return { tripId, deliveredOrderId: first, failedOrderId: second };
}
