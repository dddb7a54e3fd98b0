// A real, throwaway PostgreSQL server for tests: its own data folder, a free port, trust
// authentication, fsync off. Started from the PostgreSQL binaries on this machine; stopped
// (and its folder removed) by stop(), or when the test process exits.
import { spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** Address of the database made at start (`postgres://postgres@127.0.0.1:<port>/test`). */
  url: string;
  /** Makes an empty database and returns its address. */
  /** A new database, empty or as a copy of `template` (which nobody may be connected to). */
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

const OS_USER = 'fsepg';

/** The folder holding initdb, pg_ctl and postgres, newest version first. */
export function findPostgresBin(): string | null {
  const versioned = (() => {
    try {
      return readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`);
    } catch {
      return [];
    }
  })();
  const candidates = [
    ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean),
    '/usr/local/bin',
    ...versioned,
  ];
  for (const dir of candidates) {
    const initdb = join(dir, 'initdb');
    if (!existsSync(initdb) || !existsSync(join(dir, 'pg_ctl'))) continue;
    // Symlinks (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb): use the real folder,
    // where the three binaries of one version sit together.
    const real = dirname(realpathSync(initdb));
    if (['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(real, b)))) return real;
  }
  return null;
}

interface Run {
  (bin: string, args: string[], options?: { allowFail?: boolean }): Promise<string>;
  sync(bin: string, args: string[]): void;
}

/** Runs PostgreSQL commands, as another OS user when this process is root (initdb refuses root). */
function runnerFor(osUser: string | null, cwd: string): Run {
  const command = (bin: string, args: string[]): [string, string[]] => {
    if (osUser === null) return [bin, args];
    if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser') || onPath('runuser'))
      return ['runuser', ['-u', osUser, '--', bin, ...args]];
    return ['su', ['-s', '/bin/sh', osUser, '-c', [bin, ...args].map(shellQuote).join(' ')]];
  };
  // PG* variables of the caller (PGDATA, PGPORT, …) must not steer the throwaway server.
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG'))),
    LC_ALL: 'C',
    LANG: 'C',
  };
  const run = (async (bin, args, options = {}) => {
    const [file, argv] = command(bin, args);
    return new Promise<string>((resolve, reject) => {
      const child = spawn(file, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0 || options.allowFail) resolve(out);
        else reject(new Error(`${[bin, ...args].join(' ')} failed (exit ${code}):\n${out}`));
      });
    });
  }) as Run;
  run.sync = (bin, args) => {
    const [file, argv] = command(bin, args);
    spawnSync(file, argv, { cwd, env, stdio: 'ignore', timeout: 10_000 });
  };
  return run;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function onPath(bin: string): boolean {
  return (process.env['PATH'] ?? '')
    .split(delimiter)
    .some((dir) => dir && existsSync(join(dir, bin)));
}

function uidOf(user: string): { uid: number; gid: number } | null {
  const r = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) return null;
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** As root: the `postgres` system user if there is one, else a dedicated one made now. */
function serverUser(): { name: string; uid: number; gid: number } {
  for (const name of ['postgres', OS_USER]) {
    const ids = uidOf(name);
    if (ids) return { name, ...ids };
  }
  const made = spawnSync(
    'useradd',
    ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER],
    {
      encoding: 'utf8',
    },
  );
  const ids = uidOf(OS_USER);
  if (!ids)
    throw new Error(`Could not create the OS user ${OS_USER} to run PostgreSQL as: ${made.stderr}`);
  return { name: OS_USER, ...ids };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Starts a fresh PostgreSQL server; takes a couple of seconds. `durable` keeps PostgreSQL's own
 * defaults for fsync, synchronous_commit and full-page writes (benchmarks: every commit costs
 * what it costs in production); tests leave them off, for speed.
 */
export async function startTestPostgres(
  settings: { durable?: boolean } = {},
): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      'PostgreSQL is not installed (no initdb/pg_ctl/postgres on PATH, in /usr/local/bin or /usr/lib/postgresql/*/bin). ' +
        'The PostgreSQL store tests need a real server: run `bash .ci/setup`, which installs the postgresql package.',
    );
  const user = process.getuid?.() === 0 ? serverUser() : null;
  // The server's user must reach the folder: a TMPDIR under /root would not do.
  const root = mkdtempSync(join(user && existsSync('/tmp') ? '/tmp' : tmpdir(), 'fse-pg-'));
  if (user) chownSync(root, user.uid, user.gid);
  const run = runnerFor(user?.name ?? null, root);
  const data = join(root, 'data');
  const log = join(root, 'log');
  const pgCtl = join(bin, 'pg_ctl');

  let started = false;
  const stopNow = () => {
    if (started) run.sync(pgCtl, ['-D', data, 'stop', '-m', 'immediate', '-w']);
    started = false;
    rmSync(root, { recursive: true, force: true });
  };
  // A test process that dies without calling stop() must not leave a server behind.
  process.once('exit', stopNow);

  try {
    await run(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-locale',
      '--encoding=UTF8',
      '--no-sync',
    ]);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        `-p ${port}`,
        `-k ${shellQuote(root)}`,
        '-c listen_addresses=127.0.0.1',
        ...(settings.durable
          ? []
          : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
        '-c max_connections=200',
      ].join(' ');
      try {
        await run(pgCtl, ['-D', data, '-o', options, '-l', log, '-t', '30', 'start', '-w']);
        started = true;
        break;
      } catch (err) {
        // Another process may have taken the port between our probe and the start: retry.
        if (attempt >= 3) {
          const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
          throw new Error(`${(err as Error).message}\nserver log:\n${tail}`, { cause: err });
        }
        await run(pgCtl, ['-D', data, 'stop', '-m', 'immediate'], { allowFail: true });
      }
    }

    const base = `postgres://postgres@127.0.0.1:${port}`;
    const createDatabase = async (name: string, template?: string): Promise<string> => {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(
          `CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`,
        );
      } finally {
        await client.end();
      }
      return `${base}/${encodeURIComponent(name)}`;
    };
    const url = await createDatabase('test');
    return {
      url,
      createDatabase,
      async stop() {
        process.removeListener('exit', stopNow);
        if (started)
          await run(pgCtl, ['-D', data, 'stop', '-m', 'immediate', '-w'], { allowFail: true });
        started = false;
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (err) {
    process.removeListener('exit', stopNow);
    stopNow();
    throw err;
  }
}
