import { z } from 'zod';
import * as num from '../events/numbers';
import { defineEvent, mergeStamp, rowWrite } from '../events/define';
import { mergeRow } from '../events/lww';
import { branchKinds } from '../vocabulary';

/** Defined in the vocabulary; named here too for the branch commands that import it from here. */

export const branchSaved = defineEvent({
  type: 'branch.saved',
  merged: true,
  authority: { permission: 'branches.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('branches')],
  index: (p) => (p.kind ? { branchKind: { id: p.id, kind: p.kind } } : {}),
  payload: z.object({
    id: z.string(),
    code: z.string().optional(),
    name: z.string().optional(),
    kind: z.enum(branchKinds).optional(),
    active: z.boolean().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    mergeRow(db, 'branches', id, mergeStamp(e), fields);
  },
});

export const deviceRegistered = defineEvent({
  type: 'device.registered',
  authority: { permission: 'branches.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('devices')],
  payload: z.object({
    id: z.string(),
    branchId: z.string(),
    number: num.lineNo,
    name: z.string(),
  }),
  apply: (db, e) => {
    db.sqlite
      .prepare(
        'INSERT INTO devices (id, branch_id, number, name) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
      )
      .run(e.payload.id, e.payload.branchId, e.payload.number, e.payload.name);
  },
});
