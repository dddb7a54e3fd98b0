import { desc, eq, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { command, query } from '../contract/define';
import { id, text } from '../contract/fields';
import { prepared } from '../db/prepared';
import { branches, conflictResolutions, conflicts, orders, users } from '../db/schema';
import { DomainError } from '../errors';
import { emit } from '../events/emit';

export interface ConflictRow {
  eventId: string;
  aggregateId: string | null;
  eventType: string;
  branchId: string;
  branchName: string | null;
  userId: string;
  userName: string | null;
  code: string;
  message: string;
  at: number;
  orderNumber: string | null;
  resolvedAt: number | null;
  resolvedByName: string | null;
  note: string | null;
}

const resolver = alias(users, 'ru');
const conflictList = prepared((orm) =>
  orm
    .select({
      eventId: conflicts.eventId,
      aggregateId: conflicts.aggregateId,
      eventType: conflicts.eventType,
      branchId: conflicts.branchId,
      branchName: branches.name,
      userId: conflicts.userId,
      userName: users.displayName,
      code: conflicts.code,
      message: conflicts.message,
      at: conflicts.at,
      orderNumber: orders.number,
      resolvedAt: conflictResolutions.resolvedAt,
      resolvedByName: resolver.displayName,
      note: conflictResolutions.note,
    })
    .from(conflicts)
    .leftJoin(branches, eq(branches.id, conflicts.branchId))
    .leftJoin(users, eq(users.id, conflicts.userId))
    .leftJoin(orders, eq(orders.id, conflicts.aggregateId))
    .leftJoin(conflictResolutions, eq(conflictResolutions.eventId, conflicts.eventId))
    .leftJoin(resolver, eq(resolver.id, conflictResolutions.resolvedBy))
    .where(or(sql`${sql.placeholder('includeResolved')}`, isNull(conflictResolutions.eventId)))
    .orderBy(desc(conflicts.at))
    .prepare(),
);

const conflictById = prepared((orm) =>
  orm
    .select({ aggregateId: conflicts.aggregateId })
    .from(conflicts)
    .where(eq(conflicts.eventId, sql.placeholder('eventId')))
    .prepare(),
);

export const listConflicts = query({
  access: 'branches.manage',
  input: z.object({ includeResolved: z.boolean().default(false) }),
  handler: (ctx, input): ConflictRow[] =>
    conflictList(ctx.db).all({ includeResolved: input.includeResolved ? 1 : 0 }),
});

export const resolveConflict = command({
  access: 'branches.manage',
  input: z.object({ eventId: id, note: text(500) }),
  handler: (ctx, input) => {
    const conflict = conflictById(ctx.db).get({ eventId: input.eventId });
    if (!conflict)
      throw new DomainError('NOT_FOUND', 'eventId: there is no such conflict', {
        field: 'eventId',
      });
    emit(ctx, 'conflict.resolved', conflict.aggregateId, input);
    return { ok: true as const };
  },
});
