// The device-local `meta` table: one text value per key (this device, its clock, sync cursors).
// The one place that reads and writes it; it imports nothing of the domain, so the sync engine
// and the clock use it without an import cycle.
import type { Db } from './open';

/**
 * raw SQL: every call on a PC reads its device identity here first (drizzle's prepared get took
 * about 2 µs more, 5% of `npm run bench`'s stock.balance call). The row is checked, not cast.
 */
export const getMeta = (db: Db, key: string): string | undefined => {
  const row: unknown = db.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(key);
  return typeof row === 'object' && row !== null && 'value' in row && typeof row.value === 'string'
    ? row.value
    : undefined;
};

export const setMeta = (db: Db, key: string, value: string): void => {
  db.sqlite
    .prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    )
    .run(key, value);
};
