// Head office's backups, nightly (2 AM by default): the event store (its SQLite file, or a
// pg_dump of PostgreSQL) and the replica, into `<data>/backups/`, kept 30 days. Every backup is
// logged; the admin sees the newest one's age beside the branches' in the sync view.
import type Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import cron from 'node-cron';
import { backupDatabase, fsyncPath } from '../../core/backup/backup';
import { backupFileName, listBackups } from '../../core/backup/names';
import { DAY_MS, DEFAULT_KEEP_DAYS, pruneBackups } from '../../core/backup/retention';
import { BackupScheduler } from '../../core/backup/scheduler';
import type { BackupInfo, BackupOverview, BackupService } from '../../core/backup/service';
import { DomainError } from '../../core/errors';
import { freeDiskBytes } from '../../core/ops/disk';
import type { Log } from '../../core/ops/log';
import type { DeviceHealth } from '../../core/sync/protocol';

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
}

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
  options: { now?: () => number; bin?: string | null; label?: string } = {},
): Promise<BackupInfo> {
  const now = options.now ?? Date.now;
  const label = options.label ?? 'postgres';
  const tool = (name: string) => (options.bin ? join(options.bin, name) : name);
  const takenAt = now();
  const file = backupFileName(label, takenAt, 'dump');
  const partial = join(dir, `.${file}.partial`);
  await mkdir(dir, { recursive: true });
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
    await rename(partial, join(dir, file));
  } finally {
    await rm(partial, { force: true });
  }
  return { file, label, takenAt, bytes: (await stat(join(dir, file))).size };
}

export class ServerBackups implements BackupService {
  readonly dir: string;
  readonly scheduler: BackupScheduler;
  private readonly now: () => number;
  private readonly keepDays: number;

  constructor(private readonly options: ServerBackupOptions) {
    this.dir = join(options.dataDir, 'backups');
    this.now = options.now ?? Date.now;
    this.keepDays = options.keepDays ?? DEFAULT_KEEP_DAYS;
    this.scheduler = new BackupScheduler({
      cron,
      ...(options.schedule !== undefined && { expression: options.schedule }),
      run: () => this.take(),
      lastBackupAt: () => this.lastCompleteAt(),
      log: options.log,
      now: this.now,
    });
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
  }

  /** Both halves, store and replica: a restore needs the two of the same night. */
  private lastCompleteAt(): number | null {
    const newest = (labels: string[]) =>
      listBackups(this.dir).find((b) => labels.includes(b.label))?.takenAt ?? null;
    const store = newest(['store', 'postgres']);
    const replica = newest(['replica']);
    return store === null || replica === null ? null : Math.min(store, replica);
  }

  private async take(): Promise<BackupInfo[]> {
    const started = this.now();
    const taken: BackupInfo[] = [];
    try {
      const store = this.options.store;
      taken.push(
        store.kind === 'sqlite'
          ? await backupDatabase(store.file, this.dir, { label: 'store', now: this.now })
          : await pgDump(store.url, this.dir, {
              now: this.now,
              bin: this.options.pgBin === undefined ? findPgBin() : this.options.pgBin,
            }),
      );
      taken.push(
        await backupDatabase(this.options.replica, this.dir, { label: 'replica', now: this.now }),
      );
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
    const info = taken.map(({ file, label, takenAt, bytes }) => ({ file, label, takenAt, bytes }));
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
      lastBackupAt: this.lastCompleteAt(),
      backups: listBackups(this.dir).map(({ file, label, takenAt, bytes }) => ({
        file,
        label,
        takenAt,
        bytes,
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
      lastBackupAt: this.lastCompleteAt(),
      freeDiskBytes: await freeDiskBytes(this.options.dataDir),
    };
  }
}
