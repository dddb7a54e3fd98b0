// Restoring head office from a night's backups, with the server stopped: the event store (its
// SQLite file, or PostgreSQL from a pg_dump), after a copy of what is there now, then a new epoch
// of the log so PCs send back what came after (docs/decisions/0007). Head office's replica is
// kept when sound, else restored from the same night. Every file is checked against its manifest
// (core/backup/manifest.ts), and a SQLite file's schema against the one this server makes
// (./accept-store.ts, core/backup/accept.ts), before anything is touched; a PostgreSQL restore
// refuses while any server process uses the database (./pg-running.ts), as the SQLite store's
// file lock does.
//   npm run server:restore -- [--data ./server-data] [--database postgres://…]
//     [--without-manifest] <backup file>
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { acceptBranchBackup } from '../../core/backup/accept';
import { integrityCheck } from '../../core/backup/backup';
import { verifyBackupFile } from '../../core/backup/manifest';
import { listBackups, parseBackupName, type BackupEntry } from '../../core/backup/names';
import { checkRestorable, restoreDatabase } from '../../core/backup/restore';
import { DomainError } from '../../core/errors';
import type { Log } from '../../core/ops/log';
import { SqliteEventStore } from '../store/sqlite';
import type { ConsoleSession, DeviceRecord, EventStore } from '../store/types';
import { acceptStoreBackup } from './accept-store';
import { serverAppVersion } from './origin';
import { claimForRestore } from './pg-running';
import { findPgBin, pgDump, runTool } from './server-backups';

export interface ServerRestoreOptions {
  dataDir: string;
  /** The backup: a name in `<data>/backups`, or a path. */
  file: string;
  databaseUrl?: string | null;
  log: Log;
  now?: () => number;
  pgBin?: string | null;
  /** The admin confirmed restoring backups made before backups carried a manifest. */
  withoutManifest?: boolean;
  /** How long to wait for server processes that are stopping before refusing (PostgreSQL). */
  waitForServersMs?: number;
}

export const storeFile = (dataDir: string) => join(dataDir, 'store', 'sync-log.sqlite');
export const replicaFile = (dataDir: string) => join(dataDir, 'replica', 'branch.sqlite');

/** The replica backed up right after a store backup (the nightly run takes the store first). */
export function matchingReplica(dir: string, store: { takenAt: number }): BackupEntry | null {
  return (
    listBackups(dir, 'replica')
      .filter((b) => b.takenAt >= store.takenAt && b.takenAt - store.takenAt < 3_600_000)
      .at(-1) ?? null
  );
}

/** The files table's entries in a dump's table of contents: the table, its rows, its key. */
const FILES_ENTRY = /^\d+; \d+ \d+ (TABLE|TABLE DATA|CONSTRAINT|INDEX|ACL) public files\b/;

/**
 * Restores a dump into the database. Files are kept by content hash and never change, so a files
 * table already there is left as it is: it holds every file the dump does, and those uploaded
 * since (as the SQLite store's files folder is left as it is).
 */
async function pgRestore(bin: string | null, url: string, file: string): Promise<void> {
  const pgRestoreTool = bin ? join(bin, 'pg_restore') : 'pg_restore';
  const args = ['--clean', '--if-exists', '--no-owner', '--single-transaction', `--dbname=${url}`];
  const listDir = mkdtempSync(join(tmpdir(), 'fse-restore-list-'));
  try {
    if (await hasFilesTable(url)) {
      const list = (await runTool(pgRestoreTool, ['--list', file]))
        .split('\n')
        .filter((line) => !FILES_ENTRY.test(line))
        .join('\n');
      writeFileSync(join(listDir, 'toc.list'), list);
      args.push(`--use-list=${join(listDir, 'toc.list')}`);
    }
    await runTool(pgRestoreTool, [...args, file]);
  } finally {
    rmSync(listDir, { recursive: true, force: true });
  }
}

async function hasFilesTable(url: string): Promise<boolean> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string | null }>(
      "SELECT to_regclass('public.files')::text AS t",
    );
    return rows[0]?.t != null;
  } finally {
    await client.end();
  }
}

/**
 * What the log to be replaced knows now: its devices, console sign-ins and which branches see each
 * aggregate (null if it cannot be read).
 */
async function readCurrent(
  openLog: () => Promise<EventStore>,
  options: ServerRestoreOptions,
  sqlite: boolean,
): Promise<{
  devices: DeviceRecord[];
  sessions: ConsoleSession[];
  aggregates: [string, string[]][];
} | null> {
  if (sqlite && !existsSync(storeFile(options.dataDir))) return null;
  try {
    const store = await openLog();
    try {
      return {
        devices: await store.devices(),
        sessions: await store.sessions(),
        aggregates: await store.aggregateRegistrations(),
      };
    } finally {
      await store.close();
    }
  } catch (error) {
    options.log({
      level: 'warn',
      msg: 'the log to be replaced cannot be read: PCs enrolled after the backup must enroll again, everyone signs in to the console again, and a step of an order placed after the backup that comes back before the order reaches head office only',
      error: String(error),
    });
    return null;
  }
}

/** A dump's own check, as integrity_check is a SQLite file's: pg_restore can read its contents. */
async function checkDump(bin: string | null, file: string): Promise<void> {
  const listing = await runTool(bin ? join(bin, 'pg_restore') : 'pg_restore', [
    '--list',
    file,
  ]).catch((error: unknown) => {
    throw new DomainError(
      'FILE_REJECTED',
      `${basename(file)} is not a readable dump (${error instanceof Error ? error.message : String(error)}). Choose an older backup. Nothing was changed.`,
      { reason: 'integrity' },
    );
  });
  if (!/TABLE DATA .*events/.test(listing))
    throw new DomainError(
      'FILE_REJECTED',
      `${basename(file)} does not hold head office's events table: it is not a dump of this server's database. Nothing was changed.`,
      { reason: 'integrity' },
    );
}

export async function restoreServer(options: ServerRestoreOptions): Promise<string[]> {
  const backups = join(options.dataDir, 'backups');
  const path =
    isAbsolute(options.file) || existsSync(options.file)
      ? options.file
      : join(backups, options.file);
  const parsed = parseBackupName(basename(path));
  if (!parsed || parsed.sidecar || !existsSync(path))
    throw new Error(`${options.file}: not a backup file (look in ${backups}).`);
  const pgUrl = parsed.label === 'postgres' ? options.databaseUrl : null;
  if (parsed.label === 'postgres' && !pgUrl)
    throw new Error('A PostgreSQL dump is restored into a database: give --database postgres://…');
  if (!['store', 'postgres', 'replica'].includes(parsed.label))
    throw new Error(
      `${basename(path)} is a ${parsed.label} backup; restore a store, postgres or replica backup.`,
    );
  const verify = { withoutManifest: options.withoutManifest === true };
  const bin = options.pgBin === undefined ? findPgBin() : options.pgBin;
  // Every file the restore would put in place is checked before anything is read or copied.
  if (parsed.label === 'postgres') {
    await verifyBackupFile(path, verify);
    await checkDump(bin, path);
  } else if (parsed.label === 'store')
    await checkRestorable(path, { ...verify, accept: acceptStoreBackup });
  else if (parsed.label === 'replica')
    await checkRestorable(path, { ...verify, accept: acceptBranchBackup() });
  const replica = replicaPlan(options.dataDir, path, parsed);
  if (replica.kind === 'restore' && replica.path !== path)
    await checkRestorable(replica.path, { ...verify, accept: acceptBranchBackup() }).catch(
      (error: unknown) => {
        // The admin named the store's backup: say that this one is the replica's, of that night.
        if (!(error instanceof DomainError)) throw error;
        throw new DomainError(
          error.code,
          `Head office's replica is damaged or missing, so it would be restored from ${basename(replica.path)}, taken the same night: ${error.message}`,
          error.details,
        );
      },
    );

  const claim = pgUrl ? await claimForRestore(pgUrl, options.waitForServersMs) : null;
  try {
    return await restoreChecked(options, { path, parsed, pgUrl, bin, replica });
  } finally {
    await claim?.release();
  }
}

/**
 * Head office's replica is a sync client of the log like any PC: a sound one is kept, and at
 * the new epoch it sends again what head office itself did after the backup. Only a missing or
 * damaged one is restored from the same night (what head office did after it is then lost).
 */
type ReplicaPlan = { kind: 'keep' } | { kind: 'restore'; path: string } | { kind: 'none' };

function replicaPlan(
  dataDir: string,
  path: string,
  parsed: { label: string; takenAt: number },
): ReplicaPlan {
  const current = replicaFile(dataDir);
  if (parsed.label === 'replica') return { kind: 'restore', path };
  if (existsSync(current) && integrityCheck(current).join() === 'ok') return { kind: 'keep' };
  const night = matchingReplica(join(dataDir, 'backups'), { takenAt: parsed.takenAt });
  return night ? { kind: 'restore', path: night.path } : { kind: 'none' };
}

async function restoreChecked(
  options: ServerRestoreOptions,
  plan: {
    path: string;
    parsed: { label: string; takenAt: number };
    pgUrl: string | null | undefined;
    bin: string | null;
    replica: ReplicaPlan;
  },
): Promise<string[]> {
  const { path, parsed, pgUrl, bin, replica } = plan;
  const backups = join(options.dataDir, 'backups');
  const restored: string[] = [];
  const now = options.now;
  const withoutManifest = options.withoutManifest === true;
  // The copies taken first say which app took them (the replica is not open here to name it).
  const origin = { appVersion: serverAppVersion(), kind: 'server' as const };
  const restoresLog = parsed.label === 'store' || parsed.label === 'postgres';
  const openLog = async (): Promise<EventStore> =>
    pgUrl
      ? (await import('../store/postgres')).PostgresEventStore.connect(pgUrl)
      : new SqliteEventStore(dirname(storeFile(options.dataDir)));
  // What the log knows now, kept through the restore: PCs enrolled (or revoked) after the backup
  // stay so, a console sign-in ended after it stays ended, and an order's steps still reach its
  // branches.
  const before = restoresLog ? await readCurrent(openLog, options, parsed.label === 'store') : null;

  if (parsed.label === 'store') {
    mkdirSync(dirname(storeFile(options.dataDir)), { recursive: true });
    await restoreDatabase(storeFile(options.dataDir), path, {
      backupDir: backups,
      accept: acceptStoreBackup,
      withoutManifest,
      origin,
      ...(now && { now }),
    });
    restored.push(path);
  } else if (pgUrl) {
    const safety = await pgDump(pgUrl, backups, {
      bin,
      origin,
      label: 'before-restore',
      ...(now && { now }),
    });
    options.log({
      level: 'info',
      msg: 'copied the database before the restore',
      file: safety.file,
    });
    await pgRestore(bin, pgUrl, path);
    restored.push(path);
  }

  if (restoresLog) {
    // Sequence numbers after the backup's head were given to events that are not in it: a new
    // epoch makes every PC pull again from there and push its own events again.
    const store = await openLog();
    try {
      const epoch = await store.beginEpoch();
      options.log({
        level: 'info',
        msg: 'a new epoch of the log begins: PCs pull again from its head and push their own events again',
        epoch: epoch.id,
        since: epoch.since,
      });
      if (before) {
        const added = await store.keepDevices(before.devices);
        options.log({
          level: 'info',
          msg: 'kept the devices the log knew before the restore (enrolled or revoked since the backup)',
          added,
        });
        // Which branches see an order follows from the event that placed it. After a restore,
        // a later step can come back before that event does (head office's replica, say, sends
        // a payment check before the shop's PC sends the order again): it must still reach the
        // shop and the factory, so the old log's registrations are kept.
        const kept = await store.keepAggregates(before.aggregates);
        options.log({
          level: 'info',
          msg: 'kept which branches see each order and batch the log knew before the restore',
          added: kept,
        });
      }
      await store.replaceSessions(before?.sessions ?? []);
    } finally {
      await store.close();
    }
  }

  const current = replicaFile(options.dataDir);
  if (replica.kind === 'keep')
    options.log({
      level: 'info',
      msg: "head office's replica is sound and kept: it sends again what head office did after the backup",
    });
  else if (replica.kind === 'restore') {
    mkdirSync(dirname(current), { recursive: true });
    await restoreDatabase(current, replica.path, {
      backupDir: backups,
      accept: acceptBranchBackup(),
      withoutManifest,
      origin,
      ...(now && { now }),
    });
    restored.push(replica.path);
  } else {
    options.log({
      level: 'warn',
      msg: 'no replica backup from the same night: the replica is left as it was and catches up from the store',
    });
  }
  options.log({ level: 'info', msg: 'restored', files: restored });
  return restored;
}
