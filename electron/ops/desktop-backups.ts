// The desktop app's backups of its branch database: every night at 2 AM (or as configured,
// and soon after start when the last complete one is more than a day old), online, checked,
// written with a manifest, kept 30 days; and a restore, which checks the backup against its
// manifest, closes the core, backs up what is there, and opens the backup (migrating it when it
// comes from an older app, as any database is on open).
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cron from 'node-cron';
import { acceptBranchBackup } from '../../core/backup/accept';
import { backupDatabase } from '../../core/backup/backup';
import { lastBackupAt, listBackups, parseBackupName } from '../../core/backup/names';
import { checkRestorable, restoreDatabase } from '../../core/backup/restore';
import { DAY_MS, DEFAULT_KEEP_DAYS, pruneBackups } from '../../core/backup/retention';
import { BackupScheduler } from '../../core/backup/scheduler';
import type { BackupInfo, BackupOverview, BackupService } from '../../core/backup/service';
import { DomainError } from '../../core/errors';
import { freeDiskBytes } from '../../core/ops/disk';
import type { Log } from '../../core/ops/log';
import type { DeviceHealth } from '../../core/sync/protocol';

export interface DesktopBackupsOptions {
  dataDir: string;
  /** The core's open connection: the copy is taken through it, so work goes on meanwhile. */
  database: () => Database.Database;
  /** Closes the core, runs `work` on its database file, and opens it again whatever happens. */
  swap: <T>(work: (file: string) => Promise<T>) => Promise<T>;
  log: Log;
  /** Cron expression in local time; 2 AM daily by default. */
  schedule?: string;
  keepDays?: number;
  now?: () => number;
  migrationsFolder?: string;
  /** Written into each backup's manifest. */
  appVersion?: string;
}

const info = ({ file, label, takenAt, bytes, status }: BackupInfo): BackupInfo => ({
  file,
  label,
  takenAt,
  bytes,
  status,
});

export class DesktopBackups implements BackupService {
  readonly dir: string;
  readonly scheduler: BackupScheduler;
  private readonly keepDays: number;
  private readonly now: () => number;

  constructor(private readonly options: DesktopBackupsOptions) {
    this.dir = join(options.dataDir, 'backups');
    this.keepDays = options.keepDays ?? DEFAULT_KEEP_DAYS;
    this.now = options.now ?? Date.now;
    this.scheduler = new BackupScheduler({
      cron,
      ...(options.schedule !== undefined && { expression: options.schedule }),
      run: () => this.take(),
      lastBackupAt: () => lastBackupAt(this.dir, ['branch']),
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

  private async take(): Promise<BackupInfo> {
    const backup = await backupDatabase(this.options.database(), this.dir, {
      label: 'branch',
      now: this.now,
      origin: this.origin(),
    });
    const deleted = pruneBackups(this.dir, { keepMs: this.keepDays * DAY_MS, now: this.now() });
    this.options.log({
      level: 'info',
      msg: 'backup done',
      file: backup.file,
      bytes: backup.bytes,
      ms: backup.finishedAt - backup.takenAt,
      restarts: backup.restarts,
      deletedOld: deleted,
    });
    return info({ ...backup, status: 'complete' });
  }

  private origin() {
    return { appVersion: this.options.appVersion ?? 'unknown', kind: 'pc' as const };
  }

  async backupNow(): Promise<BackupInfo[]> {
    return [await this.scheduler.exclusive(() => this.take())];
  }

  async overview(): Promise<BackupOverview> {
    return {
      folder: this.dir,
      schedule: this.scheduler.expression,
      keepDays: this.keepDays,
      lastBackupAt: lastBackupAt(this.dir, ['branch']),
      backups: listBackups(this.dir).map(info),
    };
  }

  restore(
    file: string,
    options: { withoutManifest?: boolean } = {},
  ): Promise<{ restoredFrom: string; safetyCopy: string | null }> {
    const path = join(this.dir, file);
    if (!parseBackupName(file) || !existsSync(path))
      return Promise.reject(
        new DomainError('NOT_FOUND', `There is no backup ${file} in ${this.dir}.`, {
          field: 'file',
        }),
      );
    const accept = acceptBranchBackup(this.options.migrationsFolder);
    return this.scheduler.exclusive(async () => {
      // Checked before the core is closed: a damaged backup, or one this app cannot open,
      // changes nothing.
      const checks = { accept, withoutManifest: options.withoutManifest === true };
      await checkRestorable(path, checks);
      const result = await this.options.swap((target) =>
        restoreDatabase(target, path, {
          backupDir: this.dir,
          now: this.now,
          origin: this.origin(),
          ...checks,
        }),
      );
      this.options.log({
        level: 'warn',
        msg: 'database restored',
        from: file,
        safetyCopy: result.safetyCopy?.path ?? null,
        safetyCopyVerified: result.safetyCopy?.verified ?? null,
        withoutManifest: checks.withoutManifest,
      });
      return { restoredFrom: file, safetyCopy: result.safetyCopy?.path ?? null };
    });
  }

  async health(): Promise<DeviceHealth> {
    return {
      lastBackupAt: lastBackupAt(this.dir, ['branch']),
      freeDiskBytes: await freeDiskBytes(this.options.dataDir),
    };
  }
}
