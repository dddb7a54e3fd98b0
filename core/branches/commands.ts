import { asc, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
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
    emit(ctx, 'branch.saved', input.id, input);
    return { id: input.id };
  },
});

export const listBranches = query({
  access: 'signed-in',
  input: z.object({ kind: z.enum(branchKinds).optional() }),
  handler: (ctx, input): BranchRow[] =>
    branchList(ctx.db)
      .all({ kind: input.kind ?? null })
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
