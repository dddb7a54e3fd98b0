import { z } from 'zod';
import * as num from '../events/numbers';
import type { Db } from '../db/open';
import { parseRow } from '../db/rows';
import { DomainError } from '../errors';
import { defineEvent, ledgerWrite } from '../events/define';
import { move } from './ledger';

export const stockAdjusted = defineEvent({
  type: 'stock.adjusted',
  authority: { permission: 'stock.adjust', from: ['shop', 'factory'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [ledgerWrite],
  payload: z.object({
    branchId: z.string(),
    variantId: z.string(),
    quantity: num.signedUnits,
    reason: z.string().min(1),
  }),
  apply: (db, e) =>
    move(db, e, {
      branchId: e.payload.branchId,
      variantId: e.payload.variantId,
      kind: 'adjustment',
      onHand: e.payload.quantity,
      reason: e.payload.reason,
    }),
});

/** Transfers before 0022 moved at once; such events from the field still apply so. */
export const stockTransferred = defineEvent({
  type: 'stock.transferred',
  authority: { permission: 'stock.transfer', from: ['factory'], acts: (p) => p.fromBranchId },
  visibility: { branches: (p) => [p.fromBranchId, p.toBranchId] },
  writes: [ledgerWrite],
  payload: z.object({
    fromBranchId: z.string(),
    toBranchId: z.string(),
    variantId: z.string(),
    quantity: num.positiveUnits,
    reason: z.string().nullable(),
  }),
  apply: (db, e) => {
    const { fromBranchId, toBranchId, variantId, quantity, reason } = e.payload;
    move(db, e, { branchId: fromBranchId, variantId, kind: 'transfer', onHand: -quantity, reason });
    move(db, e, { branchId: toBranchId, variantId, kind: 'transfer', onHand: quantity, reason });
  },
});

// Transfers with in-transit and receipt (docs/decisions/0022): sending takes the stock off the
// sender and shows it on its way at the receiver; someone at the receiving branch receives it.
// The transfer is the aggregate, so its receipt folds after its sending everywhere.
const transferRow = {
  table: 'stock_transfers',
  column: 'id',
  key: (e: { aggregateId: string | null }) => e.aggregateId ?? '',
};

export const stockTransferSent = defineEvent({
  type: 'stock.transfer_sent',
  ordered: true,
  authority: {
    permission: 'stock.transfer',
    from: ['shop', 'factory'],
    acts: (p) => p.fromBranchId,
  },
  visibility: { branches: (p) => [p.fromBranchId, p.toBranchId] },
  writes: [transferRow, ledgerWrite],
  payload: z.object({
    id: z.string(),
    fromBranchId: z.string(),
    toBranchId: z.string(),
    variantId: z.string(),
    quantity: num.positiveUnits,
    note: z.string().nullable(),
  }),
  apply: (db, e) => {
    const { id, fromBranchId, toBranchId, variantId, quantity, note } = e.payload;
    if (fromBranchId === toBranchId || id !== e.aggregateId)
      throw new DomainError('VALIDATION', 'toBranchId: a transfer goes to another branch', {
        field: 'toBranchId',
      });
    db.sqlite
      .prepare(
        `INSERT INTO stock_transfers (id, from_branch_id, to_branch_id, variant_id, quantity, status, note, sent_at, sent_by)
         VALUES (?, ?, ?, ?, ?, 'in_transit', ?, ?, ?)`,
      )
      .run(id, fromBranchId, toBranchId, variantId, quantity, note, e.createdAt, e.userId);
    move(db, e, {
      branchId: fromBranchId,
      variantId,
      kind: 'transfer',
      onHand: -quantity,
      reason: note,
    });
    move(db, e, {
      branchId: toBranchId,
      variantId,
      kind: 'transfer',
      inTransit: quantity,
      reason: note,
    });
  },
});

export const stockTransferReceived = defineEvent({
  type: 'stock.transfer_received',
  ordered: true,
  authority: { permission: 'stock.transfer', from: ['shop', 'factory'], acts: (p) => p.toBranchId },
  visibility: { aggregate: true },
  writes: [transferRow, ledgerWrite],
  payload: z.object({
    transferId: z.string(),
    toBranchId: z.string(),
    received: num.units,
    note: z.string().nullable(),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const t = transferOf(db, p.transferId);
    if (!t)
      throw new DomainError('NOT_FOUND', 'transferId: there is no such transfer', {
        field: 'transferId',
      });
    // Checked here, not only in the command: a receipt pushed by another branch is a conflict.
    if (t.toBranchId !== p.toBranchId)
      throw new DomainError(
        'FORBIDDEN',
        'transferId: this transfer goes to another branch; it is received there',
        { field: 'transferId' },
      );
    if (t.status !== 'in_transit')
      throw new DomainError('INVALID_STATE', 'transferId: this transfer was already received', {
        field: 'transferId',
      });
    db.sqlite
      .prepare(
        `UPDATE stock_transfers SET status = 'received', received = ?, receipt_note = ?, received_at = ?, received_by = ?
         WHERE id = ?`,
      )
      .run(p.received, p.note, e.createdAt, e.userId, p.transferId);
    // What arrived goes on hand; a shortage or surplus stays recorded on the transfer.
    move(db, e, {
      branchId: t.toBranchId,
      variantId: t.variantId,
      kind: 'receipt',
      inTransit: -t.quantity,
      onHand: p.received,
      reason: p.note,
    });
  },
});

const transferState = z.object({
  toBranchId: z.string(),
  variantId: z.string(),
  quantity: z.number(),
  status: z.string(),
});

export const transferOf = (db: Db, id: string) =>
  parseRow(
    transferState,
    db.sqlite
      .prepare(
        'SELECT to_branch_id AS toBranchId, variant_id AS variantId, quantity, status FROM stock_transfers WHERE id = ?',
      )
      .get(id),
  );

// Stock counts (docs/decisions/0022). Every count of a branch is one aggregate, `countsOf`, so
// replicas fold a branch's counts in the server's order and decide alike which of two overlapping
// counts of a variant was posted first; the later one is held for an admin to choose.
export const countsOf = (branchId: string) => `stock-counts:${branchId}`;

const countRow = {
  table: 'stock_counts',
  column: 'id',
  key: (e: { payload: { countId: string } }) => e.payload.countId,
};
const countLines = {
  table: 'stock_count_lines',
  column: 'count_id',
  key: (e: { payload: { countId: string } }) => e.payload.countId,
};

export const stockCountStarted = defineEvent({
  type: 'stock.count_started',
  ordered: true,
  authority: { permission: 'stock.count', from: ['shop', 'factory'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [countRow],
  payload: z.object({ countId: z.string(), branchId: z.string(), category: z.string().nullable() }),
  apply: (db, e) => {
    const p = e.payload;
    db.sqlite
      .prepare(
        `INSERT INTO stock_counts (id, branch_id, category, device_id, started_at, started_by) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(p.countId, p.branchId, p.category, e.deviceId, e.createdAt, e.userId);
  },
});

const rowId = z.object({ id: z.string() });

const countState = z.object({
  branchId: z.string(),
  deviceId: z.string(),
  startedAt: z.number(),
  postedAt: z.number().nullable(),
});

export const countOf = (db: Db, id: string) =>
  parseRow(
    countState,
    db.sqlite
      .prepare(
        'SELECT branch_id AS branchId, device_id AS deviceId, started_at AS startedAt, posted_at AS postedAt FROM stock_counts WHERE id = ?',
      )
      .get(id),
  );

export const stockCountPosted = defineEvent({
  type: 'stock.count_posted',
  ordered: true,
  authority: { permission: 'stock.count', from: ['shop', 'factory'], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [countRow, countLines, ledgerWrite],
  payload: z.object({
    countId: z.string(),
    branchId: z.string(),
    counterName: z.string().min(1),
    lines: z.array(
      z.object({
        variantId: z.string(),
        /** On hand as the ledger said when the variant was counted. */
        expected: num.signedUnits,
        counted: num.units,
      }),
    ),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const count = countOf(db, p.countId);
    if (!count || count.branchId !== p.branchId)
      throw new DomainError('NOT_FOUND', 'countId: there is no such count at this branch', {
        field: 'countId',
      });
    if (count.postedAt !== null)
      throw new DomainError('INVALID_STATE', 'countId: this count was already posted', {
        field: 'countId',
      });
    db.sqlite
      .prepare('UPDATE stock_counts SET posted_at = ?, counter_name = ? WHERE id = ?')
      .run(e.createdAt, p.counterName, p.countId);
    // A posted count of the same variant whose session overlaps this one in time: counting it
    // again would post the same difference twice. Sessions that touch in one millisecond (one
    // started as the other was posted) may have counted the same shelf: held too (an admin's
    // click, never a difference posted twice).
    const overlapping = db.sqlite.prepare(
      `SELECT c.id FROM stock_counts c JOIN stock_count_lines l ON l.count_id = c.id
       WHERE c.branch_id = ? AND c.id != ? AND c.posted_at IS NOT NULL AND l.variant_id = ?
         AND l.status IN ('posted', 'chosen') AND c.started_at <= ? AND ? <= c.posted_at
       ORDER BY c.posted_at, c.id LIMIT 1`,
    );
    const insert = db.sqlite.prepare(
      `INSERT INTO stock_count_lines (count_id, variant_id, expected, counted, status, held_by) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (const line of p.lines) {
      const other = parseRow(
        rowId,
        overlapping.get(p.branchId, p.countId, line.variantId, e.createdAt, count.startedAt),
      );
      insert.run(
        p.countId,
        line.variantId,
        line.expected,
        line.counted,
        other ? 'held' : 'posted',
        other?.id ?? null,
      );
      if (!other && line.counted !== line.expected)
        move(db, e, {
          branchId: p.branchId,
          variantId: line.variantId,
          kind: 'adjustment',
          onHand: line.counted - line.expected,
          reason: `Stock count by ${p.counterName}`,
        });
    }
  },
});

export const stockCountChosen = defineEvent({
  type: 'stock.count_chosen',
  ordered: true,
  authority: { permission: 'branches.manage', from: [], acts: (p) => p.branchId },
  visibility: { branches: (p) => [p.branchId] },
  writes: [
    {
      table: 'stock_count_lines',
      column: 'count_id',
      key: (e) => [e.payload.countId, e.payload.otherCountId],
    },
    ledgerWrite,
  ],
  payload: z.object({
    branchId: z.string(),
    /** The held line's count, and the posted count it overlapped. */
    countId: z.string(),
    otherCountId: z.string(),
    variantId: z.string(),
    /** True: the held count replaces the posted one; false: the held count is discarded. */
    useHeld: z.boolean(),
    note: z.string().min(1),
  }),
  apply: (db, e) => {
    const p = e.payload;
    const line = db.sqlite.prepare(
      'SELECT expected, counted, status, held_by AS heldBy FROM stock_count_lines WHERE count_id = ? AND variant_id = ?',
    );
    const held = parseRow(countLineState, line.get(p.countId, p.variantId));
    if (!held || held.status !== 'held' || held.heldBy !== p.otherCountId)
      throw new DomainError(
        'INVALID_STATE',
        'countId: this count line is not waiting for a choice',
        {
          field: 'countId',
        },
      );
    const setStatus = db.sqlite.prepare(
      'UPDATE stock_count_lines SET status = ? WHERE count_id = ? AND variant_id = ?',
    );
    if (!p.useHeld) return void setStatus.run('discarded', p.countId, p.variantId);
    const posted = parseRow(countLineState, line.get(p.otherCountId, p.variantId));
    if (!posted || (posted.status !== 'posted' && posted.status !== 'chosen'))
      throw new DomainError('INVALID_STATE', 'otherCountId: the other count is no longer posted', {
        field: 'otherCountId',
      });
    setStatus.run('chosen', p.countId, p.variantId);
    setStatus.run('replaced', p.otherCountId, p.variantId);
    // Take back the posted difference and post the held one instead.
    const delta = held.counted - held.expected - (posted.counted - posted.expected);
    if (delta !== 0)
      move(db, e, {
        branchId: p.branchId,
        variantId: p.variantId,
        kind: 'adjustment',
        onHand: delta,
        reason: p.note,
      });
  },
});

const countLineState = z.object({
  expected: z.number(),
  counted: z.number(),
  status: z.string(),
  heldBy: z.string().nullable(),
});
