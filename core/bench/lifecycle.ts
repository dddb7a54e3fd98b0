// One historical order's story as rows: what the order projections (orders/events.ts) and
// production.recorded would have written for it, step by step. Every order follows the real
// lifecycle: placed -> slip attached (sometimes rejected and attached again) -> verified ->
// dispatched -> delivered, or cancelled early, or left stuck; only steps already in the past
// happen, so recent orders are still on their way.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open';
import { formatHlc } from '../hlc';
import { newId } from '../ids';
import type { OrderStepName } from '../vocabulary';

const HOUR = 3_600_000;
export const LINES_PER_ORDER = 5;

export type Value = string | number | null;

export interface VariantRow {
  id: string;
  sku: string;
  name: string;
  price: number;
}

/** Who acts: a person at a PC of a branch (the event's branch, device and user). */
interface Actor {
  branchId: string;
  deviceId: string;
  userId: string;
}

export interface Cast {
  branch: Record<'HQ' | 'FAC' | 'SH01' | 'SH02', string>;
  clerk: Record<'SH01' | 'SH02', Actor>;
  finance: Actor;
  factory: Actor;
  driver: { id: string; name: string };
}

/** The demo company's people, plus the shops' and the factory's own PCs the history came from. */
export function castOf(db: Db): Cast {
  const s = db.sqlite;
  const branchId = (code: string) =>
    (s.prepare('SELECT id FROM branches WHERE code = ?').get(code) as { id: string }).id;
  const user = (username: string) =>
    s.prepare('SELECT id, display_name AS name FROM users WHERE username = ?').get(username) as {
      id: string;
      name: string;
    };
  const branch = {
    HQ: branchId('HQ'),
    FAC: branchId('FAC'),
    SH01: branchId('SH01'),
    SH02: branchId('SH02'),
  };
  const hqDevice = (
    s.prepare('SELECT id FROM devices ORDER BY number LIMIT 1').get() as { id: string }
  ).id;
  const addDevice = s.prepare(
    'INSERT INTO devices (id, branch_id, number, name) VALUES (?, ?, ?, ?)',
  );
  // Shop PCs are number 2: the demo's head-office PC is number 1 and places orders for SH01 in
  // the benchmark, and an order number is only shop code + device number + counter.
  const device = (branch: string, n: number, name: string) => {
    const id = newId();
    addDevice.run(id, branch, n, name);
    return id;
  };
  const at = (branch: string, deviceId: string, username: string): Actor => ({
    branchId: branch,
    deviceId,
    userId: user(username).id,
  });
  return {
    branch,
    clerk: {
      SH01: at(branch.SH01, device(branch.SH01, 2, 'Bole counter PC'), 'shop1'),
      SH02: at(branch.SH02, device(branch.SH02, 2, 'Piassa counter PC'), 'shop2'),
    },
    finance: at(branch.HQ, hqDevice, 'finance'),
    factory: at(branch.FAC, device(branch.FAC, 1, 'Factory office PC'), 'factory'),
    driver: user('driver'),
  };
}

/** The rows of one order, in the column order of history.ts's statements. */
export interface OrderRows {
  events: Value[][];
  order: Value[];
  lines: Value[][];
  batch: Value[];
  movements: Value[][];
  timeline: Value[][];
  files: Value[][];
  slips: Value[][];
  discrepancies: Value[][];
  status: string;
  rejectedOnce: boolean;
}

/** The steps after placement (core/vocabulary.ts). */
type Step = Exclude<OrderStepName, 'placed'>;

export function orderStory(
  cast: Cast,
  hot: VariantRow,
  others: readonly VariantRow[],
  placedAt: number,
  number: string,
  shop: 'SH01' | 'SH02',
  random: () => number,
  now: number,
): OrderRows {
  const { branch } = cast;
  const clerk = cast.clerk[shop];
  const shopId = branch[shop];
  const orderId = newId(placedAt);
  const rows: OrderRows = {
    events: [],
    order: [],
    lines: [],
    batch: [],
    movements: [],
    timeline: [],
    files: [],
    slips: [],
    discrepancies: [],
    status: 'placed',
    rejectedOnce: false,
  };
  const event = (type: string, who: Actor, at: number, aggregateId: string, payload: unknown) => {
    const id = newId(at);
    const hlc = formatHlc({ wall: at, counter: 0, node: who.deviceId });
    rows.events.push([
      id,
      type,
      who.branchId,
      who.deviceId,
      who.userId,
      hlc,
      at,
      aggregateId,
      JSON.stringify(payload),
    ]);
    return id;
  };
  const move = (
    e: string,
    at: number,
    branchId: string,
    variantId: string,
    kind: string,
    onHand: number,
    reserved: number,
    inTransit: number,
  ) =>
    rows.movements.push([
      e,
      branchId,
      variantId,
      kind,
      onHand,
      reserved,
      inTransit,
      kind === 'production' ? null : orderId,
      at,
    ]);
  const step = (
    e: string,
    name: string,
    statusAfter: string,
    at: number,
    who: Actor,
    note: string | null,
  ) => rows.timeline.push([orderId, e, name, statusAfter, at, who.userId, who.deviceId, note]);

  const picked = new Set<VariantRow>([hot]);
  while (picked.size < LINES_PER_ORDER) picked.add(others[Math.floor(random() * others.length)]!);
  // In the key order of order.placed's payload schema: the event's stored JSON is the parsed
  // payload's, as emit writes it (fold.ts compares the event log too).
  const lines = [...picked].map((v, k) => ({
    lineNo: k + 1,
    variantId: v.id,
    quantity: 1 + Math.floor(random() * (k === 0 ? 20 : 40)),
    unitPrice: v.price,
    sku: v.sku,
    name: v.name,
  }));
  const total = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  const dispatched = lines.map(() => 0);
  const received: (number | null)[] = lines.map(() => null);

  // The path this order takes and when each step would happen.
  const fate = random();
  const path: { step: Step; at: number }[] = [];
  let t = placedAt;
  const next = (s: Step, minH: number, maxH: number) =>
    path.push({ step: s, at: (t += Math.floor((minH + random() * (maxH - minH)) * HOUR)) });
  if (fate < 0.03) next('cancelled', 1, 48);
  else if (fate < 0.05) {
    next('slip_attached', 0.5, 24);
    next('cancelled', 1, 48);
  } else if (fate < 0.07) {
    if (random() < 0.5) next('slip_attached', 0.5, 24); // stuck: never followed up
  } else {
    next('slip_attached', 0.5, 24);
    if (fate < 0.1) {
      next('payment_rejected', 1, 24);
      next('slip_attached', 1, 24);
    }
    next('payment_verified', 1, 30);
    next('dispatched', 12, 72);
    next('delivered', 8, 48);
  }

  const placed = event('order.placed', clerk, placedAt, orderId, {
    orderId,
    number,
    shopId,
    factoryId: branch.FAC,
    note: null,
    lines,
  });
  for (const l of lines)
    move(placed, placedAt, branch.FAC, l.variantId, 'reservation', 0, l.quantity, 0);
  step(placed, 'placed', 'placed', placedAt, clerk, null);

  // The factory produces the best seller to order, so its ledger there grows with every order.
  const batchAt = placedAt + 30 * 60_000;
  const batchId = newId(batchAt);
  const qty = lines[0]!.quantity;
  const producedOn = new Date(batchAt).toISOString().slice(0, 10);
  const f = cast.factory;
  const produced = event('production.recorded', f, batchAt, batchId, {
    batchId,
    branchId: branch.FAC,
    variantId: hot.id,
    quantity: qty,
    producedOn,
    shift: 'Day',
    notes: null,
  });
  rows.batch = [batchId, branch.FAC, hot.id, qty, producedOn, f.userId, batchAt, produced];
  move(produced, batchAt, branch.FAC, hot.id, 'production', qty, 0, 0);

  const head = {
    slipHash: null as string | null,
    rejection: null as string | null,
    cancel: null as string | null,
    vehicle: null as string | null,
    planned: null as string | null,
    driver: false,
    dispatchedAt: null as number | null,
    deliveredAt: null as number | null,
    updatedAt: placedAt,
  };
  const slips: {
    hash: string;
    name: string;
    at: number;
    status: string;
    reason: string | null;
    e: string;
  }[] = [];
  const settle = (from: string, to: string, reason: string | null = null) => {
    for (const slip of slips)
      if (slip.status === from) Object.assign(slip, { status: to, reason: reason ?? slip.reason });
  };

  for (const { step: s, at } of path) {
    if (at >= now - 60_000) break;
    head.updatedAt = at;
    if (s === 'slip_attached') {
      const hash = randomBytes(32).toString('hex');
      const size = 40_000 + Math.floor(random() * 400_000);
      const name = `slip-${number}.jpg`;
      const e = event('order.slip_attached', clerk, at, orderId, {
        orderId,
        fileHash: hash,
        mime: 'image/jpeg',
        size,
        originalName: name,
      });
      rows.files.push([hash, 'image/jpeg', size, at]);
      slips.push({ hash, name, at, status: 'pending', reason: null, e });
      head.slipHash = hash;
      rows.status = 'slip_attached';
      step(e, 'slip_attached', 'slip_attached', at, clerk, name);
    } else if (s === 'payment_rejected') {
      const reason = 'The amount on the slip does not match the order total';
      const e = event('order.payment_rejected', cast.finance, at, orderId, { orderId, reason });
      settle('pending', 'rejected', reason);
      head.rejection = reason;
      rows.status = 'placed';
      rows.rejectedOnce = true;
      step(e, 'payment_rejected', 'placed', at, cast.finance, reason);
    } else if (s === 'payment_verified') {
      const e = event('order.payment_verified', cast.finance, at, orderId, { orderId, note: null });
      settle('pending', 'verified');
      head.rejection = null;
      rows.status = 'payment_verified';
      step(e, 'payment_verified', 'payment_verified', at, cast.finance, null);
    } else if (s === 'dispatched') {
      head.planned = new Date(at).toISOString().slice(0, 10);
      head.vehicle = `3-${String(10000 + Math.floor(random() * 89999))} AA`;
      head.driver = true;
      head.dispatchedAt = at;
      const e = event('order.dispatched', f, at, orderId, {
        orderId,
        vehicle: head.vehicle,
        driverName: cast.driver.name,
        driverUserId: cast.driver.id,
        plannedDispatchOn: head.planned,
        note: null,
        lines: lines.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity })),
      });
      lines.forEach((l, k) => {
        dispatched[k] = l.quantity;
        move(e, at, branch.FAC, l.variantId, 'dispatch', -l.quantity, -l.quantity, 0);
        move(e, at, shopId, l.variantId, 'dispatch', 0, 0, l.quantity);
      });
      rows.status = 'dispatched';
      step(e, 'dispatched', 'dispatched', at, f, null);
    } else if (s === 'delivered') {
      const got = lines.map((l) => (random() < 0.005 ? l.quantity - 1 : l.quantity));
      const note = (k: number) => (got[k]! < lines[k]!.quantity ? 'one broken in transit' : null);
      const e = event('order.delivered', clerk, at, orderId, {
        orderId,
        lines: lines.map((l, k) => ({ lineNo: l.lineNo, received: got[k]!, note: note(k) })),
      });
      lines.forEach((l, k) => {
        received[k] = got[k]!;
        move(e, at, shopId, l.variantId, 'receipt', got[k]!, 0, -l.quantity);
        if (got[k]! < l.quantity)
          rows.discrepancies.push([
            orderId,
            l.lineNo,
            l.variantId,
            l.quantity,
            got[k]!,
            l.quantity - got[k]!,
            note(k),
            e,
          ]);
      });
      head.deliveredAt = at;
      rows.status = 'delivered';
      step(e, 'delivered', 'delivered', at, clerk, null);
    } else {
      const reason = 'Ordered twice by mistake';
      const e = event('order.cancelled', clerk, at, orderId, { orderId, reason });
      for (const l of lines) move(e, at, branch.FAC, l.variantId, 'release', 0, -l.quantity, 0);
      settle('pending', 'replaced');
      head.cancel = reason;
      rows.status = 'cancelled';
      step(e, 'cancelled', 'cancelled', at, clerk, reason);
    }
  }

  rows.order = [
    orderId,
    number,
    shopId,
    branch.FAC,
    rows.status,
    total,
    lines.length,
    placedAt,
    clerk.userId,
    head.slipHash,
    head.rejection,
    head.cancel,
    head.vehicle,
    head.driver ? cast.driver.name : null,
    head.driver ? cast.driver.id : null,
    head.planned,
    head.dispatchedAt,
    head.deliveredAt,
    head.updatedAt,
  ];
  rows.lines = lines.map((l, k) => [
    orderId,
    l.lineNo,
    l.variantId,
    l.sku,
    l.name,
    l.quantity,
    l.unitPrice,
    l.quantity * l.unitPrice,
    dispatched[k]!,
    received[k] ?? null,
    // Confirmed: the delivery of what was dispatched was confirmed (received or short).
    received[k] === null ? 0 : dispatched[k]!,
  ]);
  rows.slips = slips.map((p) => [
    orderId,
    p.hash,
    p.name,
    p.at,
    clerk.userId,
    p.status,
    p.reason,
    p.e,
  ]);
  return rows;
}
