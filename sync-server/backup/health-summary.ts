// Backups in the admin's branch view: every PC with its newest backup, or "never", and a warning
// when one never backed up or its newest backup is more than a day old. A PC that never backed up
// is the worst case, not one to leave out: a branch's newest backup is the oldest of its PCs',
// and null (never) when any PC has none. Head office's own replica is backed up with the server,
// so the server's backup stands in for it.
import { DAY_MS } from '../../core/backup/retention';
import type { DeviceHealth } from '../../core/sync/protocol';
import type { DeviceInfo, HealthSummary, PcBackupHealth } from '../../core/sync/services';

/** A backup older than this is warned about: nightly backups, or one soon after start, have stopped. */
export const STALE_BACKUP_MS = DAY_MS;

type Pc = Pick<DeviceInfo, 'id' | 'name' | 'number' | 'lastBackupAt' | 'freeDiskBytes'>;

/** Head office's replica, whose backups are the server's. */
export interface StandIn {
  deviceId: string;
  lastBackupAt: number | null;
}

const hours = (ms: number) => Math.floor(ms / 3_600_000);
export const ageText = (ms: number) =>
  ms < 2 * DAY_MS ? `${hours(ms)} hours` : `${Math.floor(ms / DAY_MS)} days`;

const pcName = (pc: { name: string; number: number }) => `${pc.name} #${pc.number}`;

export function pcBackups(pcs: Pc[], now: number, standIn?: StandIn): PcBackupHealth[] {
  return pcs.map((pc) => {
    const lastBackupAt = pc.id === standIn?.deviceId ? standIn.lastBackupAt : pc.lastBackupAt;
    const backupAgeMs = lastBackupAt === null ? null : Math.max(0, now - lastBackupAt);
    return {
      deviceId: pc.id,
      name: pc.name,
      number: pc.number,
      lastBackupAt,
      backupAgeMs,
      backup: backupAgeMs === null ? 'never' : backupAgeMs > STALE_BACKUP_MS ? 'stale' : 'ok',
    };
  });
}

function warning(backups: PcBackupHealth[]): string | null {
  const never = backups.filter((b) => b.backup === 'never');
  const stale = backups.filter((b) => b.backup === 'stale');
  const parts = [
    never.length === 1
      ? `${never.map(pcName).join('')} has never backed up`
      : never.length > 1
        ? `${never.length} PCs have never backed up: ${never.map(pcName).join(', ')}`
        : null,
    ...stale.map((b) => `${pcName(b)}'s newest backup is ${ageText(b.backupAgeMs ?? 0)} old`),
  ].filter((p): p is string => p !== null);
  const which = never.length + stale.length === 1 ? 'that PC is' : 'those PCs are';
  return parts.length
    ? `${parts.join('; ')}. Check that ${which} on and syncing, and back up from the Backups screen there.`
    : null;
}

const minOf = (values: (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.min(...known) : null;
};

/** One branch's health from its PCs (revoked ones left out by the caller). */
export function branchHealth(
  pcs: Pc[],
  now: number,
  standIn?: StandIn,
): { health: HealthSummary; backups: PcBackupHealth[] } {
  const backups = pcBackups(pcs, now, standIn);
  const lastBackupAt = backups.some((b) => b.lastBackupAt === null)
    ? null
    : minOf(backups.map((b) => b.lastBackupAt));
  return {
    backups,
    health: {
      lastBackupAt,
      backupAgeMs: lastBackupAt === null ? null : Math.max(0, now - lastBackupAt),
      freeDiskBytes: minOf(pcs.map((d) => d.freeDiskBytes)),
      // The server's own warning speaks for its replica.
      backupWarning: warning(backups.filter((b) => b.deviceId !== standIn?.deviceId)),
    },
  };
}

/** Head office's own: its newest complete backup (store and replica of one night) and disk. */
export function serverHealth(health: DeviceHealth, now: number): HealthSummary {
  const age = health.lastBackupAt === null ? null : Math.max(0, now - health.lastBackupAt);
  return {
    ...health,
    backupAgeMs: age,
    backupWarning:
      age === null
        ? 'Head office has never made a complete backup (its store and its replica): see the server log.'
        : age > STALE_BACKUP_MS
          ? `Head office's newest complete backup is ${ageText(age)} old: see the server log.`
          : null,
  };
}
