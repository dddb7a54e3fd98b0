// Retention: backups older than the limit are deleted with their manifests, and so is what an
// interrupted backup left behind. Only complete backups (whose manifest agrees with them) count
// as kept: the newest complete backup of each kind is never deleted, however old, so a PC whose
// backups have been failing (or leave damaged files) keeps its last good one. Hosts run it after
// a backup succeeded.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupFilesWithTimes, listBackups, removeLeftovers } from './names';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_KEEP_DAYS = 30;

export interface PruneOptions {
  /** How long a backup is kept (ms). 30 days by default. */
  keepMs?: number;
  now?: number;
}

/** Deletes the backups taken more than `keepMs` before `now` and leftovers; returns the names deleted. */
export function pruneBackups(dir: string, options: PruneOptions = {}): string[] {
  const keepMs = options.keepMs ?? DEFAULT_KEEP_DAYS * DAY_MS;
  const now = options.now ?? Date.now();
  const deleted = removeLeftovers(dir);
  const lastGood = new Set<string>();
  const seen = new Set<string>();
  for (const b of listBackups(dir)) {
    if (b.status !== 'complete' || seen.has(b.label)) continue;
    seen.add(b.label);
    lastGood.add(b.file);
  }
  for (const { file, takenAt, backup } of backupFilesWithTimes(dir)) {
    if (now - takenAt <= keepMs || lastGood.has(backup)) continue;
    rmSync(join(dir, file), { force: true });
    deleted.push(file);
  }
  return deleted.sort();
}
