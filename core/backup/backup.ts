// An online backup of a SQLite database: SQLite's backup API copies the pages a few at a time
// between turns of the event loop, so the app keeps working while it runs. The copy is checked
// with PRAGMA integrity_check and only then given its final name: a file in the backup folder
// with a backup's name is always a whole, checked database.
import Database from 'better-sqlite3';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../errors';
import { backupFileName } from './names';

export interface BackupResult {
  file: string;
  path: string;
  label: string;
  /** When the backup began; its age is counted from here. */
  takenAt: number;
  finishedAt: number;
  bytes: number;
  /** Times the copy started over because another connection wrote to the database. */
  restarts: number;
}

export interface BackupOptions {
  label?: string;
  now?: () => number;
  /** Pages copied per turn of the event loop (a page is 4 KiB). */
  pagesPerStep?: number;
}

/** Flushes a file, or a folder's entry list, to disk. Folders cannot be opened on Windows. */
export function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `ok`, or the problems SQLite found. Never throws for a damaged file: says what is wrong. */
export function integrityCheck(file: string): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  } finally {
    db?.close();
  }
}

export const isIntact = (problems: string[]) => problems.length === 1 && problems[0] === 'ok';

/**
 * Makes the copy one self-contained file (rollback journal, not WAL: no -wal or -shm beside it)
 * and checks it. Throws, naming the problem, if SQLite finds the copy damaged.
 */
function sealCopy(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  const problems = integrityCheck(file);
  if (!isIntact(problems))
    throw new DomainError(
      'FILE_REJECTED',
      `The backup copy failed its integrity check: ${problems.slice(0, 3).join('; ')}`,
    );
  fsyncPath(file);
}

/**
 * Copies the database (an open connection, or the path of one) into `dir` as
 * `<label>-<time>.sqlite`. With the app's own connection, its writes during the copy go into
 * the copy; a write through another connection makes SQLite start over, so each start over
 * copies more pages per step, and the third copies everything in one step (a WAL reader does
 * not block writers, so even that one step does not stop work).
 */
export async function backupDatabase(
  source: Database.Database | string,
  dir: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const now = options.now ?? Date.now;
  const label = options.label ?? 'backup';
  mkdirSync(dir, { recursive: true });
  const takenAt = now();
  const file = backupFileName(label, takenAt);
  const path = join(dir, file);
  const partial = join(dir, `.${file}.partial`);
  rmSync(partial, { force: true });

  const db =
    typeof source === 'string'
      ? new Database(source, { readonly: true, fileMustExist: true })
      : source;
  let restarts = 0;
  try {
    let step = options.pagesPerStep ?? 256;
    let lastDone = 0;
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        // Fewer pages done than last time means SQLite started over (a database that grew
        // has more pages left, but not fewer done).
        const done = totalPages - remainingPages;
        if (done < lastDone) {
          restarts += 1;
          step = restarts >= 3 ? 0x7fffffff : step * 8;
        }
        lastDone = done;
        return step;
      },
    });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    if (typeof source === 'string') db.close();
  }
  try {
    sealCopy(partial);
    renameSync(partial, path);
    fsyncPath(dir);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  return {
    file,
    path,
    label,
    takenAt,
    finishedAt: now(),
    bytes: statSync(path).size,
    restarts,
  };
}
