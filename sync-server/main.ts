// `npm run server -- --port 8080 --data ./server-data [--database postgres://…]`
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp } from './app';
import { SyncHub } from './hub';
import { HubHeadOffice } from './head-office';
import { HeadOfficeReplica } from './replica';
import { SqliteEventStore } from './store/sqlite';
import type { EventStore } from './store/types';

const here = dirname(fileURLToPath(import.meta.url));

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
}

export function readConfig(argv = process.argv.slice(2), env = process.env): ServerConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      database: { type: 'string' },
    },
    allowPositionals: false,
  });
  const port = Number(values.port ?? env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: "${values.port ?? env['PORT']}" is not a port number (0 to 65535).`);
  const databaseUrl = values.database ?? env['DATABASE_URL'] ?? null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error(
      '--database: give a postgres://user:password@host:port/dbname address, or leave it out for the embedded SQLite store.',
    );
  return {
    port,
    host: values.host ?? env['HOST'] ?? '0.0.0.0',
    dataDir: resolve(values.data ?? env['FSE_DATA'] ?? './server-data'),
    databaseUrl,
  };
}

export async function openStore(config: ServerConfig): Promise<EventStore> {
  if (!config.databaseUrl) return new SqliteEventStore(join(config.dataDir, 'store'));
  const { PostgresEventStore } = await import('./store/postgres');
  return PostgresEventStore.connect(config.databaseUrl);
}

export const appVersion = (): string => {
  const pkg = JSON.parse(readFileSync(join(here, '../package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
};

export async function startServer(
  config: ServerConfig,
  log = (e: Record<string, unknown>) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), ...e })),
) {
  const store = await openStore(config);
  const hub = new SyncHub(store, { log });
  const replica = new HeadOfficeReplica(join(config.dataDir, 'replica'), hub, appVersion());
  replica.core.services = { headOffice: new HubHeadOffice(hub, replica) };
  await replica.start();
  const app = createApp(hub, replica, { version: appVersion(), startedAt: Date.now(), log });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log({
    level: 'info',
    msg: 'sync server listening',
    port,
    store: store.kind,
    data: config.dataDir,
    setUp: replica.ready,
  });
  return {
    port,
    hub,
    replica,
    async close() {
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await replica.close();
      await store.close();
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const running = await startServer(readConfig());
    const stop = () => void running.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (error) {
    console.error(
      `The sync server could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}
