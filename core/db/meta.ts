// The device-local `meta` table: one text value per key (this device, its clock, sync cursors).
// The one place that reads and writes it; it imports nothing of the domain, so the sync engine
// and the clock use it without an import cycle.
import type { Db } from './open';

export const getMeta = (db: Db, key: string): string | undefined =>
  (
    db.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined
  )?.value;

export const setMeta = (db: Db, key: string, value: string): void => {
  db.sqlite
    .prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    )
    .run(key, value);
};
