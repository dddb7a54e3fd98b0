// Loyalty as events: head office's rules, an admin's adjustment with its reason, and the
// expiries head office's nightly run records, so every replica agrees (decision 0029). Sales and
// returns write their own points (core/sales/events.ts, returns.ts).
import { z } from 'zod';
import * as num from '../events/numbers';
import { defineEvent, mergeStamp, rowWrite, type EventEnvelope } from '../events/define';
import { mergeRow } from '../events/lww';
import { pointsMove } from './ledger';
import { programId } from './program';

/** The points a loyalty event appends, found again by the event. */
export const pointsWrite = {
  table: 'loyalty_movements',
  column: 'event_id',
  key: (e: EventEnvelope) => e.id,
};

export const loyaltyProgramSaved = defineEvent({
  type: 'loyalty.program_saved',
  merged: true,
  authority: { permission: 'loyalty.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('loyalty_program')],
  payload: z.object({
    id: z.literal(programId),
    spendPerPoint: num.positiveMinor.optional(),
    pendingDays: num.days.optional(),
    expiryDays: num.days.optional(),
    pointValue: num.minor.optional(),
    /** JSON of the tiers and of the rewards (core/loyalty/program.ts), each merged whole. */
    tiers: z.string().optional(),
    rewards: z.string().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'loyalty_program', id, mergeStamp(e), fields);
  },
});

export const loyaltyAdjusted = defineEvent({
  type: 'loyalty.adjusted',
  authority: { permission: 'loyalty.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [pointsWrite],
  payload: z.object({
    customerId: z.string(),
    points: num.signedPoints,
    reason: z.string().min(1),
    /** Points added expire like earned ones; null: never. */
    expiresAt: num.moment.nullable(),
  }),
  apply: (db, e) =>
    pointsMove(db, e, {
      customerId: e.payload.customerId,
      kind: 'adjust',
      points: e.payload.points,
      expiresAt: e.payload.points > 0 ? e.payload.expiresAt : null,
      note: e.payload.reason,
    }),
});

export const loyaltyExpired = defineEvent({
  type: 'loyalty.expired',
  authority: { permission: 'loyalty.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [pointsWrite],
  payload: z.object({ customerId: z.string(), points: num.positivePoints }),
  apply: (db, e) =>
    pointsMove(db, e, {
      customerId: e.payload.customerId,
      kind: 'expire',
      points: -e.payload.points,
    }),
});
