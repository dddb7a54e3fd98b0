// PostgreSQL restore refuses while any server process uses the database, as the SQLite store's
// file lock makes its restore refuse: a process left running would keep serving the old log (its
// epoch, what it holds in memory) until restarted, and events would go missing.
//
// Every server process holds a shared advisory lock, on a connection of its own, for as long as it
// runs (ServerBackups.start). A restore takes the same lock exclusively, so it cannot while any
// server process holds it, and a server started during a restore does not get it until the
// restore ends. A lock rather than a count of connections: the store's pool closes idle
// connections after a few seconds, so an idle server can have none open at a given moment; the
// lock's connection stays open. The restore also refuses while any other connection is open to
// the database (a server from before this lock existed, a psql session), naming them.
import pg from 'pg';
import { DomainError } from '../../core/errors';
import type { Log } from '../../core/ops/log';
import { SERVER_APP_NAME } from '../store/postgres-dialect';

/** One bigint advisory key, fixed: every server process and every restore must agree. */
export const SERVER_RUNNING_LOCK = 0x4653_4500_0010;
const SERVER_APP = SERVER_APP_NAME;
const RESTORE_APP = 'factory-shop-restore';

export interface RunningMark {
  release(): Promise<void>;
}

/**
 * Holds the "a server process runs here" lock until released, taking it again after a lost
 * connection. Never throws: a database that cannot be reached is the store's problem to report.
 */
export function holdServerRunning(url: string, log: Log, retryMs = 5_000): RunningMark {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let warned = false;
  const retry = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void take();
    }, retryMs);
    timer.unref();
  };
  const take = async () => {
    const c = new pg.Client({ connectionString: url, application_name: SERVER_APP });
    c.on('error', () => undefined); // reported through 'end' below
    try {
      await c.connect();
      const { rows } = await c.query<{ held: boolean }>(
        'SELECT pg_try_advisory_lock_shared($1::bigint) AS held',
        [SERVER_RUNNING_LOCK],
      );
      if (!rows[0]?.held) {
        await c.end();
        if (!warned)
          log({
            level: 'error',
            msg: 'a restore of the database is running: stop this server process, and start it again when the restore is done',
          });
        warned = true;
        return retry();
      }
    } catch (error) {
      await c.end().catch(() => undefined);
      if (!warned)
        log({
          level: 'warn',
          msg: 'postgres: cannot mark this server as running',
          error: String(error),
        });
      warned = true;
      return retry();
    }
    warned = false;
    if (stopped) return void (await c.end().catch(() => undefined));
    client = c;
    c.once('end', () => {
      if (client === c) client = null;
      retry(); // the database restarted or the connection broke: take the lock again
    });
  };
  void take();
  return {
    async release() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}

interface Other {
  pid: number;
  app: string;
  from: string | null;
}

async function otherConnections(client: pg.Client): Promise<Other[]> {
  const { rows } = await client.query<{ pid: number; app: string | null; addr: string | null }>(
    `SELECT pid, application_name AS app, client_addr::text AS addr FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND backend_type = 'client backend' ORDER BY pid`,
  );
  return rows.map((r) => ({ pid: r.pid, app: r.app || 'unnamed', from: r.addr }));
}

const describeOthers = (others: Other[]) =>
  others
    .map((o) => `${o.app} (pid ${o.pid}${o.from ? ` from ${o.from}` : ''})`)
    .slice(0, 5)
    .join(', ');

/**
 * Takes the lock exclusively for a restore, or refuses with what to do. Waits up to `waitMs` for
 * processes that are stopping (a stopped server's connections take a moment to go). The restore
 * holds it until `release()`, so no server process starts serving a half-restored database.
 */
export async function claimForRestore(url: string, waitMs = 5_000): Promise<RunningMark> {
  const client = new pg.Client({ connectionString: url, application_name: RESTORE_APP });
  client.on('error', () => undefined);
  await client.connect();
  const deadline = Date.now() + waitMs;
  let locked = false;
  try {
    for (;;) {
      if (!locked) {
        const { rows } = await client.query<{ got: boolean }>(
          'SELECT pg_try_advisory_lock($1::bigint) AS got',
          [SERVER_RUNNING_LOCK],
        );
        locked = rows[0]?.got === true;
      }
      const others = await otherConnections(client);
      if (locked && others.length === 0)
        return {
          release: async () => {
            await client.end().catch(() => undefined);
          },
        };
      if (Date.now() >= deadline) {
        const open = others.length
          ? ` (${others.length} connection${others.length === 1 ? '' : 's'} open to it: ${describeOthers(others)})`
          : '';
        throw new DomainError(
          'INVALID_STATE',
          (locked
            ? `Other connections are open to the database${open}.`
            : `A sync server process is running on this database${open}.`) +
            ' Stop every server process that uses it (on each server: systemctl stop factory-shop-sync, or stop the Windows service) and close other sessions, then run the restore again. Nothing was changed.',
          { connections: others },
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}
