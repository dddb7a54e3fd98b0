// Head office's device management, offered to the contract's devices.* operations.
import type { DeviceHealth } from '../core/sync/protocol';
import type {
  BranchSyncState,
  DeviceInfo,
  HeadOfficeService,
  HealthSummary,
} from '../core/sync/services';
import type { SyncHub } from './hub';
import type { HeadOfficeReplica } from './replica';
import type { DeviceRecord } from './store/types';

const info = ({ tokenHash: _secret, ...device }: DeviceRecord): DeviceInfo => device;

export interface HeadOfficeOptions {
  now?: () => number;
  /** The server's own newest backup and free disk, for the admin's view. */
  serverHealth?: () => Promise<DeviceHealth>;
}

const minOf = (values: (number | null)[]) => {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.min(...known) : null;
};

function summary(health: DeviceHealth, now: number): HealthSummary {
  return {
    ...health,
    backupAgeMs: health.lastBackupAt === null ? null : Math.max(0, now - health.lastBackupAt),
  };
}

export class HubHeadOffice implements HeadOfficeService {
  constructor(
    private readonly hub: SyncHub,
    private readonly replica: HeadOfficeReplica,
    private readonly options: HeadOfficeOptions = {},
  ) {}

  createEnrollment(branchId: string, issuedBy: string) {
    return this.hub.createEnrollment(branchId, issuedBy);
  }

  async devices(): Promise<DeviceInfo[]> {
    return (await this.hub.store.devices()).map(info);
  }

  revoke(deviceId: string): Promise<void> {
    return this.hub.revoke(deviceId);
  }

  async syncState(): Promise<{
    headSeq: number;
    branches: BranchSyncState[];
    server?: HealthSummary;
  }> {
    const [headSeq, devices, server] = await Promise.all([
      this.hub.store.headSeq(),
      this.hub.store.devices(),
      this.options.serverHealth?.(),
    ]);
    const now = (this.options.now ?? Date.now)();
    const branches = this.replica.core.db.sqlite
      .prepare('SELECT id, code, name, kind FROM branches ORDER BY code')
      .all() as {
      id: string;
      code: string;
      name: string;
      kind: string;
    }[];
    return {
      headSeq,
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
          health: summary(
            {
              lastBackupAt: minOf(mine.map((d) => d.lastBackupAt)),
              freeDiskBytes: minOf(mine.map((d) => d.freeDiskBytes)),
            },
            now,
          ),
        };
      }),
      ...(server && { server: summary(server, now) }),
    };
  }
}
