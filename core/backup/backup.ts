// An online backup of a SQLite database: SQLite's backup API copies the pages a few at a time
// between turns of the event loop, so the app keeps working while it runs. The copy is checked
// with PRAGMA integrity_check, its manifest is written (./manifest.ts), and only then does it get
// its final name: a file in the backup folder with a backup's name is a whole, checked database
// with its manifest beside it.
import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DomainError } from '../errors';
import { fsyncPath } from './files';
import { writeManifest, type BackupManifest, type BackupOrigin } from './manifest';
import { backupFileName, removeLeftovers } from './names';

export { fsyncPath } from './files';

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
  manifest: BackupManifest;
}

export interface BackupOptions {
  label?: string;
  now?: () => number;
  /** Pages copied per turn of the event loop (a page is 4 KiB). */
  pagesPerStep?: number;
  /** Who takes it, for the manifest. */
  origin?: BackupOrigin;
}

/** `ok`, or the problems SQLite found. Never throws for a damaged file: says what is wrong. */
export function integrityCheck(file: string): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = z
      .array(z.object({ integrity_check: z.string() }))
      .parse(db.pragma('integrity_check'));
    return rows.map((r) => r.integrity_check);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  } finally {
    db?.close();
  }
}

export const isIntact = (problems: string[]) => problems.length === 1 && problems[0] === 'ok';

/**
 * Whether the file is as long as its header says. A backup cut short by less than a page can
 * pass integrity_check (SQLite reads the missing bytes of the last page as zeros); its header
 * still records how many pages were written. Only for self-contained copies (no WAL), and only
 * when the header's count is current (SQLite marks it so), as it is in every backup we write.
 */
export function lengthProblem(file: string): string | null {
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0')
    return 'it is not a SQLite database';
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const bytes = statSync(file).size;
  if (pageSize < 512 || bytes % pageSize !== 0)
    return `its length (${bytes} bytes) is not a whole number of ${pageSize}-byte pages`;
  const counted = header.readUInt32BE(28);
  const current = counted > 0 && header.readUInt32BE(92) === header.readUInt32BE(24);
  if (current && counted * pageSize !== bytes)
    return `it holds ${bytes / pageSize} pages, but its header says ${counted}`;
  return null;
}

/** integrity_check and the length check together: `['ok']`, or what is wrong. */
export function checkBackupDatabase(file: string): string[] {
  const length = lengthProblem(file);
  return length ? [length] : integrityCheck(file);
}

/** The applied migrations and the device a copy of a branch database records, for its manifest. */
function describeCopy(file: string): {
  migrations: string[];
  device: { id: string; branchId: string } | null;
} {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = (table: string) =>
      db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !==
      undefined;
    const migrations = has('schema_migrations')
      ? z
          .array(z.object({ tag: z.string() }))
          .parse(db.prepare('SELECT tag FROM schema_migrations ORDER BY tag').all())
          .map((r) => r.tag)
      : [];
    const raw = has('meta')
      ? z
          .object({ value: z.string() })
          .optional()
          .parse(db.prepare(`SELECT value FROM meta WHERE key = 'device'`).get())
      : undefined;
    const device = raw
      ? z.object({ id: z.string(), branchId: z.string() }).safeParse(JSON.parse(raw.value))
      : null;
    return { migrations, device: device?.success ? device.data : null };
  } finally {
    db.close();
  }
}

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
  const problems = checkBackupDatabase(file);
  if (!isIntact(problems))
    throw new DomainError(
      'FILE_REJECTED',
      `The backup copy failed its integrity check: ${problems.slice(0, 3).join('; ')}`,
    );
  fsyncPath(file);
}

/**
 * Copies the database (an open connection, or the path of one) into `dir` as
 * `<label>-<time>.sqlite`, with its manifest. With the app's own connection, its writes during
 * the copy go into the copy; a write through another connection makes SQLite start over, so each
 * start over copies more pages per step, and the third copies everything in one step (a WAL reader
 * does not block writers, so even that one step does not stop work). What a backup killed earlier
 * left behind (a `.partial`) is removed first.
 */
export async function backupDatabase(
  source: Database.Database | string,
  dir: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const now = options.now ?? Date.now;
  const label = options.label ?? 'backup';
  mkdirSync(dir, { recursive: true });
  removeLeftovers(dir);
  const takenAt = now();
  const file = backupFileName(label, takenAt);
  const path = join(dir, file);
  const partial = join(dir, `.${file}.partial`);

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
  let manifest: BackupManifest;
  try {
    sealCopy(partial);
    const { migrations, device } = describeCopy(partial);
    manifest = await writeManifest(
      partial,
      file,
      {
        label,
        format: 'sqlite',
        takenAt,
        migrations,
        device,
        ...(options.origin && { origin: options.origin }),
      },
      now,
    );
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
    finishedAt: manifest.finishedAt,
    bytes: manifest.bytes,
    restarts,
    manifest,
  };
}
