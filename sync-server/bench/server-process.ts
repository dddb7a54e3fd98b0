// Starts the head-office server in its own process (./server-child.ts) and talks to it over IPC.
// The child runs as the server package runs it (npm run build:server): bundled by esbuild, under
// plain node, not through tsx, whose transform keeps every function's name by a call at each
// closure's creation (3% of a push, measured).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { z } from 'zod';
import type { ServerConfig } from '../main';
import { SERVER_BUNDLE } from '../package/build';
import { SERVER_NODE_OPTIONS } from '../service/steps';
import type { PullRun } from './serve';

export type ServerCommand =
  | { cmd: 'catchUp' }
  | { cmd: 'replicaBehind' }
  | { cmd: 'cpu' }
  | { cmd: 'snapshot'; dir: string }
  | { cmd: 'serve'; deviceId: string; after: number }
  | { cmd: 'profile'; stopAs?: string }
  | { cmd: 'close' };

interface Answers {
  catchUp: null;
  replicaBehind: number;
  cpu: number;
  snapshot: null;
  serve: PullRun;
  profile: null;
  close: null;
}

export interface ServerProcess {
  base: string;
  pid: number;
  ask<C extends ServerCommand>(command: C): Promise<Answers[C['cmd']]>;
  /** Runs `work`, profiling the server process when BENCH_PROFILE is server-<phase>. */
  profiled<T>(phase: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const logLine = z.record(z.string(), z.unknown());

/**
 * `entry` (in the repository) bundled as the server package bundles its entries, into
 * node_modules/.cache/<folder>/<file>: its packages are found in the repository's node_modules, as
 * the package's are in its own. Written aside and renamed into place, so processes bundling at
 * once never read half a file.
 */
export async function bundleInCache(folder: string, entry: string, file: string): Promise<string> {
  const dir = join(repo, 'node_modules/.cache', folder);
  mkdirSync(dir, { recursive: true });
  const aside = join(dir, `${process.pid}.${file}`);
  await build({ ...SERVER_BUNDLE, entryPoints: [join(repo, entry)], outfile: aside });
  const bundle = join(dir, file);
  renameSync(aside, bundle);
  return bundle;
}

let bundled: Promise<string> | undefined;
/**
 * server-child.ts bundled once per process (bundleInCache). Node runs a one-line file that imports
 * the bundle: main.ts, bundled in, starts a server of its own when it is the file node runs.
 */
function childBundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = dirname(
      await bundleInCache('server-child', 'sync-server/bench/server-child.ts', 'server-child.mjs'),
    );
    const start = join(dir, 'start.mjs');
    writeFileSync(`${start}.${process.pid}`, "import './server-child.mjs';\n");
    renameSync(`${start}.${process.pid}`, start);
    return start;
  })();
  return bundled;
}

export async function spawnServer(
  config: Partial<ServerConfig> & { dataDir: string },
  options: { onLog?: (entry: Record<string, unknown>) => void } = {},
): Promise<ServerProcess> {
  const child: ChildProcess = fork(await childBundle(), [JSON.stringify(config)], {
    // Node's options as the services run head office with them.
    execArgv: SERVER_NODE_OPTIONS,
    cwd: repo, // core finds its migrations and fonts in the repository's resources/
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      FSE_MIGRATIONS_DIR: join(repo, 'resources/migrations'),
      FSE_FONTS_DIR: join(repo, 'resources/fonts'),
      ...(options.onLog && { SERVER_CHILD_LOG: '1' }),
    },
  });
  const waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((ok, fail) => {
    child.once('exit', (code) =>
      fail(new Error(`the server process ended (${code}) before it listened`)),
    );
    type Message = { ready?: number; id?: number; result?: unknown; error?: string; log?: string };
    child.on('message', (m: Message) => {
      if (m.log !== undefined) return options.onLog?.(logLine.parse(JSON.parse(m.log)));
      if (m.ready !== undefined) return ok(m.ready);
      const w = m.id === undefined ? undefined : waiting.get(m.id);
      if (!w) return;
      waiting.delete(m.id!);
      if (m.error !== undefined) w.fail(new Error(`server process: ${m.error}`));
      else w.ok(m.result);
    });
  });
  child.once('exit', (code) => {
    for (const w of waiting.values()) w.fail(new Error(`the server process ended (${code})`));
    waiting.clear();
  });
  const ask = <C extends ServerCommand>(command: C) =>
    new Promise<Answers[C['cmd']]>((ok, fail) => {
      const id = nextId++;
      waiting.set(id, { ok: ok as (v: unknown) => void, fail });
      child.send({ id, command });
    });
  return {
    base: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    ask,
    profiled: async (phase, work) => {
      const name = `server-${phase}`;
      if (process.env['BENCH_PROFILE'] !== name) return work();
      await ask({ cmd: 'profile' });
      try {
        return await work();
      } finally {
        await ask({ cmd: 'profile', stopAs: join(process.cwd(), name) }); // the child runs elsewhere
      }
    },
    close: async () => {
      // A process killed (by a test) has no channel left to ask.
      if (child.connected) await ask({ cmd: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}
