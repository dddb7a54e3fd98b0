import { asc, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command, query } from '../contract/define';
import { branchCode, id, text } from '../contract/fields';
import { prepared } from '../db/prepared';
import { branches } from '../db/schema';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { branchKinds } from '../vocabulary';

export interface BranchRow {
  id: string;
  code: string;
  name: string;
  kind: (typeof branchKinds)[number];
  active: 0 | 1;
}

export const createBranch = command({
  access: 'branches.manage',
  input: z.object({ code: branchCode, name: text(120), kind: z.enum(branchKinds) }),
  handler: (ctx, input) => {
    if (ctx.db.sqlite.prepare('SELECT 1 FROM branches WHERE code = ?').get(input.code))
      throw new DomainError(
        'CONFLICT',
        `code: branch code ${input.code} is taken; choose another`,
        {
          field: 'code',
          issues: [{ field: 'code', message: 'is taken' }],
        },
      );
    const branchId = newId(ctx.now());
    emit(ctx, 'branch.saved', branchId, { id: branchId, ...input, active: true });
    return { id: branchId };
  },
});

export const updateBranch = command({
  access: 'branches.manage',
  input: z.object({ id, name: text(120).optional(), active: z.boolean().optional() }),
  handler: (ctx, input) => {
    if (!ctx.db.sqlite.prepare('SELECT 1 FROM branches WHERE id = ?').get(input.id))
      throw new DomainError('NOT_FOUND', 'That branch does not exist.', { field: 'id' });
    if (input.active === false) assertMayArchive(ctx, input.id);
    emit(ctx, 'branch.saved', input.id, input);
    return { id: input.id };
  },
});

const stockHeld = z.object({ variants: z.number(), onHand: z.number() });

/**
 * Archiving hides a branch from pickers and lists and keeps it in history (decision 0024). Refused
 * while the books show stock there (on hand, reserved or on its way), since archived stock could be
 * neither sold nor counted: move it or count it to zero first. This PC's own branch cannot be
 * archived. PCs enrolled there may stay: they keep syncing their history; revoke them in Sync
 * devices when the branch closes.
 */
function assertMayArchive(ctx: Context, branchId: string): void {
  if (ctx.device?.branchId === branchId)
    throw new DomainError(
      'INVALID_STATE',
      'active: this is the branch this PC works for, so it cannot be archived here',
      { field: 'active' },
    );
  const stock = stockHeld.parse(
    ctx.db.sqlite
      .prepare(
        `SELECT count(*) AS variants, coalesce(sum(on_hand), 0) AS onHand FROM stock_balances
         WHERE branch_id = ? AND (on_hand <> 0 OR reserved <> 0 OR in_transit <> 0)`,
      )
      .get(branchId),
  );
  if (stock.variants > 0)
    throw new DomainError(
      'INVALID_STATE',
      `active: the books show stock of ${stock.variants} variant${stock.variants > 1 ? 's' : ''} at this branch (${stock.onHand} on hand, or reserved or on the way); transfer it or count it to zero, then archive the branch`,
      { field: 'active', variants: stock.variants, onHand: stock.onHand },
    );
}

export const listBranches = query({
  access: 'signed-in',
  input: z.object({
    kind: z.enum(branchKinds).optional(),
    /** Archived branches too (the admin's list, to restore one); pickers leave them out. */
    includeArchived: z.boolean().default(false),
  }),
  handler: (ctx, input): BranchRow[] =>
    branchList(ctx.db)
      .all({ kind: input.kind ?? null })
      .filter((b) => input.includeArchived || b.active)
      // The list has always answered 0 or 1 (the column's integer), which the screens expect.
      .map((b) => ({ ...b, active: b.active ? 1 : 0 })),
});

const kind = sql.placeholder('kind');
const branchList = prepared((orm) =>
  orm
    .select({
      id: branches.id,
      code: branches.code,
      name: branches.name,
      kind: branches.kind,
      active: branches.active,
    })
    .from(branches)
    .where(or(isNull(kind), eq(branches.kind, kind)))
    .orderBy(asc(branches.kind), asc(branches.code))
    .prepare(),
);
