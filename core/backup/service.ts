// What a host offers for its backups: the desktop app for its branch database, head office
// for its store and replica. Defined here so the contract names it once.

export interface BackupInfo {
  file: string;
  /** `branch`, `store`, `replica`, `postgres`, or `before-restore` (the copy a restore makes first). */
  label: string;
  takenAt: number;
  bytes: number;
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
  /** Restores a backup from the backup folder (by file name), after backing up what is there. */
  restore(file: string): Promise<{ restoredFrom: string; safetyCopy: string | null }>;
}
