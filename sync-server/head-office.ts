// Head office's device management, offered to the contract's devices.* operations.
import type { BranchSyncState, DeviceInfo, HeadOfficeService } from '../core/sync/services';
import type { SyncHub } from './hub';
import type { HeadOfficeReplica } from './replica';
import type { DeviceRecord } from './store/types';

const info = ({ tokenHash: _secret, ...device }: DeviceRecord): DeviceInfo => device;

export class HubHeadOffice implements HeadOfficeService {
  constructor(
    private readonly hub: SyncHub,
    private readonly replica: HeadOfficeReplica,
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

  async syncState(): Promise<{ headSeq: number; branches: BranchSyncState[] }> {
    const [headSeq, devices] = await Promise.all([
      this.hub.store.headSeq(),
      this.hub.store.devices(),
    ]);
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
        };
      }),
    };
  }
}
