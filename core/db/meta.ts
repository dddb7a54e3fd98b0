// The device-local `meta` table: one text value per key (this device, its clock, sync cursors).
// The one place that reads and writes it; it imports nothing of the domain, so the sync engine
// and the clock use it without an import cycle.
import { eq, sql } from 'drizzle-orm';
import type { Db } from './open';
import { prepared } from './prepared';
import { meta } from './schema';

const valueOf = prepared((orm) =>
  orm
    .select({ value: meta.value })
    .from(meta)
    .where(eq(meta.key, sql.placeholder('key')))
    .prepare(),
);

export const getMeta = (db: Db, key: string): string | undefined => valueOf(db).get({ key })?.value;

export const setMeta = (db: Db, key: string, value: string): void => {
  db.sqlite
    .prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    )
    .run(key, value);
};
