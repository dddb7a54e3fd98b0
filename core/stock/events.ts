import { z } from 'zod';
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
    quantity: z.number().int(),
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

export const stockTransferred = defineEvent({
  type: 'stock.transferred',
  authority: { permission: 'stock.transfer', from: ['factory'], acts: (p) => p.fromBranchId },
  visibility: { branches: (p) => [p.fromBranchId, p.toBranchId] },
  writes: [ledgerWrite],
  payload: z.object({
    fromBranchId: z.string(),
    toBranchId: z.string(),
    variantId: z.string(),
    quantity: z.number().int().positive(),
    reason: z.string().nullable(),
  }),
  apply: (db, e) => {
    const { fromBranchId, toBranchId, variantId, quantity, reason } = e.payload;
    move(db, e, { branchId: fromBranchId, variantId, kind: 'transfer', onHand: -quantity, reason });
    move(db, e, { branchId: toBranchId, variantId, kind: 'transfer', onHand: quantity, reason });
  },
});
