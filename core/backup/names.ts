// Backup files are named by what they hold and when they were taken, so listing, age and
// retention read the name, not the file's mtime (which a copy to a USB stick would change).
//   branch-20261124T020000123Z.sqlite, before-restore-20261124T093512004Z.sqlite,
//   postgres-20261124T020000000Z.dump
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface BackupEntry {
  /** The file name inside the backup folder. */
  file: string;
  path: string;
  /** What was backed up: `branch`, `store`, `replica`, `postgres`, `before-restore`… */
  label: string;
  /** When the backup began (ms since the epoch, UTC). */
  takenAt: number;
  bytes: number;
}

const LABEL = /^[a-z][a-z0-9-]*[a-z0-9]$/;
// label-YYYYMMDDTHHMMSSmmmZ.ext, and the -wal beside a raw copy of a database that could not be read.
const NAME = /^([a-z][a-z0-9-]*[a-z0-9])-(\d{8}T\d{9}Z)\.(sqlite|dump)(-wal)?$/;

export function checkLabel(label: string): string {
  if (!LABEL.test(label))
    throw new Error(`backup label "${label}": use lower-case letters, digits and dashes`);
  return label;
}

export function stampOf(at: number): string {
  const iso = new Date(at).toISOString(); // 2026-11-24T02:00:00.123Z
  return iso.replace(/[-:]/g, '').replace('.', '');
}

export function timeOfStamp(stamp: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(stamp);
  if (!m) return null;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0, ms = 0] = m.slice(1).map(Number);
  const at = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return stampOf(at) === stamp ? at : null;
}

export const backupFileName = (label: string, at: number, ext: 'sqlite' | 'dump' = 'sqlite') =>
  `${checkLabel(label)}-${stampOf(at)}.${ext}`;

export function parseBackupName(
  file: string,
): { label: string; takenAt: number; sidecar: boolean } | null {
  const [, label, stamp, , wal] = NAME.exec(file) ?? [];
  const takenAt = stamp ? timeOfStamp(stamp) : null;
  return label && takenAt !== null ? { label, takenAt, sidecar: wal !== undefined } : null;
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Every backup in the folder, newest first. Files named otherwise are not backups and are left alone. */
export function listBackups(dir: string, label?: string): BackupEntry[] {
  const found: BackupEntry[] = [];
  for (const file of namesIn(dir)) {
    const parsed = parseBackupName(file);
    if (!parsed || parsed.sidecar || (label !== undefined && parsed.label !== label)) continue;
    const path = join(dir, file);
    found.push({
      file,
      path,
      label: parsed.label,
      takenAt: parsed.takenAt,
      bytes: statSync(path).size,
    });
  }
  return found.sort((a, b) => b.takenAt - a.takenAt || a.file.localeCompare(b.file));
}

/** When the newest scheduled-or-manual backup (not a safety copy before a restore) began. */
export function lastBackupAt(dir: string, labels?: readonly string[]): number | null {
  const newest = listBackups(dir).find(
    (b) => b.label !== 'before-restore' && (labels === undefined || labels.includes(b.label)),
  );
  return newest?.takenAt ?? null;
}

/** Backup files (and their sidecars) in the folder, with the time each was taken. */
export function backupFilesWithTimes(dir: string): { file: string; takenAt: number }[] {
  return namesIn(dir).flatMap((file) => {
    const parsed = parseBackupName(file);
    return parsed ? [{ file, takenAt: parsed.takenAt }] : [];
  });
}
