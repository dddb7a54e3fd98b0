import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { defineEvent, mergeStamp, rowWrite } from '../events/define';
import { users } from '../db/schema';
import { mergeRow } from '../events/lww';
import { rebuilding } from '../events/rebuild';
import { roles } from '../vocabulary';

export const userSaved = defineEvent({
  type: 'user.saved',
  merged: true,
  authority: { permission: 'users.manage', from: [], acts: 'aggregate' },
  visibility: { everywhere: true },
  writes: [rowWrite('users')],
  payload: z.object({
    id: z.string(),
    branchId: z.string().optional(),
    username: z.string().optional(),
    displayName: z.string().optional(),
    role: z.enum(roles).optional(),
    passwordHash: z.string().optional(),
    disabled: z.boolean().optional(),
    /** A customer's portal sign-in: the customer it is (role 'customer' only). */
    customerId: z.string().nullable().optional(),
    /** A sales rep's commission rate in basis points (decision 0034). */
    commissionBp: z.number().int().min(0).max(10_000).nullable().optional(),
  }),
  apply: (db, e) => {
    const { id, ...fields } = e.payload;
    const { changed } = mergeRow(db, 'users', id, mergeStamp(e), fields);
    // A disabled user, or one whose password changed, is signed out everywhere at once.
    if (!rebuilding(db) && (changed.includes('disabled') || changed.includes('passwordHash'))) {
      const [row] = db.orm
        .select({ disabled: users.disabled })
        .from(users)
        .where(eq(users.id, id))
        .all();
      if (row?.disabled || changed.includes('passwordHash'))
        db.sqlite.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
    }
  },
});
