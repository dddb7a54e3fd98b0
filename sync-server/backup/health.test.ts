// Branch health in the admin's view: what each PC reports with its pushes (its newest backup and
// free disk), kept per device by both stores; apps too old to report it simply show nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids';
import { PostgresEventStore } from '../store/postgres';
import { SqliteEventStore } from '../store/sqlite';
import { startTestPostgres, type TestPostgres } from '../store/testing/postgres';
import type { EventStore } from '../store/types';
import { http, startWorld, type World } from '../testing/world';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

describe.each([
  ['SQLite', async () => new SqliteEventStore(mkdtempSync(join(tmpdir(), 'fse-store-')))],
  ['PostgreSQL', async () => PostgresEventStore.connect(await pg.createDatabase(`h${Date.now()}`))],
] as const)('the %s store', (_name, open) => {
  it('keeps the health a device reports, and leaves it be when a push carries none', async () => {
    const store: EventStore = await open();
    try {
      const d = await store.createDevice({
        id: newId(),
        branchId: 'branch-a',
        name: 'till',
        tokenHash: null,
        enrolledAt: 1,
      });
      expect(d).toMatchObject({ lastBackupAt: null, freeDiskBytes: null });
      await store.touchDevice(d.id, { at: 10, lastBackupAt: 5, freeDiskBytes: 8_000_000_000 });
      await store.touchDevice(d.id, { at: 20, pending: 3 }); // an older app: no health
      expect(await store.device(d.id)).toMatchObject({
        lastSeenAt: 20,
        pending: 3,
        lastBackupAt: 5,
        freeDiskBytes: 8_000_000_000,
      });
      await store.touchDevice(d.id, { at: 30, lastBackupAt: null, freeDiskBytes: 7 });
      expect(await store.device(d.id)).toMatchObject({ lastBackupAt: null, freeDiskBytes: 7 });
    } finally {
      await store.close();
    }
  });
});

describe("the admin's branch view", () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('shows backup age and free disk after a push with health; nothing for an app that sends none', async () => {
    const shop1 = await w.enroll('SH01');
    const shop2 = await w.enroll('SH02');
    const lastBackupAt = Date.now() - 3 * 3600_000;
    const push = (token: string, body: Record<string, unknown>) =>
      http(w.base, 'POST', '/sync/push', { events: [], ...body }, token);
    expect(
      (
        await push(shop1.token, {
          appVersion: '0.2.0',
          health: { lastBackupAt, freeDiskBytes: 12_345_678_900 },
        })
      ).status,
    ).toBe(200);
    expect((await push(shop2.token, { appVersion: '0.1.0' })).status).toBe(200); // an older app
    // A health that is not one is refused like any bad field.
    expect((await push(shop1.token, { health: { lastBackupAt: 'yesterday' } })).status).toBe(400);

    const state = await w.admin('devices.syncState', {});
    const branch = (id: string) => state.branches.find((b) => b.id === id)!;
    const sh01 = branch(w.branch.SH01);
    expect(sh01.health.lastBackupAt).toBe(lastBackupAt);
    expect(sh01.health.backupAgeMs).toBeGreaterThanOrEqual(3 * 3600_000);
    expect(sh01.health.backupAgeMs).toBeLessThan(3 * 3600_000 + 60_000);
    expect(sh01.health.freeDiskBytes).toBe(12_345_678_900);
    expect(sh01.devices[0]).toMatchObject({
      lastBackupAt,
      freeDiskBytes: 12_345_678_900,
      appVersion: '0.2.0',
    });
    // An app too old to report, or a PC that never backed up: listed as "never", and warned about.
    expect(branch(w.branch.SH02).health).toEqual({
      lastBackupAt: null,
      backupAgeMs: null,
      freeDiskBytes: null,
      backupWarning: expect.stringMatching(/^SH02 PC #\d+ has never backed up\./),
    });
    expect(branch(w.branch.SH02).backups).toEqual([
      expect.objectContaining({ name: 'SH02 PC', lastBackupAt: null, backup: 'never' }),
    ]);
  });

  it('never hides a PC that never backed up behind another that did', async () => {
    const fresh = await w.enroll('SH01'); // a second PC of the shop, no backup yet
    const state = await w.admin('devices.syncState', {});
    const sh01 = state.branches.find((b) => b.id === w.branch.SH01)!;
    expect(sh01.backups.map((b) => [b.deviceId, b.backup])).toEqual(
      expect.arrayContaining([[fresh.core.context().device!.id, 'never']]),
    );
    expect(sh01.backups.some((b) => b.backup === 'ok')).toBe(true);
    expect(sh01.health.lastBackupAt).toBeNull();
    expect(sh01.health.backupWarning).toMatch(/has never backed up/);
    // Head office's own replica is listed too, with the server's backups (none yet): "never".
    const hq = state.branches.find((b) => b.id === w.branch.HQ)!;
    expect(hq.backups).toHaveLength(1);
    expect(state.server?.backupWarning).toMatch(/^Head office has never made a complete backup/);
    await w.admin('backups.create', {});
    const after = await w.admin('devices.syncState', {});
    expect(after.server?.backupWarning).toBeNull();
    expect(after.branches.find((b) => b.id === w.branch.HQ)!.backups[0]).toMatchObject({
      backup: 'ok',
      lastBackupAt: after.server?.lastBackupAt,
    });
  });
});
