import { z } from 'zod';
import { defineEvent } from '../events/define';

export const conflictResolved = defineEvent({
  type: 'conflict.resolved',
  authority: { permission: 'branches.manage', from: [], acts: 'aggregate' },
  visibility: { aggregate: true },
  writes: [{ table: 'conflict_resolutions', column: 'event_id', key: (e) => e.payload.eventId }],
  payload: z.object({ eventId: z.string(), note: z.string().min(1) }),
  apply: (db, e) => {
    // Two admins resolving the same conflict offline: the later resolution stands, everywhere.
    db.sqlite
      .prepare(
        `INSERT INTO conflict_resolutions (event_id, resolved_at, resolved_by, note, resolution_event_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (event_id) DO UPDATE SET resolved_at = excluded.resolved_at, resolved_by = excluded.resolved_by,
           note = excluded.note, resolution_event_id = excluded.resolution_event_id
         WHERE excluded.resolved_at > resolved_at
            OR (excluded.resolved_at = resolved_at AND excluded.resolution_event_id > resolution_event_id)`,
      )
      .run(e.payload.eventId, e.createdAt, e.userId, e.payload.note, e.id);
  },
});
