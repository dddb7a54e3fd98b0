// Backup files are named by what they hold and when they were taken, so listing, age and
// retention read the name, not the file's mtime (which a copy to a USB stick would change).
//   branch-20261124T020000123Z.sqlite, before-restore-20261124T093512004Z.sqlite,
//   postgres-20261124T020000000Z.dump
// Beside each, its manifest (`….sqlite.manifest.json`, ./manifest.ts); beside a raw copy of a
// database that could not be read, its `-wal`. A backup still being written is `.<name>.partial`.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { backupStatus, MANIFEST_SUFFIX, type BackupStatus } from './manifest';

export interface BackupEntry {
  /** The file name inside the backup folder. */
  file: string;
  path: string;
  /** What was backed up: `branch`, `store`, `replica`, `postgres`, `before-restore`… */
  label: string;
  /** When the backup began (ms since the epoch, UTC). */
  takenAt: number;
  bytes: number;
  /** Whether its manifest is there and agrees with it (size only; restores check the sha256). */
  status: BackupStatus;
}

const LABEL = /^[a-z][a-z0-9-]*[a-z0-9]$/;
// label-YYYYMMDDTHHMMSSmmmZ.ext, and the files that go with it.
const NAME = /^([a-z][a-z0-9-]*[a-z0-9])-(\d{8}T\d{9}Z)\.(sqlite|dump)(-wal|\.manifest\.json)?$/;

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

export function parseBackupName(file: string): {
  label: string;
  takenAt: number;
  sidecar: boolean;
  /** The backup file this one goes with (itself, unless it is a sidecar). */
  backup: string;
} | null {
  const [, label, stamp, ext, side] = NAME.exec(file) ?? [];
  const takenAt = stamp ? timeOfStamp(stamp) : null;
  return label && takenAt !== null
    ? { label, takenAt, sidecar: side !== undefined, backup: `${label}-${stamp}.${ext}` }
    : null;
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
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
    const bytes = statSync(path).size;
    found.push({
      file,
      path,
      label: parsed.label,
      takenAt: parsed.takenAt,
      bytes,
      status: backupStatus(path, bytes),
    });
  }
  return found.sort((a, b) => b.takenAt - a.takenAt || a.file.localeCompare(b.file));
}

/**
 * When the newest complete scheduled-or-manual backup (not a safety copy before a restore)
 * began. Only a backup whose manifest agrees with it counts: a PC whose newest file is damaged or
 * has no manifest is due for a backup.
 */
export function lastBackupAt(dir: string, labels?: readonly string[]): number | null {
  const newest = listBackups(dir).find(
    (b) =>
      b.status === 'complete' &&
      b.label !== 'before-restore' &&
      (labels === undefined || labels.includes(b.label)),
  );
  return newest?.takenAt ?? null;
}

/** Backup files (and their sidecars) in the folder, with the time each was taken. */
export function backupFilesWithTimes(
  dir: string,
): { file: string; takenAt: number; label: string; backup: string }[] {
  return namesIn(dir).flatMap((file) => {
    const parsed = parseBackupName(file);
    return parsed ? [{ file, ...parsed }] : [];
  });
}

/**
 * Removes what interrupted backups left: `.partial` files of backups and manifests (a backup
 * killed mid-copy leaves one as large as the database), and manifests whose backup never got
 * its name. Hosts run one backup at a time per folder, so at the start of a run, or after one,
 * nothing else is writing these. Returns the names removed.
 */
export function removeLeftovers(dir: string): string[] {
  const names = namesIn(dir);
  const present = new Set(names);
  const removed = names.filter((file) => {
    const partial = /^\.(.+)\.partial$/.exec(file)?.[1];
    if (partial !== undefined) return parseBackupName(partial) !== null;
    const parsed = file.endsWith(MANIFEST_SUFFIX) ? parseBackupName(file) : null;
    return parsed !== null && !present.has(parsed.backup);
  });
  for (const file of removed) rmSync(join(dir, file), { force: true });
  return removed.sort();
}
