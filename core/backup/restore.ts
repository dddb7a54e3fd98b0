// Restoring a backup over a database. The database must be closed (the host closes its core
// first). What is there is backed up before anything is replaced, so a restore of the wrong
// file can itself be undone.
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DomainError } from '../errors';
import { backupDatabase, fsyncPath, integrityCheck, isIntact, type BackupResult } from './backup';
import { backupFileName } from './names';

export interface RestoreOptions {
  /** Where the copy of the current database goes. */
  backupDir: string;
  now?: () => number;
  /** Refuses a backup this app cannot open (say, one written by a newer version): throw to refuse. */
  accept?: (file: string) => void;
}

export interface RestoreResult {
  restoredFrom: string;
  /** The copy of what was there before, or null when there was no database yet. */
  safetyCopy: { path: string; verified: boolean } | null;
}

/**
 * The current database, copied before it is replaced. Usually a checked online backup; but a
 * restore is often wanted because the database is damaged, and then its raw files are kept.
 */
async function copyCurrent(
  target: string,
  backupDir: string,
  now: () => number,
): Promise<RestoreResult['safetyCopy']> {
  if (!existsSync(target)) return null;
  let backup: BackupResult | null = null;
  try {
    backup = await backupDatabase(target, backupDir, { label: 'before-restore', now });
  } catch {
    backup = null;
  }
  if (backup) return { path: backup.path, verified: true };
  const raw = join(backupDir, backupFileName('before-restore', now()));
  copyFileSync(target, raw);
  if (existsSync(`${target}-wal`)) copyFileSync(`${target}-wal`, `${raw}-wal`);
  fsyncPath(raw);
  return { path: raw, verified: false };
}

/**
 * Whether another connection (the app, the server, this process) has the database open. In WAL
 * mode an exclusive lock is refused while any other connection has the file open, even idle.
 */
export function databaseInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const db = new Database(file, { timeout: 0, fileMustExist: true });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (error) {
    // A damaged file (often why someone restores) fails otherwise: that is not "in use".
    const code = (error as { code?: string }).code ?? '';
    return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
  } finally {
    db.close();
  }
}

export async function restoreDatabase(
  target: string,
  backupFile: string,
  options: RestoreOptions,
): Promise<RestoreResult> {
  const now = options.now ?? Date.now;
  if (!existsSync(backupFile))
    throw new DomainError('NOT_FOUND', `There is no backup file ${backupFile}.`);
  const problems = integrityCheck(backupFile);
  if (!isIntact(problems))
    throw new DomainError(
      'FILE_REJECTED',
      `${basename(backupFile)} is not a whole database (${problems.slice(0, 3).join('; ')}); nothing was changed.`,
    );
  options.accept?.(backupFile);
  if (databaseInUse(target))
    throw new DomainError(
      'INVALID_STATE',
      `${basename(target)} is open in a running app or server; close it first. Nothing was changed.`,
    );

  const safetyCopy = await copyCurrent(target, options.backupDir, now);
  // Copied beside the target first, so the final step is one rename on the same disk.
  const incoming = join(dirname(target), `.${basename(target)}.restoring`);
  copyFileSync(backupFile, incoming);
  fsyncPath(incoming);
  // A -wal left beside the restored file would be replayed into it: the old database's pages.
  rmSync(`${target}-wal`, { force: true });
  rmSync(`${target}-shm`, { force: true });
  rmSync(`${target}-journal`, { force: true });
  renameSync(incoming, target);
  fsyncPath(dirname(target));
  return { restoredFrom: backupFile, safetyCopy };
}
