// The PC's health travels with its pushes (core/sync/protocol.ts `health`), for the admin's
// branch view: its newest backup and its free disk space. A PC with nothing to push still
// reports: before a pull, if no push has carried its health for a while (or its newest backup
// changed since), an empty push carries it. An empty push is harmless to the server.
import type { DeviceHealth, PushRequest } from '../../core/sync/protocol';
import type { SyncTransport } from '../../core/sync/transport';

export interface HealthOptions {
  health: () => Promise<DeviceHealth>;
  appVersion: string;
  /** Report at least this often even when nothing changed. 15 minutes by default. */
  everyMs?: number;
  now?: () => number;
}

export function withHealth(transport: SyncTransport, options: HealthOptions): SyncTransport {
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? 15 * 60_000;
  let sent: { at: number; lastBackupAt: number | null; refusedAt: number | null } | null = null;

  const push = async (request: PushRequest) => {
    const health = await options.health();
    const response = await transport.push({ ...request, health });
    sent = {
      at: now(),
      lastBackupAt: health.lastBackupAt,
      refusedAt: health.updateRefused?.at ?? null,
    };
    return response;
  };

  return {
    push,
    async pull(after, limit) {
      // A round pushes first: no push just now means nothing is waiting on this PC.
      const health = await options.health();
      if (
        !sent ||
        now() - sent.at >= everyMs ||
        sent.lastBackupAt !== health.lastBackupAt ||
        sent.refusedAt !== (health.updateRefused?.at ?? null)
      )
        await push({ events: [], pending: 0, appVersion: options.appVersion }).catch(
          () => undefined, // the pull says whether head office is reachable
        );
      return transport.pull(after, limit);
    },
    hasFile: (hash) => transport.hasFile(hash),
    putFile: (hash, bytes) => transport.putFile(hash, bytes),
    getFile: (hash) => transport.getFile(hash),
  };
}
