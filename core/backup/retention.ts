// Retention: backups older than the limit are deleted, and nothing else. Hosts run it only
// after a backup succeeded, so a PC whose backups have been failing keeps its last good one.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupFilesWithTimes } from './names';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_KEEP_DAYS = 30;

export interface PruneOptions {
  /** How long a backup is kept (ms). 30 days by default. */
  keepMs?: number;
  now?: number;
}

/** Deletes the backups taken more than `keepMs` before `now`; returns the names deleted. */
export function pruneBackups(dir: string, options: PruneOptions = {}): string[] {
  const keepMs = options.keepMs ?? DEFAULT_KEEP_DAYS * DAY_MS;
  const now = options.now ?? Date.now();
  const deleted: string[] = [];
  for (const { file, takenAt } of backupFilesWithTimes(dir)) {
    if (now - takenAt <= keepMs) continue;
    rmSync(join(dir, file), { force: true });
    deleted.push(file);
  }
  return deleted.sort();
}
