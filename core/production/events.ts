import { z } from 'zod';
import * as num from '../events/numbers';
import { defineEvent, ledgerWrite } from '../events/define';
import { DomainError } from '../errors';
import { move } from '../stock/ledger';

export const productionRecorded = defineEvent({
  type: 'production.recorded',
  ordered: true,
  authority: { permission: 'production.record', from: ['factory'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [
    { table: 'production_batches', column: 'id', key: (e) => e.payload.batchId },
    ledgerWrite,
  ],
  payload: z.object({
    batchId: z.string(),
    branchId: z.string(),
    variantId: z.string(),
    quantity: num.positiveUnits,
    producedOn: z.string(),
    shift: z.string().nullable(),
    notes: z.string().nullable(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    db.sqlite
      .prepare(
        `INSERT INTO production_batches (id, branch_id, variant_id, quantity, produced_on, shift, notes, user_id, recorded_at, event_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        p.batchId,
        p.branchId,
        p.variantId,
        p.quantity,
        p.producedOn,
        p.shift,
        p.notes,
        e.userId,
        e.createdAt,
        e.id,
      );
    move(db, e, {
      branchId: p.branchId,
      variantId: p.variantId,
      kind: 'production',
      onHand: p.quantity,
    });
  },
});

interface BatchRow {
  branchId: string;
  variantId: string;
  quantity: number;
  producedOn: string;
  reversesId: string | null;
  reversedById: string | null;
}

/** A batch may be reversed once, and a reversal never: the command checks this too, before stock. */
export function assertReversible(batch: Pick<BatchRow, 'reversesId' | 'reversedById'>): void {
  if (batch.reversesId)
    throw new DomainError(
      'INVALID_STATE',
      'This entry is itself a correction and cannot be reversed. Record a new batch instead.',
    );
  if (batch.reversedById)
    throw new DomainError(
      'INVALID_STATE',
      'This batch was already reversed. Record a new batch with the right figures.',
    );
}

export const productionReversed = defineEvent({
  type: 'production.reversed',
  ordered: true,
  authority: { permission: 'production.record', from: ['factory'], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: [
    {
      table: 'production_batches',
      column: 'id',
      key: (e) => [e.payload.batchId, e.payload.reversesId],
    },
    ledgerWrite,
  ],
  payload: z.object({ batchId: z.string(), reversesId: z.string(), reason: z.string().min(1) }),
  apply: (db, e) => {
    // raw SQL: 23% faster than drizzle in a projection, which sync catch-up runs for every
    // event (8.0 against 9.8 µs a lookup in a micro-measure of drizzle's prepared get).
    const original = db.sqlite
      .prepare(
        `SELECT branch_id AS branchId, variant_id AS variantId, quantity, produced_on AS producedOn,
                reverses_id AS reversesId, reversed_by_id AS reversedById FROM production_batches WHERE id = ?`,
      )
      .get(e.payload.reversesId) as BatchRow | undefined;
    if (!original)
      throw new DomainError('NOT_FOUND', 'That production batch does not exist.', {
        field: 'batchId',
      });
    assertReversible(original);
    db.sqlite
      .prepare(
        `INSERT INTO production_batches (id, branch_id, variant_id, quantity, produced_on, shift, notes, user_id, recorded_at, reverses_id, event_id)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.payload.batchId,
        original.branchId,
        original.variantId,
        -original.quantity,
        original.producedOn,
        e.payload.reason,
        e.userId,
        e.createdAt,
        e.payload.reversesId,
        e.id,
      );
    db.sqlite
      .prepare('UPDATE production_batches SET reversed_by_id = ? WHERE id = ?')
      .run(e.payload.batchId, e.payload.reversesId);
    move(db, e, {
      branchId: original.branchId,
      variantId: original.variantId,
      kind: 'production',
      onHand: -original.quantity,
      reason: e.payload.reason,
    });
  },
});
