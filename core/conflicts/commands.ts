import { z } from 'zod';
import { command, query } from '../contract/define';
import { id, text } from '../contract/fields';
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

export const listConflicts = query({
  access: 'branches.manage',
  input: z.object({ includeResolved: z.boolean().default(false) }),
  handler: (ctx, input) =>
    ctx.db.sqlite
      .prepare(
        `SELECT c.event_id AS eventId, c.aggregate_id AS aggregateId, c.event_type AS eventType, c.branch_id AS branchId,
                b.name AS branchName, c.user_id AS userId, u.display_name AS userName, c.code, c.message, c.at,
                o.number AS orderNumber, r.resolved_at AS resolvedAt, ru.display_name AS resolvedByName, r.note
         FROM conflicts c LEFT JOIN branches b ON b.id = c.branch_id LEFT JOIN users u ON u.id = c.user_id
         LEFT JOIN orders o ON o.id = c.aggregate_id LEFT JOIN conflict_resolutions r ON r.event_id = c.event_id
         LEFT JOIN users ru ON ru.id = r.resolved_by
         WHERE ? OR r.event_id IS NULL ORDER BY c.at DESC`,
      )
      .all(input.includeResolved ? 1 : 0) as ConflictRow[],
});

export const resolveConflict = command({
  access: 'branches.manage',
  input: z.object({ eventId: id, note: text(500) }),
  handler: (ctx, input) => {
    const conflict = ctx.db.sqlite
      .prepare('SELECT aggregate_id AS aggregateId FROM conflicts WHERE event_id = ?')
      .get(input.eventId) as { aggregateId: string | null } | undefined;
    if (!conflict)
      throw new DomainError('NOT_FOUND', 'eventId: there is no such conflict', {
        field: 'eventId',
      });
    emit(ctx, 'conflict.resolved', conflict.aggregateId, input);
    return { ok: true as const };
  },
});
