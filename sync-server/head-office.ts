// Head office's device management, offered to the contract's devices.* operations, and its own
// sync status (sync.status, sync.now in the console).
import { asc } from 'drizzle-orm';
import { branches as branchTable } from '../core/db/schema';
import { loadDevice } from '../core/branches/device';
import { DomainError } from '../core/errors';
import { makeRepinCode } from '../core/sync/pins';
import { updateRefusal, type DeviceHealth, type UpdateRefusal } from '../core/sync/protocol';
import type { RefusalInfo } from '../core/sync/services';
import {
  openIssues,
  summaryOf,
  type BranchSyncState,
  type DeviceInfo,
  type HeadOfficeService,
  type HealthSummary,
  type SyncService,
  type SyncStatus,
  type SyncSummary,
} from '../core/sync/services';
import { SyncUnavailable } from '../core/sync/transport';
import { branchHealth, serverHealth } from './backup/health-summary';
import type { SyncHub } from './hub';
import type { HeadOfficeReplica } from './replica';
import type { DeviceRecord } from './store/types';

/** The refusal as the device reported it; a value this server cannot read is shown as none. */
const refusalOf = (json: string | null): UpdateRefusal | null => {
  if (!json) return null;
  try {
    const parsed = updateRefusal.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

const info = ({ tokenHash, updateRefused, ...device }: DeviceRecord): DeviceInfo => ({
  ...device,
  updateRefused: refusalOf(updateRefused),
  server: tokenHash === null,
});

export interface HeadOfficeOptions {
  now?: () => number;
  /** The server's own newest backup and free disk, for the admin's view. */
  serverHealth?: () => Promise<DeviceHealth>;
  /** The fingerprint of the certificate this server presents now; null over plain HTTP. */
  certificate?: () => string | null;
}

export class HubHeadOffice implements HeadOfficeService {
  constructor(
    private readonly hub: SyncHub,
    private readonly replica: HeadOfficeReplica,
    private readonly options: HeadOfficeOptions = {},
  ) {}

  async createEnrollment(branchId: string, issuedBy: string) {
    // A branch added a moment ago is known to the log once the replica has pushed it; if that
    // push failed, the admin is told so, not that the branch does not exist.
    await this.replica.settle();
    if (this.replica.lastError && !(await this.hub.store.branchKind(branchId)))
      throw new DomainError(
        'UNAVAILABLE',
        `Head office has not recorded this branch in its log yet (${this.replica.lastError}). Try again in a minute; if it keeps failing, the server's log says why.`,
      );
    return this.hub.createEnrollment(branchId, issuedBy);
  }

  async devices(): Promise<DeviceInfo[]> {
    return (await this.hub.store.devices()).map(info);
  }

  revoke(deviceId: string): Promise<void> {
    return this.hub.revoke(deviceId);
  }

  /** A one-time code that re-pins one PC to the certificate this server presents now (0014). */
  async repinCode(deviceId: string): Promise<{ code: string; fingerprint: string }> {
    const fingerprint = this.options.certificate?.() ?? null;
    if (!fingerprint)
      throw new DomainError(
        'INVALID_STATE',
        'This server speaks plain HTTP: there is no certificate to re-pin a PC to.',
      );
    const device = await this.hub.store.device(deviceId);
    if (!device || device.revokedAt !== null || !device.tokenHash)
      throw new DomainError('NOT_FOUND', 'No such enrolled PC, or it was revoked.');
    return { code: makeRepinCode(device.tokenHash, device.id, fingerprint), fingerprint };
  }

  async syncState(): Promise<{
    headSeq: number;
    branches: BranchSyncState[];
    server?: HealthSummary;
    refusals: RefusalInfo[];
  }> {
    const [headSeq, devices, server, refusals] = await Promise.all([
      this.hub.store.headSeq(),
      this.hub.store.devices(),
      this.options.serverHealth?.(),
      this.hub.store.refusals(50),
    ]);
    const now = (this.options.now ?? Date.now)();
    const branches = this.replica.core.db.orm
      .select({
        id: branchTable.id,
        code: branchTable.code,
        name: branchTable.name,
        kind: branchTable.kind,
      })
      .from(branchTable)
      .orderBy(asc(branchTable.code))
      .all();
    // Head office's replica is backed up with the server: the server's backup stands in for it.
    const replicaId = loadDevice(this.replica.core.db)?.id;
    const standIn =
      server && replicaId ? { deviceId: replicaId, lastBackupAt: server.lastBackupAt } : undefined;
    return {
      headSeq,
      refusals,
      branches: branches.map((b) => {
        const mine = devices.filter((d) => d.branchId === b.id && d.revokedAt === null);
        const seen = mine.flatMap((d) => (d.lastSeenAt === null ? [] : [d.lastSeenAt]));
        return {
          ...b,
          lastSeenAt: seen.length > 0 ? Math.max(...seen) : null,
          eventsWaiting: mine.reduce((n, d) => n + d.pending, 0),
          appVersions: [
            ...new Set(mine.flatMap((d) => (d.appVersion ? [d.appVersion] : []))),
          ].sort(),
          devices: mine.map(info),
          ...branchHealth(mine, now, standIn),
        };
      }),
      ...(server && { server: serverHealth(server, now) }),
    };
  }
}

/**
 * Sync as head office itself sees it: it is where branches sync to, so "syncing" is folding what
 * they pushed into its replica, and "sync now" folds what is waiting.
 */
export class HeadOfficeSync implements SyncService {
  constructor(private readonly replica: HeadOfficeReplica) {}

  status(): SyncStatus {
    const r = this.replica;
    return {
      enrolled: true,
      headOffice: true,
      serverUrl: null,
      pending: 0,
      lastSyncAt: r.lastReport?.finishedAt ?? null,
      online: r.lastError === null,
      syncing: r.folding,
      lastError: r.lastError,
      progress: null,
      ...openIssues(r.core.db),
    };
  }

  async syncNow(): Promise<SyncSummary> {
    await this.replica.catchUp();
    const report = this.replica.lastReport;
    if (this.replica.lastError || !report)
      throw new SyncUnavailable(
        `Head office could not fold what the branches sent: ${this.replica.lastError ?? 'it is not set up yet'}. See the server log.`,
      );
    return summaryOf(report);
  }

  enroll(): Promise<never> {
    return Promise.reject(
      new DomainError(
        'INVALID_STATE',
        'This is head office: branch PCs enroll with it. It does not enroll anywhere.',
      ),
    );
  }
}
