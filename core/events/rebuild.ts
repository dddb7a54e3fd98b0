// Whether the projections now running rebuild rows from events already applied once (a re-fold),
// rather than apply a new event: effects outside the replicated state (signing a user out) are
// not repeated then.
import type { Db } from '../db/open';

export const rebuilding = (db: Db): boolean =>
  db.sqlite.prepare(`SELECT 1 FROM meta WHERE key = 'rebasing'`).get() !== undefined;
