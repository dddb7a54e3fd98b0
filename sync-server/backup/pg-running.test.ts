// A PostgreSQL restore refuses while any server process uses the database, as the SQLite store's
// does: tried against a real server process on a real PostgreSQL, then with it stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../core/backup/names';
import { DomainError } from '../../core/errors';
import { refusal } from '../../core/testing/damage';
import { usePostgres } from '../testing/backups';
import { startWorld } from '../testing/world';
import { claimForRestore, holdServerRunning } from './pg-running';
import { restoreServer } from './restore';

const here = dirname(fileURLToPath(import.meta.url));
const pgServer = usePostgres();
let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGKILL');
  child = null;
});

/** `npm run server` in a process of its own, on the database; resolves once it listens. */
async function startServerProcess(databaseUrl: string): Promise<ChildProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fse-server-proc-'));
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, '../main.ts'),
      ...['--port', '0', '--host', '127.0.0.1', '--insecure-http'],
      ...['--data', dataDir, '--database', databaseUrl],
    ],
    { cwd: join(here, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child = proc;
  await new Promise<void>((ok, fail) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('sync server listening')) ok();
    });
    proc.once('exit', (code) => fail(new Error(`the server process ended (${code}): ${out}`)));
  });
  return proc;
}

const stopped = (proc: ChildProcess) =>
  new Promise<void>((ok) => {
    proc.once('exit', () => ok());
    proc.kill('SIGTERM');
  });

describe('a PostgreSQL restore', () => {
  it('refuses while a server process runs on the database, and goes ahead once it is stopped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-server-pg-'));
    const databaseUrl = await pgServer.createDatabase('running');
    const w = await startWorld({ dataDir, databaseUrl });
    let dump;
    try {
      [dump] = await w.admin('backups.create', {});
    } finally {
      await w.close();
    }
    const restore = () =>
      restoreServer({
        dataDir,
        file: dump!.file,
        databaseUrl,
        log: () => undefined,
        waitForServersMs: 500,
      });

    const proc = await startServerProcess(databaseUrl);
    const e = await refusal(restore());
    expect(e.code).toBe('INVALID_STATE');
    expect(e.message).toMatch(
      /^A sync server process is running on this database \(\d connections? open/,
    );
    expect(e.message).toMatch(/factory-shop-sync \(pid \d+/);
    expect(e.message).toMatch(
      /Stop every server process that uses it .* then run the restore again\. Nothing was changed\.$/,
    );
    // Nothing was done: not even the copy a restore takes first.
    expect(listBackups(join(dataDir, 'backups')).map((b) => b.label)).toEqual([
      'replica',
      'postgres',
    ]);

    await stopped(proc);
    child = null;
    expect(await restore()).toContain(join(dataDir, 'backups', dump!.file));
    expect(listBackups(join(dataDir, 'backups')).map((b) => b.label)).toContain('before-restore');
  }, 60_000);

  it('refuses while another session is connected, naming it', async () => {
    const databaseUrl = await pgServer.createDatabase('session');
    const psql = new pg.Client({ connectionString: databaseUrl, application_name: 'psql' });
    await psql.connect();
    try {
      const e = await refusal(claimForRestore(databaseUrl, 200));
      expect(e.message).toMatch(
        /^Other connections are open to the database \(1 connection open to it: psql \(pid \d+/,
      );
    } finally {
      await psql.end();
    }
    const claim = await claimForRestore(databaseUrl, 2_000);
    await claim.release();
  });

  it('a server process started during a restore does not count itself running, and says so', async () => {
    const databaseUrl = await pgServer.createDatabase('during');
    const claim = await claimForRestore(databaseUrl);
    const logged: Record<string, unknown>[] = [];
    const mark = holdServerRunning(databaseUrl, (e) => logged.push(e), 100);
    try {
      await expect
        .poll(() => logged.map((e) => e['msg']))
        .toContain(
          'a restore of the database is running: stop this server process, and start it again when the restore is done',
        );
    } finally {
      await claim.release();
    }
    // Once the restore is done, it takes the mark: a restore now refuses.
    const refused = async () => {
      try {
        await (await claimForRestore(databaseUrl, 0)).release();
        return false;
      } catch (error) {
        return error instanceof DomainError && error.code === 'INVALID_STATE';
      }
    };
    await expect.poll(refused, { timeout: 5_000 }).toBe(true);
    await mark.release();
    await (await claimForRestore(databaseUrl, 2_000)).release();
  });
});
