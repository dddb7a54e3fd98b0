// A counter is a till on a device: a clerk opens a shift on it with a float, sells, and closes
// it by counting the cash drawer against what it should hold (the float, plus cash taken, less
// cash refunded), the difference recorded with a reason. The day's close (the Z report) covers
// the device's shifts and sales of that day (decision 0029).
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { localDayBounds } from '../contract/dates';
import { id, money, optionalText } from '../contract/fields';
import { assertBranchAccess, requireActor, requireDevice } from '../contract/scope';
import type { Db } from '../db/open';
import { DomainError, validationError } from '../errors';
import { defineEvent } from '../events/define';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { companyMoney } from '../locale/money';
import { paymentMethods, type PaymentMethod } from '../vocabulary';

const shiftRow = {
  table: 'shifts',
  column: 'id',
  key: (e: { payload: { shiftId: string } }) => e.payload.shiftId,
};

export const shiftOpened = defineEvent({
  type: 'shift.opened',
  authority: { permission: 'sales.record', from: ['shop'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [shiftRow],
  payload: z.object({
    shiftId: z.string(),
    branchId: z.string(),
    openingFloat: z.number().int().nonnegative(),
  }),
  apply: (db, e) => {
    db.sqlite
      .prepare(
        `INSERT INTO shifts (id, branch_id, device_id, opened_by, opened_at, opening_float) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.payload.shiftId,
        e.payload.branchId,
        e.deviceId,
        e.userId,
        e.createdAt,
        e.payload.openingFloat,
      );
  },
});

export const shiftClosed = defineEvent({
  type: 'shift.closed',
  ordered: true,
  authority: { permission: 'sales.record', from: ['shop'], acts: (p) => p.branchId },
  visibility: { aggregate: true },
  writes: [shiftRow],
  payload: z.object({
    shiftId: z.string(),
    branchId: z.string(),
    expectedCash: z.number().int(),
    countedCash: z.number().int().nonnegative(),
    reason: z.string().nullable(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const changed = db.sqlite
      .prepare(
        `UPDATE shifts SET closed_by = ?, closed_at = ?, expected_cash = ?, counted_cash = ?, difference = ?, reason = ?
         WHERE id = ? AND closed_at IS NULL`,
      )
      .run(
        e.userId,
        e.createdAt,
        p.expectedCash,
        p.countedCash,
        p.countedCash - p.expectedCash,
        p.reason,
        p.shiftId,
      );
    if (changed.changes === 0)
      throw new DomainError(
        'SHIFT_NOT_OPEN',
        `Shift ${p.shiftId} is not open: it was closed already.`,
      );
  },
});

export interface Shift {
  id: string;
  branchId: string;
  deviceId: string;
  openedBy: string;
  openedByName: string | null;
  openedAt: number;
  openingFloat: number;
  closedAt: number | null;
  closedByName: string | null;
  expectedCash: number | null;
  countedCash: number | null;
  difference: number | null;
  reason: string | null;
}

const SHIFT_COLUMNS = `s.id, s.branch_id AS branchId, s.device_id AS deviceId, s.opened_by AS openedBy,
  o.display_name AS openedByName, s.opened_at AS openedAt, s.opening_float AS openingFloat, s.closed_at AS closedAt,
  c.display_name AS closedByName, s.expected_cash AS expectedCash, s.counted_cash AS countedCash,
  s.difference, s.reason
  FROM shifts s LEFT JOIN users o ON o.id = s.opened_by LEFT JOIN users c ON c.id = s.closed_by`;

/** The shift open on this PC, if any. */
export function openShiftOf(ctx: Context): Shift | null {
  if (!ctx.device) return null;
  return (
    (ctx.db.sqlite
      .prepare(
        `SELECT ${SHIFT_COLUMNS} WHERE s.device_id = ? AND s.closed_at IS NULL ORDER BY s.opened_at DESC LIMIT 1`,
      )
      .get(ctx.device.id) as Shift | undefined) ?? null
  );
}

/** Cash taken and refunded in a shift, by the sales and returns that name it. */
export function cashOfShift(db: Db, shiftId: string): { taken: number; refunded: number } {
  const row = db.sqlite
    .prepare(
      `SELECT (SELECT coalesce(sum(p.amount), 0) FROM sale_payments p JOIN sales s ON s.id = p.sale_id
                WHERE s.shift_id = @id AND p.method = 'cash') AS taken,
              (SELECT coalesce(sum(f.amount), 0) FROM sale_refunds f JOIN sale_returns r ON r.id = f.return_id
                WHERE r.shift_id = @id AND f.method = 'cash') AS refunded`,
    )
    .get({ id: shiftId }) as { taken: number; refunded: number };
  return row;
}

export const currentShift = query({
  access: 'sales.record',
  input: z.object({}),
  handler: (ctx) => {
    const shift = openShiftOf(ctx);
    if (!shift) return null;
    const cash = cashOfShift(ctx.db, shift.id);
    return { ...shift, ...cash, expectedCash: shift.openingFloat + cash.taken - cash.refunded };
  },
});

export const openShift = command({
  access: 'sales.record',
  input: z.object({ branchId: id.optional(), openingFloat: money }),
  handler: (ctx, input) => {
    const branchId = input.branchId ?? requireActor(ctx).branchId;
    assertBranchAccess(ctx, branchId, 'open a shift');
    requireDevice(ctx);
    const open = openShiftOf(ctx);
    if (open)
      throw new DomainError(
        'SHIFT_ALREADY_OPEN',
        `A shift is open on this till since ${new Date(open.openedAt).toLocaleTimeString()} (${open.openedByName ?? 'another clerk'}). Close it first, counting the drawer.`,
        { shiftId: open.id },
      );
    const shiftId = newId(ctx.now());
    emit(ctx, 'shift.opened', shiftId, { shiftId, branchId, openingFloat: input.openingFloat });
    return { id: shiftId };
  },
});

export const closeShift = command({
  access: 'sales.record',
  input: z.object({ countedCash: money, reason: optionalText(300) }),
  handler: (ctx, input) => {
    const shift = openShiftOf(ctx);
    if (!shift)
      throw new DomainError(
        'SHIFT_NOT_OPEN',
        'No shift is open on this till: there is nothing to close.',
      );
    assertBranchAccess(ctx, shift.branchId, 'close a shift');
    const cash = cashOfShift(ctx.db, shift.id);
    const expectedCash = shift.openingFloat + cash.taken - cash.refunded;
    const difference = input.countedCash - expectedCash;
    if (difference !== 0 && !input.reason)
      throw validationError([
        {
          field: 'reason',
          rule: 'required',
          message: `is required: the drawer holds ${companyMoney(ctx.db)(Math.abs(difference))} ${difference > 0 ? 'more' : 'less'} than it should; say why (count again if unsure)`,
        },
      ]);
    emit(ctx, 'shift.closed', shift.id, {
      shiftId: shift.id,
      branchId: shift.branchId,
      expectedCash,
      countedCash: input.countedCash,
      reason: input.reason ? input.reason : null,
    });
    return { id: shift.id, expectedCash, countedCash: input.countedCash, difference };
  },
});

export interface ZReport {
  day: string;
  branchId: string;
  branchName: string;
  deviceId: string;
  deviceNumber: number | null;
  shifts: Shift[];
  sales: {
    count: number;
    gross: number;
    discount: number;
    rewards: number;
    tax: number;
    total: number;
  };
  returns: { count: number; amount: number; tax: number };
  /** Per method: taken in sales, given back in refunds, and the net. */
  methods: { method: PaymentMethod; taken: number; refunded: number; net: number }[];
  points: { earned: number; redeemed: number };
  firstNumber: string | null;
  lastNumber: string | null;
  /** Cash the drawer should hold at the end of the day, before any count. */
  expectedCash: number;
}

/** The day's close of one till: its sales, returns, payments by method and shifts. */
export function zReportOf(db: Db, deviceId: string, day: string): ZReport {
  const { start, end } = localDayBounds(day);
  const params = { deviceId, start, end };
  const device = db.sqlite
    .prepare(
      `SELECT d.branch_id AS branchId, d.number, b.name AS branchName FROM devices d JOIN branches b ON b.id = d.branch_id WHERE d.id = ?`,
    )
    .get(deviceId) as { branchId: string; number: number; branchName: string } | undefined;
  if (!device) throw validationError([{ field: 'deviceId', message: 'no such till (device)' }]);
  const sales = db.sqlite
    .prepare(
      `SELECT count(*) AS count, coalesce((SELECT sum(l.quantity * l.unit_price) FROM sale_lines l JOIN sales x ON x.id = l.sale_id
                WHERE x.device_id = @deviceId AND x.sold_at >= @start AND x.sold_at < @end), 0) AS gross,
              coalesce(sum(discount), 0) AS discount, coalesce(sum(reward_amount), 0) AS rewards,
              coalesce(sum(tax), 0) AS tax, coalesce(sum(total), 0) AS total,
              coalesce(sum(points_earned), 0) AS earned, coalesce(sum(points_redeemed), 0) AS redeemed,
              min(number) AS firstNumber, max(number) AS lastNumber
       FROM sales WHERE device_id = @deviceId AND sold_at >= @start AND sold_at < @end`,
    )
    .get(params) as ZReport['sales'] & {
    earned: number;
    redeemed: number;
    firstNumber: string | null;
    lastNumber: string | null;
  };
  const returns = db.sqlite
    .prepare(
      `SELECT count(*) AS count, coalesce(sum(amount), 0) AS amount, coalesce(sum(tax), 0) AS tax
       FROM sale_returns WHERE device_id = @deviceId AND returned_at >= @start AND returned_at < @end`,
    )
    .get(params) as ZReport['returns'];
  const taken = new Map(
    (
      db.sqlite
        .prepare(
          `SELECT p.method, sum(p.amount) AS amount FROM sale_payments p JOIN sales s ON s.id = p.sale_id
           WHERE s.device_id = @deviceId AND s.sold_at >= @start AND s.sold_at < @end GROUP BY p.method`,
        )
        .all(params) as { method: PaymentMethod; amount: number }[]
    ).map((r) => [r.method, r.amount]),
  );
  const refunded = new Map(
    (
      db.sqlite
        .prepare(
          `SELECT f.method, sum(f.amount) AS amount FROM sale_refunds f JOIN sale_returns r ON r.id = f.return_id
           WHERE r.device_id = @deviceId AND r.returned_at >= @start AND r.returned_at < @end GROUP BY f.method`,
        )
        .all(params) as { method: PaymentMethod; amount: number }[]
    ).map((r) => [r.method, r.amount]),
  );
  const shifts = db.sqlite
    .prepare(
      `SELECT ${SHIFT_COLUMNS} WHERE s.device_id = @deviceId AND s.opened_at < @end AND coalesce(s.closed_at, @end) >= @start ORDER BY s.opened_at`,
    )
    .all(params) as Shift[];
  const methods = paymentMethods
    .map((method) => {
      const t = taken.get(method) ?? 0;
      const r = refunded.get(method) ?? 0;
      return { method, taken: t, refunded: r, net: t - r };
    })
    .filter((m) => m.taken !== 0 || m.refunded !== 0);
  const floats = shifts.reduce((s, x) => s + x.openingFloat, 0);
  const cash = methods.find((m) => m.method === 'cash')?.net ?? 0;
  return {
    day,
    branchId: device.branchId,
    branchName: device.branchName,
    deviceId,
    deviceNumber: device.number,
    shifts,
    sales: {
      count: sales.count,
      gross: sales.gross,
      discount: sales.discount,
      rewards: sales.rewards,
      tax: sales.tax,
      total: sales.total,
    },
    returns,
    methods,
    points: { earned: sales.earned, redeemed: sales.redeemed },
    firstNumber: sales.firstNumber,
    lastNumber: sales.lastNumber,
    expectedCash: floats + cash,
  };
}

const dayField = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-04');

export const zReport = query({
  access: 'sales.record',
  input: z.object({ day: dayField, deviceId: id.optional() }),
  handler: (ctx, input) => {
    const deviceId = input.deviceId ?? requireDevice(ctx).id;
    const report = zReportOf(ctx.db, deviceId, input.day);
    assertBranchAccess(ctx, report.branchId, 'see the day’s close');
    return report;
  },
});
