// Head office's backups: its SQLite store and replica (or a pg_dump of PostgreSQL), checked,
// logged, shown in the admin's view, and restored with the server stopped.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { integrityCheck } from '../../core/backup/backup';
import { listBackups } from '../../core/backup/names';
import { startServer, type ServerConfig } from '../main';
import { newProduct, usePostgres } from '../testing/backups';
import { http, PASSWORD, startWorld, type World } from '../testing/world';
import { restoreServer } from './restore';
import { findPgBin } from './server-backups';

const productNames = async (w: World) =>
  [...new Set((await w.admin('catalog.list', {})).map((v) => v.productName))].sort();

/** Head office started again on data it already has (startWorld would set it up anew). */
const slip = (n: number) => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, n]);
const hashOf = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function reopen(config: Partial<ServerConfig> & { dataDir: string }) {
  const server = await startServer(
    { port: 0, host: '127.0.0.1', databaseUrl: null, ...config },
    () => undefined,
  );
  const base = `http://127.0.0.1:${server.port}`;
  const login = await http<{ result: { token: string } }>(base, 'POST', '/api/auth.login', {
    username: 'admin',
    password: PASSWORD,
  });
  const token = login.body.result.token;
  return {
    productNames: async () =>
      (
        await http<{ result: { productName: string }[] }>(
          base,
          'POST',
          '/api/catalog.list',
          {},
          token,
        )
      ).body.result
        .map((v) => v.productName)
        .filter((name, i, all) => all.indexOf(name) === i)
        .sort(),
    hasFile: (hash: string) => server.hub.store.hasFile(hash),
    close: () => server.close(),
  };
}

describe('head office with the SQLite store', () => {
  it('backs up store and replica, logs it, shows its age, and restores with the server stopped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-server-'));
    const logged: Record<string, unknown>[] = [];
    const w = await startWorld({ dataDir }, (e) => logged.push(e));
    try {
      await newProduct(w, 'Bowl');
      await w.server.hub.store.putFile(hashOf(slip(1)), slip(1));
      const taken = await w.admin('backups.create', {});
      expect(taken.map((b) => b.label)).toEqual(['store', 'replica']);
      const dir = join(dataDir, 'backups');
      for (const b of listBackups(dir)) expect(integrityCheck(b.path)).toEqual(['ok']);
      expect(logged.find((e) => e['msg'] === 'backup done')).toMatchObject({
        files: taken,
        deletedOld: [],
      });

      const overview = await w.admin('backups.list', {});
      expect(overview).toMatchObject({ schedule: '0 2 * * *', keepDays: 30 });
      expect(overview.lastBackupAt).toBe(Math.min(...taken.map((b) => b.takenAt)));
      const state = await w.admin('devices.syncState', {});
      expect(state.server?.lastBackupAt).toBe(overview.lastBackupAt);
      expect(state.server?.backupAgeMs).toBeGreaterThanOrEqual(0);
      expect(state.server?.backupAgeMs).toBeLessThan(60_000);
      expect(state.server?.freeDiskBytes).toBeGreaterThan(0);

      // The contract cannot restore a running server's data; it says how.
      await expect(w.admin('backups.restore', { file: taken[0]!.file })).rejects.toThrow(
        /server:restore/,
      );

      await newProduct(w, 'Plate'); // after the backup
      await w.server.hub.store.putFile(hashOf(slip(2)), slip(2));
      expect(await productNames(w)).toEqual(['Bowl', 'Mug', 'Plate']);
      // Not while the server has the files open.
      await expect(
        restoreServer({ dataDir, file: taken[0]!.file, log: () => undefined }),
      ).rejects.toThrow(/open in a running app or server/);
      await w.close();

      // The store goes back to the backup; the sound replica is kept and sends again what head
      // office did after it, in the log's new epoch.
      const restored = await restoreServer({
        dataDir,
        file: taken[0]!.file,
        log: (e) => logged.push(e),
      });
      expect(restored).toHaveLength(1);
      expect(listBackups(dir).filter((b) => b.label === 'before-restore')).toHaveLength(1);
      let again = await reopen({ dataDir });
      try {
        expect(await again.productNames()).toEqual(['Bowl', 'Mug', 'Plate']);
        // Files are kept as they were: the one from before the backup and the one sent after it.
        for (const n of [1, 2])
          expect(await again.hasFile(hashOf(slip(n))), `slip ${n}`).toBe(true);
        expect(integrityCheck(join(dataDir, 'store', 'sync-log.sqlite'))).toEqual(['ok']);
      } finally {
        await again.close();
      }

      // With the replica lost too, both come from the same night: what head office did after
      // the backup is gone.
      rmSync(join(dataDir, 'replica'), { recursive: true, force: true });
      expect(
        await restoreServer({ dataDir, file: taken[0]!.file, log: () => undefined }),
      ).toHaveLength(2);
      again = await reopen({ dataDir });
      try {
        expect(await again.productNames()).toEqual(['Bowl', 'Mug']);
      } finally {
        await again.close();
      }
    } finally {
      await w.close().catch(() => undefined);
    }
  });
});

describe('head office with PostgreSQL', () => {
  const pg = usePostgres();

  it('dumps the database with pg_dump on the schedule it is given, and restores the dump', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-server-pg-'));
    const databaseUrl = await pg.createDatabase('backups');
    const w = await startWorld({ dataDir, databaseUrl, backupSchedule: '30 3 * * *' }, (e) =>
      e['level'] === 'error' ? console.error(JSON.stringify(e)) : undefined,
    );
    let taken;
    try {
      await newProduct(w, 'Bowl');
      await w.server.hub.store.putFile(hashOf(slip(1)), slip(1));
      taken = await w.admin('backups.create', {});
      expect(taken.map((b) => b.label)).toEqual(['postgres', 'replica']);
      expect((await w.admin('backups.list', {})).schedule).toBe('30 3 * * *');
      const dump = join(dataDir, 'backups', taken[0]!.file);
      expect(dump).toMatch(/postgres-\d{8}T\d{9}Z\.dump$/);
      const bin = findPgBin();
      const listing = spawnSync(bin ? join(bin, 'pg_restore') : 'pg_restore', ['--list', dump], {
        encoding: 'utf8',
      });
      expect(listing.status).toBe(0);
      expect(listing.stdout).toMatch(/TABLE DATA public events/);
      await newProduct(w, 'Plate');
      await w.server.hub.store.putFile(hashOf(slip(2)), slip(2));
    } finally {
      await w.close();
    }

    await restoreServer({ dataDir, file: taken[0]!.file, databaseUrl, log: () => undefined });
    // What was in the database is kept first, as a dump of its own.
    expect(
      listBackups(join(dataDir, 'backups'))
        .filter((b) => b.file.endsWith('.dump'))
        .map((b) => b.label),
    ).toEqual(['before-restore', 'postgres']);
    // The kept replica sends Plate again in the log's new epoch.
    const again = await reopen({ dataDir, databaseUrl });
    try {
      expect(await again.productNames()).toEqual(['Bowl', 'Mug', 'Plate']);
      // Files are kept as they were: the one from before the backup and the one sent after it.
      for (const n of [1, 2]) expect(await again.hasFile(hashOf(slip(n))), `slip ${n}`).toBe(true);
    } finally {
      await again.close();
    }
  });
});
