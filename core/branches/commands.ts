import { z } from 'zod';
import { command, query } from '../contract/define';
import { branchCode, id, text } from '../contract/fields';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { newId } from '../ids';
import { branchKinds } from './events';

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
  handler: (ctx, input) =>
    ctx.db.sqlite
      .prepare(
        'SELECT id, code, name, kind, active FROM branches WHERE (? IS NULL OR kind = ?) ORDER BY kind, code',
      )
      .all(input.kind ?? null, input.kind ?? null) as BranchRow[],
});
