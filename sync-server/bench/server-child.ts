// The head-office server in a process of its own, as it runs in real use: started by the sync
// benchmark and by tests of several server processes (./server-process.ts), which ask it over
// IPC for what only the server knows, and may hear its log lines.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startProfile } from '../../core/bench/profile';
import { formatLine } from '../../core/ops/log';
import { syncCursor } from '../../core/sync/engine';
import { startServer, type ServerConfig } from '../main';
import { servePages } from './serve';
import type { ServerCommand } from './server-process';

const config = JSON.parse(process.argv[2] ?? '{}') as Partial<ServerConfig> & { dataDir: string };
const log = process.env['SERVER_CHILD_LOG']
  ? (e: Record<string, unknown>) => process.send?.({ log: formatLine(e, Date.now()) })
  : () => undefined;
const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: null, ...config }, log);
const { hub, replica } = server;
let stopProfile: ((name: string) => Promise<void>) | undefined;

const commands: {
  [C in ServerCommand['cmd']]: (c: Extract<ServerCommand, { cmd: C }>) => unknown;
} = {
  /** Folds everything pushed into head office's replica. */
  catchUp: () => replica.catchUp(),
  /** Events in the log that the replica has not folded yet. */
  replicaBehind: async () => (await hub.store.headSeq()) - syncCursor(replica.core.db),
  /** CPU seconds this process has used (user and system), to tell its share of a phase. */
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  },
  /** A consistent copy of the log and the replica in `dir`, for a second server to start from. */
  snapshot: async ({ dir }) => {
    await replica.catchUp();
    for (const sub of ['store', 'replica'])
      rmSync(join(dir, sub), { recursive: true, force: true });
    mkdirSync(join(dir, 'store'), { recursive: true });
    mkdirSync(join(dir, 'replica'), { recursive: true });
    const log = new Database(join(config.dataDir, 'store', 'sync-log.sqlite'), { readonly: true });
    try {
      log.prepare('VACUUM INTO ?').run(join(dir, 'store', 'sync-log.sqlite'));
    } finally {
      log.close();
    }
    replica.core.db.sqlite.prepare('VACUUM INTO ?').run(join(dir, 'replica', 'branch.sqlite'));
  },
  /** The pages a PC would pull (the engine's page sizes), straight from the hub: no HTTP. */
  serve: async ({ deviceId, after }) => {
    const device = await hub.store.device(deviceId);
    if (!device) throw new Error(`device ${deviceId} is unknown to the hub`);
    return servePages((from, limit) => hub.pull(device, from, limit), after);
  },
  /** Starts the CPU profiler, or with `stopAs` stops it and writes <stopAs>.cpuprofile. */
  profile: async ({ stopAs }) => {
    if (stopAs === undefined) stopProfile = await startProfile();
    else await stopProfile?.(stopAs);
  },
  close: async () => {
    await server.close();
    setImmediate(() => process.exit(0));
  },
};

process.on('message', (message: { id: number; command: ServerCommand }) => {
  const { id, command } = message;
  const run = commands[command.cmd] as (c: ServerCommand) => unknown;
  Promise.resolve()
    .then(() => run(command))
    .then(
      (result) => process.send?.({ id, result: result ?? null }),
      (error: unknown) => process.send?.({ id, error: String(error) }),
    );
});
// Never outlives the benchmark, whatever way it ends.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: server.port });
