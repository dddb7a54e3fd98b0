// Who takes head office's backups, for their manifests: the server's app version (from the
// package it runs from, as /health reports it) and its replica's device, which names this
// head office.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { BackupOrigin } from '../../core/backup/manifest';
import { appVersion } from '../resources';

export const serverAppVersion = appVersion;

/** The replica's device (null before head office is set up), read through its open connection. */
export function serverOrigin(replica: Database.Database, appVersion: string): BackupOrigin {
  const row = z
    .object({ value: z.string() })
    .optional()
    .safeParse(replica.prepare(`SELECT value FROM meta WHERE key = 'device'`).get());
  let device: { id: string; branchId: string } | null = null;
  if (row.success && row.data) {
    try {
      const parsed = z
        .object({ id: z.string(), branchId: z.string() })
        .safeParse(JSON.parse(row.data.value));
      device = parsed.success ? parsed.data : null;
    } catch {
      device = null;
    }
  }
  return {
    appVersion,
    kind: 'server',
    deviceId: device?.id ?? null,
    branchId: device?.branchId ?? null,
  };
}
