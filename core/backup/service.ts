// What a host offers for its backups: the desktop app for its branch database, head office
// for its store and replica. Defined here so the contract names it once.
import type { BackupStatus } from './manifest';

export interface BackupInfo {
  file: string;
  /** `branch`, `store`, `replica`, `postgres`, or `before-restore` (the copy a restore makes first). */
  label: string;
  takenAt: number;
  bytes: number;
  /**
   * `complete`: its manifest agrees with it. `no-manifest`: made before backups carried one (or
   * copied without it); restoring it needs a confirmation. `damaged`: it cannot be restored.
   */
  status: BackupStatus;
}

export interface BackupOverview {
  folder: string;
  /** When backups run, as a cron expression in the PC's local time (`0 2 * * *`: 2 AM daily). */
  schedule: string;
  keepDays: number;
  lastBackupAt: number | null;
  backups: BackupInfo[];
}

export interface BackupService {
  overview(): Promise<BackupOverview>;
  backupNow(): Promise<BackupInfo[]>;
  /**
   * Restores a backup from the backup folder (by file name), after backing up what is there.
   * `withoutManifest`: the person confirmed restoring a backup that has no manifest.
   */
  restore(
    file: string,
    options?: { withoutManifest?: boolean },
  ): Promise<{ restoredFrom: string; safetyCopy: string | null }>;
}
