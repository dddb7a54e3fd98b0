// A counter is a till on a device: a clerk opens a shift on it with a float, sells, and closes
// it by counting the cash drawer against what it should hold (the float, plus cash taken, less
// cash refunded), the difference recorded with a reason. The day's close (the Z report) covers
// the device's shifts and sales of that day (decision 0029).
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { companyDayBounds } from '../locale/day';
import { requireBranchOfKind } from '../catalog/lookup';
import { id, isoDate, money, optionalText } from '../contract/fields';
import { assertBranchAccess, requireActor, requireDevice } from '../contract/scope';
import type { Db } from '../db/open';
import { parseRow, parseRows } from '../db/rows';
import { DomainError, validationError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { companyMoney } from '../locale/money';
import { paymentMethods, type PaymentMethod } from '../vocabulary';

const shiftRow = z.object({
  id: z.string(),
  branchId: z.string(),
  deviceId: z.string(),
  openedBy: z.string(),
  openedByName: z.string().nullable(),
  openedAt: z.number().int(),
  openingFloat: z.number().int(),
  closedAt: z.number().int().nullable(),
  closedByName: z.string().nullable(),
  expectedCash: z.number().int().nullable(),
  countedCash: z.number().int().nullable(),
  difference: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type Shift = z.infer<typeof shiftRow>;

const SHIFT_COLUMNS = `s.id, s.branch_id AS branchId, s.device_id AS deviceId, s.opened_by AS openedBy,
  o.display_name AS openedByName, s.opened_at AS openedAt, s.opening_float AS openingFloat, s.closed_at AS closedAt,
  c.display_name AS closedByName, s.expected_cash AS expectedCash, s.counted_cash AS countedCash,
  s.difference, s.reason
  FROM shifts s LEFT JOIN users o ON o.id = s.opened_by LEFT JOIN users c ON c.id = s.closed_by`;

/** The shift open on this PC, if any. */
export function openShiftOf(ctx: Context): Shift | null {
  if (!ctx.device) return null;
  return (
    parseRow(
      shiftRow,
      ctx.db.sqlite
        .prepare(
          `SELECT ${SHIFT_COLUMNS} WHERE s.device_id = ? AND s.closed_at IS NULL ORDER BY s.opened_at DESC LIMIT 1`,
        )
        .get(ctx.device.id),
    ) ?? null
  );
}

const byMethod = z.object({ method: z.enum(paymentMethods), amount: z.number().int() });

/**
 * Money that moved by payment method: taken by the sales' payments, or given back by the returns'
 * refunds. The shift's close and the day's close read both the same way.
 */
const flows = {
  taken: { rows: 'sale_payments m JOIN sales d ON d.id = m.sale_id', at: 'd.sold_at' },
  refunded: {
    rows: 'sale_refunds m JOIN sale_returns d ON d.id = m.return_id',
    at: 'd.returned_at',
  },
} as const;

/** One shift's sales and returns, or one till's between start (included) and end. */
type Within = { shiftId: string } | { deviceId: string; start: number; end: number };

/** The sums of a flow per method within a shift or a till's day; `only` reads that method alone. */
function byMethodOf(
  db: Db,
  flow: keyof typeof flows,
  within: Within,
  only?: PaymentMethod,
): Map<PaymentMethod, number> {
  const { rows, at } = flows[flow];
  const where =
    'shiftId' in within
      ? 'd.shift_id = @shiftId'
      : `d.device_id = @deviceId AND ${at} >= @start AND ${at} < @end`;
  return new Map(
    parseRows(
      byMethod,
      db.sqlite
        .prepare(
          `SELECT m.method, sum(m.amount) AS amount FROM ${rows}
           WHERE ${where}${only ? ' AND m.method = @only' : ''} GROUP BY m.method`,
        )
        .all({ ...within, ...(only && { only }) }),
    ).map((r) => [r.method, r.amount]),
  );
}

/** Cash taken and refunded in a shift, by the sales and returns that name it. */
export function cashOfShift(db: Db, shiftId: string): { taken: number; refunded: number } {
  return {
    taken: byMethodOf(db, 'taken', { shiftId }, 'cash').get('cash') ?? 0,
    refunded: byMethodOf(db, 'refunded', { shiftId }, 'cash').get('cash') ?? 0,
  };
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
    // Access alone lets an admin name any id; a shift of a branch that does not exist, or of
    // head office or the factory, would hold a float where no sale can be recorded (a sale is
    // a shop's), and its branch would name nothing on the Z report.
    requireBranchOfKind(ctx, branchId, ['shop']);
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

const deviceRow = z.object({
  branchId: z.string(),
  number: z.number().int().nullable(),
  branchName: z.string(),
});
const daySales = z.object({
  count: z.number().int(),
  gross: z.number().int(),
  discount: z.number().int(),
  rewards: z.number().int(),
  tax: z.number().int(),
  total: z.number().int(),
  earned: z.number().int(),
  redeemed: z.number().int(),
  firstNumber: z.string().nullable(),
  lastNumber: z.string().nullable(),
});
const dayReturns = z.object({
  count: z.number().int(),
  amount: z.number().int(),
  tax: z.number().int(),
});
/** The day's close of one till: its sales, returns, payments by method and shifts. */
export function zReportOf(db: Db, deviceId: string, day: string): ZReport {
  const { start, end } = companyDayBounds(db, day);
  const params = { deviceId, start, end };
  const device = parseRow(
    deviceRow,
    db.sqlite
      .prepare(
        `SELECT d.branch_id AS branchId, d.number, b.name AS branchName FROM devices d JOIN branches b ON b.id = d.branch_id WHERE d.id = ?`,
      )
      .get(deviceId),
  );
  if (!device) throw validationError([{ field: 'deviceId', message: 'no such till (device)' }]);
  const sales = daySales.parse(
    db.sqlite
      .prepare(
        `SELECT count(*) AS count, coalesce((SELECT sum(l.quantity * l.unit_price) FROM sale_lines l JOIN sales x ON x.id = l.sale_id
                WHERE x.device_id = @deviceId AND x.sold_at >= @start AND x.sold_at < @end), 0) AS gross,
              coalesce(sum(discount), 0) AS discount, coalesce(sum(reward_amount), 0) AS rewards,
              coalesce(sum(tax), 0) AS tax, coalesce(sum(total), 0) AS total,
              coalesce(sum(points_earned), 0) AS earned, coalesce(sum(points_redeemed), 0) AS redeemed,
              min(number) AS firstNumber, max(number) AS lastNumber
       FROM sales WHERE device_id = @deviceId AND sold_at >= @start AND sold_at < @end`,
      )
      .get(params),
  );
  const returns = dayReturns.parse(
    db.sqlite
      .prepare(
        `SELECT count(*) AS count, coalesce(sum(amount), 0) AS amount, coalesce(sum(tax), 0) AS tax
       FROM sale_returns WHERE device_id = @deviceId AND returned_at >= @start AND returned_at < @end`,
      )
      .get(params),
  );
  const taken = byMethodOf(db, 'taken', params);
  const refunded = byMethodOf(db, 'refunded', params);
  const shifts = parseRows(
    shiftRow,
    db.sqlite
      .prepare(
        `SELECT ${SHIFT_COLUMNS} WHERE s.device_id = @deviceId AND s.opened_at < @end AND coalesce(s.closed_at, @end) >= @start ORDER BY s.opened_at`,
      )
      .all(params),
  );
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

/**
 * The day's close a person may see: their own till's (this PC's), or another till's of a branch
 * they work for.
 */
export function zReportFor(ctx: Context, input: { day: string; deviceId?: string }): ZReport {
  const report = zReportOf(ctx.db, input.deviceId ?? requireDevice(ctx).id, input.day);
  if (input.deviceId !== undefined) assertBranchAccess(ctx, report.branchId, 'see the day’s close');
  return report;
}

export const zReport = query({
  access: 'sales.record',
  input: z.object({ day: isoDate, deviceId: id.optional() }),
  handler: (ctx, input) => zReportFor(ctx, input),
});
