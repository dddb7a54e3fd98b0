// Restoring a backup over a database. The database must be closed (the host closes its core
// first). The backup must match its manifest (./manifest.ts), or, for one made before manifests
// existed, the person must have confirmed it; either way it must pass the integrity check. What
// is there is backed up before anything is replaced, so a restore of the wrong file can itself be
// undone. A backup from an older schema is put back as it is: the app migrates it when it opens
// it, as it does any database (copying it first).
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DomainError } from '../errors';
import {
  backupDatabase,
  checkBackupDatabase,
  fsyncPath,
  isIntact,
  type BackupResult,
} from './backup';
import { checkCopy, verifyBackupFile, type BackupOrigin, type VerifyOptions } from './manifest';
import { backupFileName } from './names';

export interface RestoreOptions extends VerifyOptions {
  /** Where the copy of the current database goes. */
  backupDir: string;
  now?: () => number;
  /** Refuses a backup this app cannot open (say, one written by a newer version): throw to refuse. */
  accept?: (file: string) => void;
  /** Who takes the copy of the current database, for its manifest. */
  origin?: BackupOrigin;
}

export interface RestoreResult {
  restoredFrom: string;
  /** The copy of what was there before, or null when there was no database yet. */
  safetyCopy: { path: string; verified: boolean } | null;
}

/**
 * The current database, copied before it is replaced. Usually a checked online backup; but a
 * restore is often wanted because the database is damaged, and then its raw files are kept
 * (without a manifest: restoring them later asks for the same confirmation as an old backup).
 */
async function copyCurrent(
  target: string,
  options: RestoreOptions,
  now: () => number,
): Promise<RestoreResult['safetyCopy']> {
  if (!existsSync(target)) return null;
  let backup: BackupResult | null = null;
  try {
    backup = await backupDatabase(target, options.backupDir, {
      label: 'before-restore',
      now,
      ...(options.origin && { origin: options.origin }),
    });
  } catch {
    backup = null;
  }
  if (backup) return { path: backup.path, verified: true };
  const raw = join(options.backupDir, backupFileName('before-restore', now()));
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
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
  } finally {
    db.close();
  }
}

/**
 * Everything that can refuse a backup before anything is touched: its manifest (size and
 * sha256), integrity_check and length, and the host's own `accept`. Returns the sha256 read.
 */
export async function checkRestorable(
  backupFile: string,
  options: VerifyOptions & { accept?: (file: string) => void } = {},
): Promise<string> {
  const { sha256 } = await verifyBackupFile(backupFile, options);
  const problems = checkBackupDatabase(backupFile);
  if (!isIntact(problems))
    throw new DomainError(
      'FILE_REJECTED',
      `${basename(backupFile)} is not a whole database (${problems.slice(0, 3).join('; ')}). Choose an older backup. Nothing was changed.`,
      { reason: 'integrity' },
    );
  options.accept?.(backupFile);
  return sha256;
}

export async function restoreDatabase(
  target: string,
  backupFile: string,
  options: RestoreOptions,
): Promise<RestoreResult> {
  const now = options.now ?? Date.now;
  const sha256 = await checkRestorable(backupFile, options);
  if (databaseInUse(target))
    throw new DomainError(
      'INVALID_STATE',
      `${basename(target)} is open in a running app or server; close it first. Nothing was changed.`,
    );

  // Copied beside the target first, so the final step is one rename on the same disk; and
  // checked, so what is put in place is the very bytes the manifest vouches for.
  const incoming = join(dirname(target), `.${basename(target)}.restoring`);
  try {
    copyFileSync(backupFile, incoming);
    fsyncPath(incoming);
    await checkCopy(incoming, sha256);
  } catch (error) {
    rmSync(incoming, { force: true });
    throw error;
  }
  const safetyCopy = await copyCurrent(target, options, now);
  // A -wal left beside the restored file would be replayed into it: the old database's pages.
  rmSync(`${target}-wal`, { force: true });
  rmSync(`${target}-shm`, { force: true });
  rmSync(`${target}-journal`, { force: true });
  renameSync(incoming, target);
  fsyncPath(dirname(target));
  return { restoredFrom: backupFile, safetyCopy };
}
