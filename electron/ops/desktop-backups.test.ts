/* eslint-disable @typescript-eslint/no-restricted-imports --
   End to end: a desktop host (electron/) syncing with a real head-office server (sync-server/),
   which is how the admin's branch view learns a PC's backup age and free disk. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputOf, OperationName, OutputOf } from '../../core/contract/api';
import { listBackups } from '../../core/backup/names';
import { failure } from '../../core/testing/demo';
import { PASSWORD, startWorld, type World } from '../../sync-server/testing/world';
import { DesktopHost } from '../host/desktop-host';
import { EncryptedTokenStore, keyFileCipher } from '../host/token-store';
import { main as restoreCli } from './restore-cli';

let w: World;
let dir: string;
let host: DesktopHost;

const call = async <N extends OperationName>(
  name: N,
  input: InputOf<N>,
  token?: string,
): Promise<OutputOf<N>> => (await host.call(name, input, token)) as OutputOf<N>;
const login = async (username: string) =>
  (await call('auth.login', { username, password: PASSWORD })).token;

beforeAll(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'fse-desktop-'));
  host = new DesktopHost({
    dataDir: dir,
    appVersion: '0.1.0',
    tokens: new EncryptedTokenStore(dir, keyFileCipher(dir)),
    syncIntervalMs: 0,
    backupSchedule: null,
  });
  await host.enroll({
    serverUrl: w.base,
    code: await w.enrollmentCode('SH01'),
    deviceName: 'SH01 till',
  });
});
afterAll(async () => {
  host?.close();
  await w?.close();
});

describe('the desktop app’s backups', () => {
  it("report the newest backup and free disk to head office, where the admin sees the branch's health", async () => {
    const admin = await login('admin');
    const [backup] = await call('backups.create', {}, admin);
    expect(backup).toMatchObject({ label: 'branch' });
    await host.syncNow(); // nothing to push: an empty push carries the health
    const state = await w.admin('devices.syncState', {});
    const shop = state.branches.find((b) => b.id === w.branch.SH01)!;
    expect(shop.health.lastBackupAt).toBe(backup!.takenAt);
    expect(shop.health.backupAgeMs).toBeGreaterThanOrEqual(0);
    expect(shop.health.backupAgeMs).toBeLessThan(60_000);
    expect(shop.health.freeDiskBytes).toBeGreaterThan(0);
    expect(shop.devices[0]).toMatchObject({ appVersion: '0.1.0', lastBackupAt: backup!.takenAt });
  });

  it('restore from the UI: admin only; what is there is backed up first; the app works on', async () => {
    const admin = await login('admin');
    const clerk = await login('shop1');
    const line = { variantId: w.variants[0]!, quantity: 1 };
    const kept = await call('orders.place', { lines: [line] }, clerk);
    const [backup] = await call('backups.create', {}, admin);
    const later = await call('orders.place', { lines: [line] }, clerk);

    expect((await failure(call('backups.restore', { file: backup!.file }, clerk))).code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await failure(call('backups.restore', { file: '../branch.sqlite' }, admin))).field,
    ).toBe('file');

    const restored = await call('backups.restore', { file: backup!.file }, admin);
    expect(restored.restoredFrom).toBe(backup!.file);
    expect(restored.safetyCopy).toMatch(/before-restore-\d{8}T\d{9}Z\.sqlite$/);

    const ids = (await call('orders.list', {}, clerk)).map((o) => o.id);
    expect(ids).toContain(kept.id);
    expect(ids).not.toContain(later.id); // kept in the safety copy, not here
    const overview = await call('backups.list', {}, admin);
    expect(overview.backups.map((b) => b.label)).toContain('before-restore');
    // Work and sync go on against the restored database.
    await call('orders.place', { lines: [line] }, clerk);
    await host.syncNow();
  });

  it('npm run restore refuses while the app has the database open, and restores once it is closed', async () => {
    const cliDir = mkdtempSync(join(tmpdir(), 'fse-cli-'));
    const local = new DesktopHost({
      dataDir: cliDir,
      appVersion: '0.1.0',
      tokens: new EncryptedTokenStore(cliDir, keyFileCipher(cliDir)),
      syncIntervalMs: 0,
      backupSchedule: null,
    });
    const [backup] = await local.backups.backupNow();
    const out: string[] = [];
    const print = (line: string) => void out.push(line);

    expect(await restoreCli(['--data', cliDir], {}, print)).toBe(0);
    expect(out.join('\n')).toContain(backup!.file);

    out.length = 0;
    expect(await restoreCli(['--data', cliDir, backup!.file], {}, print)).toBe(1);
    expect(out.join('\n')).toMatch(/open in a running app/);

    local.close();
    out.length = 0;
    expect(await restoreCli(['--data', cliDir, backup!.file], {}, print)).toBe(0);
    expect(out[0]).toBe(`Restored ${backup!.file}.`);
    expect(listBackups(join(cliDir, 'backups')).map((b) => b.label)).toEqual([
      'before-restore',
      'branch',
    ]);
  });

  it('refuses a damaged backup, and one without a manifest unless confirmed, from the app and the command line', async () => {
    const cliDir = mkdtempSync(join(tmpdir(), 'fse-cli-'));
    const local = new DesktopHost({
      dataDir: cliDir,
      appVersion: '0.1.0',
      tokens: new EncryptedTokenStore(cliDir, keyFileCipher(cliDir)),
      syncIntervalMs: 0,
      backupSchedule: null,
    });
    const [damaged] = await local.backups.backupNow();
    const [old] = await local.backups.backupNow();
    const backups = join(cliDir, 'backups');
    const bytes = readFileSync(join(backups, damaged!.file));
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 1;
    writeFileSync(join(backups, damaged!.file), bytes);
    rmSync(join(backups, `${old!.file}.manifest.json`)); // as if made before manifests existed
    expect((await local.backups.overview()).backups.map((b) => [b.file, b.status]).sort()).toEqual(
      [
        [damaged!.file, 'complete'], // the size agrees: only the checksum, at restore, tells
        [old!.file, 'no-manifest'],
      ].sort(),
    );

    const e1 = await failure(local.backups.restore(damaged!.file));
    expect(e1.message).toBe(
      'This backup is damaged (its checksum does not match what was written). Choose an older backup. Nothing was changed.',
    );
    const e2 = await failure(local.backups.restore(old!.file));
    expect(e2.message).toMatch(/has no manifest/);
    expect(await local.backups.restore(old!.file, { withoutManifest: true })).toMatchObject({
      restoredFrom: old!.file,
    });
    local.close();

    const out: string[] = [];
    const print = (line: string) => void out.push(line);
    expect(await restoreCli(['--data', cliDir, damaged!.file], {}, print)).toBe(1);
    expect(out.join('\n')).toMatch(/This backup is damaged .* Choose an older backup/);
    out.length = 0;
    expect(await restoreCli(['--data', cliDir, old!.file], {}, print)).toBe(1);
    expect(out[1]).toBe(
      `To restore it anyway: npm run restore -- --without-manifest ${old!.file} (it is checked for integrity first).`,
    );
    out.length = 0;
    expect(await restoreCli(['--data', cliDir, '--without-manifest', old!.file], {}, print)).toBe(
      0,
    );
    expect(out[0]).toBe(`Restored ${old!.file}.`);
  });

  it('runs at 2 AM local time unless told otherwise', () => {
    const scheduled = new DesktopHost({
      dataDir: mkdtempSync(join(tmpdir(), 'fse-cron-')),
      appVersion: '0.1.0',
      tokens: new EncryptedTokenStore(dir, keyFileCipher(dir)),
      syncIntervalMs: 0,
    });
    try {
      scheduled.start();
      const next = scheduled.backups.scheduler.nextRun()!;
      expect([next.getHours(), next.getMinutes()]).toEqual([2, 0]);
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    } finally {
      scheduled.close();
    }
  });
});
