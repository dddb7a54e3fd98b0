// Head office's backups, nightly (2 AM by default): the event store (its SQLite file, or a
// pg_dump of PostgreSQL) and the replica, into `<data>/backups/`, each with its manifest
// (core/backup/manifest.ts), kept 30 days. Every backup is logged; the admin sees the newest
// complete one's age beside the branches' in the sync view. With PostgreSQL, a running server
// also holds the lock that makes a restore refuse while it runs (./pg-running.ts). Several
// processes on one store back it up once per scheduled time, whichever takes the lease
// (../leases/once.ts), into that process's data folder; each shows the newest any of them took.
import type Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import cron from 'node-cron';
import { backupDatabase, fsyncPath } from '../../core/backup/backup';
import { writeManifest, type BackupOrigin } from '../../core/backup/manifest';
import { backupFileName, listBackups, removeLeftovers } from '../../core/backup/names';
import { DAY_MS, DEFAULT_KEEP_DAYS, pruneBackups } from '../../core/backup/retention';
import { BackupScheduler } from '../../core/backup/scheduler';
import type { BackupInfo, BackupOverview, BackupService } from '../../core/backup/service';
import { DomainError } from '../../core/errors';
import { freeDiskBytes } from '../../core/ops/disk';
import type { Log } from '../../core/ops/log';
import type { DeviceHealth } from '../../core/sync/protocol';
import { OnceAcross } from '../leases/once';
import type { LeaseStore } from '../store/leases';
import { serverAppVersion, serverOrigin } from './origin';
import { holdServerRunning, type RunningMark } from './pg-running';

export type StoreSource = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface ServerBackupOptions {
  dataDir: string;
  store: StoreSource;
  /** The replica's open connection: its own writes go into the copy as it runs. */
  replica: Database.Database;
  log: Log;
  /** Cron expression (local time); 2 AM daily by default. */
  schedule?: string;
  keepDays?: number;
  now?: () => number;
  /** pg_dump and pg_restore; found on PATH or in /usr/lib/postgresql/<newest>/bin otherwise. */
  pgBin?: string | null;
  /** Written into each backup's manifest; the package's version by default. */
  appVersion?: string;
  /**
   * The store's leases: scheduled and catch-up backups then run once across the server
   * processes sharing the store. `ttlMs`: how soon another takes over from one that died.
   */
  once?: { leases: LeaseStore; holder: string; ttlMs?: number };
}

/** The lease the scheduled backups take (shown in /health with who took the last one). */
export const BACKUP_LEASE = 'backup';

/** The folder holding pg_dump: the newest installed PostgreSQL's, else whatever PATH finds. */
export function findPgBin(env = process.env): string | null {
  if (env['FSE_PG_BIN']) return env['FSE_PG_BIN'];
  try {
    const newest = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .find((dir) => existsSync(join(dir, 'pg_dump')));
    return newest ?? null;
  } catch {
    return null;
  }
}

/** Runs a PostgreSQL tool to its end: its output, or an error with what it wrote to stderr. */
export function runTool(bin: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done(out) : fail(new Error(`${bin} exited with ${code}: ${err.trim()}`)),
    );
  });
}

export async function pgDump(
  url: string,
  dir: string,
  options: { now?: () => number; bin?: string | null; label?: string; origin?: BackupOrigin } = {},
): Promise<BackupInfo> {
  const now = options.now ?? Date.now;
  const label = options.label ?? 'postgres';
  const tool = (name: string) => (options.bin ? join(options.bin, name) : name);
  const takenAt = now();
  const file = backupFileName(label, takenAt, 'dump');
  const partial = join(dir, `.${file}.partial`);
  await mkdir(dir, { recursive: true });
  removeLeftovers(dir); // a dump killed mid-way leaves its .partial
  try {
    // Custom format: compressed, and pg_restore can list it, which is the check.
    await runTool(tool('pg_dump'), [
      '--format=custom',
      '--no-owner',
      `--file=${partial}`,
      `--dbname=${url}`,
    ]);
    const listing = await runTool(tool('pg_restore'), ['--list', partial]);
    if (!/TABLE DATA .*events/.test(listing))
      throw new Error('the dump does not hold the events table');
    fsyncPath(partial);
    const fields = { label, format: 'pg_dump' as const, takenAt, migrations: [] };
    await writeManifest(
      partial,
      file,
      { ...fields, ...(options.origin && { origin: options.origin }) },
      now,
    );
    await rename(partial, join(dir, file));
    fsyncPath(dir);
  } finally {
    await rm(partial, { force: true });
  }
  return { file, label, takenAt, bytes: (await stat(join(dir, file))).size, status: 'complete' };
}

export class ServerBackups implements BackupService {
  readonly dir: string;
  readonly scheduler: BackupScheduler;
  private readonly now: () => number;
  private readonly keepDays: number;
  private readonly appVersion: string;
  private running: RunningMark | null = null;
  private readonly once: OnceAcross | null;

  constructor(private readonly options: ServerBackupOptions) {
    this.appVersion = options.appVersion ?? serverAppVersion();
    this.dir = join(options.dataDir, 'backups');
    this.now = options.now ?? Date.now;
    this.keepDays = options.keepDays ?? DEFAULT_KEEP_DAYS;
    const once = options.once;
    this.once =
      once === undefined
        ? null
        : new OnceAcross({
            ...{ leases: once.leases, holder: once.holder, log: options.log },
            name: BACKUP_LEASE,
            ttlMs: once.ttlMs ?? 2 * 60_000,
            inTurn: (work) => this.scheduler.exclusive(work),
          });
    this.scheduler = new BackupScheduler({
      cron,
      ...(options.schedule !== undefined && { expression: options.schedule }),
      run: (slot) =>
        this.once
          ? this.once.run(
              slot.reason === 'scheduled' ? { at: slot.at } : { withinMs: DAY_MS },
              () => this.take(),
            )
          : this.take(),
      lastBackupAt: () => this.lastCompleteAt(),
      log: options.log,
      now: this.now,
    });
  }

  start(): void {
    this.scheduler.start();
    const store = this.options.store;
    if (store.kind === 'postgres' && !this.running)
      this.running = holdServerRunning(store.url, this.options.log);
  }

  stop(): void {
    this.scheduler.stop();
    this.once?.stop();
    void this.running?.release();
    this.running = null;
  }

  /** Both halves, store and replica, each complete: a restore needs the two of the same night. */
  private lastCompleteAt(): number | null {
    const newest = (labels: string[]) =>
      listBackups(this.dir).find((b) => b.status === 'complete' && labels.includes(b.label))
        ?.takenAt ?? null;
    const store = newest(['store', 'postgres']);
    const replica = newest(['replica']);
    return store === null || replica === null ? null : Math.min(store, replica);
  }

  /** The newest complete backup here, or a scheduled one another process finished later. */
  private async newestAnywhere(): Promise<number | null> {
    const here = this.lastCompleteAt();
    const leases = (await this.options.once?.leases.all().catch(() => [])) ?? [];
    const elsewhere = leases.find((l) => l.name === BACKUP_LEASE)?.doneAt ?? null;
    return elsewhere === null || (here !== null && here >= elsewhere) ? here : elsewhere;
  }

  private async take(): Promise<BackupInfo[]> {
    const started = this.now();
    const taken: BackupInfo[] = [];
    const origin = serverOrigin(this.options.replica, this.appVersion);
    const options = { now: this.now, origin };
    try {
      const store = this.options.store;
      taken.push(
        store.kind === 'sqlite'
          ? {
              ...(await backupDatabase(store.file, this.dir, { label: 'store', ...options })),
              status: 'complete',
            }
          : await pgDump(store.url, this.dir, {
              ...options,
              bin: this.options.pgBin === undefined ? findPgBin() : this.options.pgBin,
            }),
      );
      taken.push({
        ...(await backupDatabase(this.options.replica, this.dir, { label: 'replica', ...options })),
        status: 'complete',
      });
    } catch (error) {
      this.options.log({
        level: 'error',
        msg: 'backup failed',
        error,
        kept: taken.map((b) => b.file),
      });
      throw error;
    }
    const deleted = pruneBackups(this.dir, { keepMs: this.keepDays * DAY_MS, now: this.now() });
    const info = taken.map(({ file, label, takenAt, bytes, status }) => ({
      file,
      label,
      takenAt,
      bytes,
      status,
    }));
    this.options.log({
      level: 'info',
      msg: 'backup done',
      files: info,
      ms: this.now() - started,
      deletedOld: deleted,
    });
    return info;
  }

  backupNow(): Promise<BackupInfo[]> {
    return this.scheduler.exclusive(() => this.take());
  }

  async overview(): Promise<BackupOverview> {
    return {
      folder: this.dir,
      schedule: this.scheduler.expression,
      keepDays: this.keepDays,
      lastBackupAt: await this.newestAnywhere(),
      backups: listBackups(this.dir).map(({ file, label, takenAt, bytes, status }) => ({
        file,
        label,
        takenAt,
        bytes,
        status,
      })),
    };
  }

  async restore(file: string): Promise<{ restoredFrom: string; safetyCopy: string | null }> {
    throw new DomainError(
      'INVALID_STATE',
      `Head office's data is restored with the server stopped: run \`npm run server:restore -- --data <folder> ${file}\` on the server.`,
    );
  }

  async health(): Promise<DeviceHealth> {
    return {
      lastBackupAt: await this.newestAnywhere(),
      freeDiskBytes: await freeDiskBytes(this.options.dataDir),
    };
  }
}
