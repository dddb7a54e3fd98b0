// What the host around the core offers its operations: the desktop app's sync connection, and
// head office's device management. Defined here so the contract names them once.
import { count, desc, eq, lt, notExists, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { conflictResolutions, conflicts, refusedEvents, stockBalances } from '../db/schema';
import { clockWarning } from './clock';
import type { SerializedCode } from '../errors';
import type { UpdateRefusal } from './protocol';

export interface SyncStatus {
  enrolled: boolean;
  /** True at head office itself: branches sync with it; "last sync" is its last fold of theirs. */
  headOffice?: boolean;
  serverUrl: string | null;
  /** The certificate fingerprint pinned at enrollment (https), for the app's update downloads. */
  serverFingerprint?: string | null;
  /** The next certificate head office announced, accepted beside the pinned one until the switch. */
  nextServerFingerprint?: string | null;
  /** Events made on this PC that head office has not acknowledged yet. */
  pending: number;
  lastSyncAt: number | null;
  online: boolean;
  syncing: boolean;
  lastError: string | null;
  /** The last failure's code, for words a clerk can act on; null once a round works. */
  lastErrorCode?: SerializedCode | null;
  /** While background sync pauses after failures: when it tries again. */
  nextTryAt?: number | null;
  progress: { phase: string; done: number; left: number; percent: number } | null;
  /** Stock below zero after a merge, for people to look at. */
  negativeStock: number;
  conflicts: number;
  /** This PC's newest events head office refused and the PC took back. */
  refused: RefusedEvent[];
  /** Set when this PC's clock is far off head office's, or was changed between syncs. */
  clockWarning: string | null;
}

/** An event of this PC that head office refused, as the person is shown it. */
export interface RefusedEvent {
  eventId: string;
  type: string;
  code: string;
  message: string;
  createdAt: number;
  refusedAt: number;
}

/**
 * What a replica shows people after merging: stock below zero, unresolved conflicts, its events
 * head office refused, and whether its clock is off.
 */
export function openIssues(
  db: Db,
  now: number = Date.now(),
): {
  negativeStock: number;
  conflicts: number;
  refused: RefusedEvent[];
  clockWarning: string | null;
} {
  const { orm } = db;
  const [negative] = orm
    .select({ n: count() })
    .from(stockBalances)
    .where(
      or(
        lt(stockBalances.onHand, 0),
        lt(sql`${stockBalances.onHand} - ${stockBalances.reserved}`, 0),
      ),
    )
    .all();
  const [open] = orm
    .select({ n: count() })
    .from(conflicts)
    .where(
      notExists(
        orm
          .select({ one: sql`1` })
          .from(conflictResolutions)
          .where(eq(conflictResolutions.eventId, conflicts.eventId)),
      ),
    )
    .all();
  return {
    negativeStock: negative?.n ?? 0,
    conflicts: open?.n ?? 0,
    refused: orm
      .select({
        eventId: refusedEvents.eventId,
        type: refusedEvents.type,
        code: refusedEvents.code,
        message: refusedEvents.message,
        createdAt: refusedEvents.createdAt,
        refusedAt: refusedEvents.refusedAt,
      })
      .from(refusedEvents)
      .orderBy(desc(refusedEvents.refusedAt), refusedEvents.eventId)
      .limit(20)
      .all(),
    clockWarning: clockWarning(db, now),
  };
}

export interface SyncSummary {
  pushed: number;
  pulled: number;
  conflicts: number;
  negativeStock: number;
  finishedAt: number;
}

/** What summaryOf reads of the engine's SyncReport; named here so this file, which the contract's
 * context reads, does not import the engine (and through it the contract again). */
interface SyncReportCounts {
  pushed: number;
  pulled: number;
  tally: { conflicts: number };
  negativeStock: readonly unknown[];
  finishedAt: number;
}

export const summaryOf = (report: SyncReportCounts): SyncSummary => ({
  pushed: report.pushed,
  pulled: report.pulled,
  conflicts: report.tally.conflicts,
  negativeStock: report.negativeStock.length,
  finishedAt: report.finishedAt,
});

export interface SyncService {
  status(): SyncStatus;
  syncNow(): Promise<SyncSummary>;
  /**
   * Does `name` at head office as the person who signs in there with `credentials` (what a
   * device token cannot prove), then syncs so its events arrive here. Throws SyncUnavailable
   * offline or when head office refuses.
   */
  atHeadOffice?(
    credentials: { username: string; password: string },
    name: string,
    input: unknown,
  ): Promise<unknown>;
  enroll(input: {
    serverUrl: string;
    code: string;
    deviceName: string;
    /** The certificate fingerprint the admin read out; without it the first one seen is trusted. */
    expectedFingerprint?: string | null;
  }): Promise<{ branchId: string; deviceNumber: number; fingerprint: string | null }>;
  /**
   * Trusts the certificate head office presents now, if `code` (read out by the admin) was made
   * for this PC and exactly that certificate; then syncs. Decision 0014.
   */
  repin?(code: string): Promise<{ fingerprint: string }>;
}

export interface DeviceInfo {
  id: string;
  branchId: string;
  number: number;
  name: string;
  enrolledAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  appVersion: string | null;
  pending: number;
  cursor: number;
  /** As the device last reported it (older apps never do): its newest backup and free disk. */
  lastBackupAt: number | null;
  freeDiskBytes: number | null;
  /** The last update it refused to install (signature or publisher did not match), if any. */
  updateRefused: UpdateRefusal | null;
  /** Head office's own server process (no token): never revoked, never re-pinned. */
  server: boolean;
}

/** The health of one place: its newest backup, how old that is, and free disk space. */
export interface HealthSummary {
  lastBackupAt: number | null;
  backupAgeMs: number | null;
  freeDiskBytes: number | null;
  /** What the admin should see to: a PC that never backed up, or a backup older than a day. */
  backupWarning: string | null;
}

/** One PC's newest backup, as the admin's branch view lists every PC. */
export interface PcBackupHealth {
  deviceId: string;
  name: string;
  number: number;
  /** Null: it has never reported one (none made, or an app too old to report it). */
  lastBackupAt: number | null;
  backupAgeMs: number | null;
  /** `never`; `stale`: the newest is more than a day old; `ok`. */
  backup: 'ok' | 'stale' | 'never';
}

export interface BranchSyncState {
  id: string;
  code: string;
  name: string;
  kind: string;
  lastSeenAt: number | null;
  eventsWaiting: number;
  appVersions: string[];
  devices: DeviceInfo[];
  /**
   * The worst of its PCs: the oldest newest-backup (null if any PC never backed up), the least
   * free disk (null: none reported).
   */
  health: HealthSummary;
  /** Every PC of the branch (not revoked) with its newest backup, those that never made one too. */
  backups: PcBackupHealth[];
}

/** An event head office refused from a branch PC: applied nowhere, shown to the admin. */
export interface RefusalInfo {
  eventId: string;
  type: string;
  deviceId: string;
  branchId: string;
  userId: string;
  code: string;
  message: string;
  at: number;
}

export interface HeadOfficeService {
  createEnrollment(
    branchId: string,
    issuedBy: string,
  ): Promise<{ code: string; expiresAt: number }>;
  devices(): Promise<DeviceInfo[]>;
  revoke(deviceId: string): Promise<void>;
  /** A one-time re-pin code for a PC that missed a certificate switch (decision 0014). */
  repinCode?(deviceId: string): Promise<{ code: string; fingerprint: string }>;
  syncState(): Promise<{
    headSeq: number;
    branches: BranchSyncState[];
    /** The head-office server's own backups and disk. */
    server?: HealthSummary;
    /** The newest events head office refused from branch PCs. */
    refusals: RefusalInfo[];
  }>;
}
