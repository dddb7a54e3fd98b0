// A till's shifts as events: opened with a float, closed with the cash counted (decision 0030).
import { z } from 'zod';
import * as num from '../events/numbers';
import { DomainError } from '../errors';
import { defineEvent } from '../events/define';

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
    openingFloat: num.minor,
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
    expectedCash: num.signedMinor,
    countedCash: num.minor,
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
