// Number series that survive a restore (docs/decisions/0010-number-series-after-restore.md).
// A PC's counters live in its database, so restoring an old backup takes them back. Beside the
// database, outside every backup, a small guard file remembers the highest number this PC issued
// for each counter. Opened with counters behind it, the database was restored (or copied back):
// the PC then numbers in a new series (a letter after its device number), so no number can
// repeat, even offline, whatever the backup's age.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open';
import { sequences } from '../db/schema';
import { getMeta, setMeta } from './device';

/** The guard file, in the PC's data folder beside its database. */
export const NUMBERING_FILE = 'numbering.json';

interface Guard {
  /** The highest value issued per counter key, as far as this machine knows. */
  issued: Record<string, number>;
  series: string;
}

const guards = new WeakMap<Db, { file: string; fd: number; guard: Guard }>();

/** A short digest of the guard's contents, so a torn write reads as no guard (a new series). */
const digest = (guard: Guard) =>
  createHash('sha256')
    .update(JSON.stringify([guard.issued, guard.series]))
    .digest('hex')
    .slice(0, 16);

const serialize = (guard: Guard) => JSON.stringify({ ...guard, sum: digest(guard) });

function readGuard(file: string): Guard | null {
  if (!existsSync(file)) return null;
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof raw !== 'object' || raw === null) return null;
    const issued: Record<string, number> = {};
    if ('issued' in raw && typeof raw.issued === 'object' && raw.issued !== null)
      for (const [k, v] of Object.entries(raw.issued))
        if (typeof v === 'number' && Number.isInteger(v)) issued[k] = v;
    const series = 'series' in raw && typeof raw.series === 'string' ? raw.series : '';
    const guard = { issued, series: /^[A-Z]*$/.test(series) ? series : '' };
    // A file from before the digest is taken as it is; one whose digest fails was torn.
    if ('sum' in raw && raw.sum !== digest(guard)) return null;
    return guard;
  } catch {
    return null;
  }
}

/** Written whole and renamed into place, so a crash leaves the old or the new file, never half. */
function writeGuard(file: string, guard: Guard): void {
  writeFileSync(`${file}.tmp`, serialize(guard));
  renameSync(`${file}.tmp`, file);
}

/** A, B, …, Z, then AA, AB, …: the series after `series`. */
export function nextSeries(series: string): string {
  if (series === '') return 'B';
  const chars = [...series];
  for (let i = chars.length - 1; i >= 0; i--) {
    const c = chars[i] ?? 'A';
    if (c !== 'Z') {
      chars[i] = String.fromCharCode(c.charCodeAt(0) + 1);
      return chars.join('');
    }
    chars[i] = 'A';
  }
  return `A${chars.join('')}`;
}

const later = (a: string, b: string) => (a.length !== b.length ? a.length > b.length : a > b);

/**
 * Checks the database against the guard beside it, before anything is numbered: a database
 * behind what this PC issued, or a guarded database on a machine with no guard (restored onto a
 * new PC), moves to a new series. Returns the series in force.
 */
export function openSeries(db: Db, dataDir: string): string {
  const file = join(dataDir, NUMBERING_FILE);
  const guard = readGuard(file);
  const counters = db.orm.select().from(sequences).all();
  const dbSeries = getMeta(db, 'numbers.series') ?? '';
  const wasGuarded = getMeta(db, 'numbers.guarded') === '1';
  const behind = guard
    ? counters.some((c) => c.value < (guard.issued[c.key] ?? 0)) ||
      Object.entries(guard.issued).some(([k, v]) => v > 0 && !counters.some((c) => c.key === k)) ||
      later(guard.series, dbSeries)
    : wasGuarded && counters.length > 0;
  let series = later(guard?.series ?? '', dbSeries) ? (guard?.series ?? '') : dbSeries;
  if (behind) series = nextSeries(series);
  const issued = Object.fromEntries(counters.map((c) => [c.key, c.value]));
  db.sqlite.transaction(() => {
    setMeta(db, 'numbers.series', series);
    setMeta(db, 'numbers.guarded', '1');
  })();
  const next: Guard = { issued: behind ? issued : { ...guard?.issued, ...issued }, series };
  writeGuard(file, next);
  closeSeries(db);
  guards.set(db, { file, fd: openSync(file, 'r+'), guard: next });
  return series;
}

/** Lets go of the guard file (when the database closes). */
export function closeSeries(db: Db): void {
  const held = guards.get(db);
  if (!held) return;
  guards.delete(db);
  closeSync(held.fd);
}

/** The series this PC numbers in now ('' before any restore). */
export const currentSeries = (db: Db): string =>
  guards.get(db)?.guard.series ?? getMeta(db, 'numbers.series') ?? '';

/**
 * Records a value just issued, so a restore of an older database is seen at the next open. It
 * is written over the open file in place, at every number: a rename per sale cost more than the
 * sale (decision 0010). Values only grow, so the new text is never shorter than the old; a write
 * torn by a crash fails its digest and the next open starts a new series, never a repeat.
 */
export function recordIssued(db: Db, key: string, value: number): void {
  const held = guards.get(db);
  if (!held || (held.guard.issued[key] ?? 0) >= value) return;
  held.guard.issued[key] = value;
  writeSync(held.fd, serialize(held.guard), 0, 'utf8');
}
