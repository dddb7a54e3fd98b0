// Backups on real databases: taken while another process writes, checked, restored, pruned.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../db/rows';
import { ledgerMismatches } from '../db/stateHash';
import { BranchCore } from '../runtime';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { acceptBranchBackup } from './accept';
import { backupDatabase, integrityCheck } from './backup';
import { writeManifest } from './manifest';
import { backupFileName, lastBackupAt, listBackups } from './names';
import { restoreDatabase } from './restore';
import { DAY_MS, pruneBackups } from './retention';

const here = dirname(fileURLToPath(import.meta.url));
const manifestFields = { label: 'branch', format: 'sqlite' as const, takenAt: 0, migrations: [] };
const made: string[] = [];
const temp = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `fse-${name}-`));
  made.push(dir);
  return dir;
};
const idRow = z.object({ id: z.string() });
const orderIds = (file: string): Set<string> => {
  const db = new Database(file, { readonly: true });
  try {
    return new Set(parseRows(idRow, db.prepare('SELECT id FROM orders').all()).map((r) => r.id));
  } finally {
    db.close();
  }
};

let w: DemoWorld | null = null;
let writer: ChildProcess | null = null;
afterEach(() => {
  writer?.kill('SIGKILL');
  writer = null;
  w?.core.close();
  if (w) made.push(w.dir);
  w = null;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Another process placing orders in a loop; `acked` fills with each order it saw committed. */
function startWriter(world: DemoWorld): { acked: string[]; exited: Promise<void> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, '../testing/place-orders-child.ts'),
      world.dir,
      world.tokens.shop1,
      world.variant['CUP-SML']!,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  writer = child;
  const acked: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    acked.push(...lines.filter(Boolean));
  });
  return { acked, exited: new Promise((done) => child.once('exit', () => done())) };
}

const until = async (condition: () => boolean, what: string, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('an online backup', () => {
  it('taken while another process keeps writing, restores to a whole database with every row committed before it began', async () => {
    w = await openDemo();
    // Ballast, so the copy takes many steps and the writer commits between them.
    const ballast = Buffer.alloc(4000, 7);
    w.core.db.sqlite.exec('CREATE TABLE ballast (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
    const insert = w.core.db.sqlite.prepare('INSERT INTO ballast (data) VALUES (?)');
    w.core.db.sqlite.transaction(() => {
      for (let i = 0; i < 6000; i++) insert.run(ballast);
    })();
    w.core.close();

    const { acked, exited } = startWriter(w);
    await until(() => acked.length >= 20, 'the writer to commit orders');
    const committedBefore = [...acked];
    const backups = temp('backups');
    const backup = await backupDatabase(join(w.dir, 'branch.sqlite'), backups, {
      label: 'branch',
      pagesPerStep: 32,
    });
    const duringBackup = acked.length - committedBefore.length;
    await until(() => acked.length >= committedBefore.length + duringBackup + 5, 'more writes');
    writer!.kill('SIGKILL');
    await exited;

    expect(duringBackup).toBeGreaterThan(0); // the writer was not blocked while the copy ran
    expect(integrityCheck(backup.path)).toEqual(['ok']);
    expect(listBackups(backups).map((b) => b.file)).toEqual([backup.file]);
    // One self-contained file (no -wal), and its manifest.
    expect(readdirSync(backups).sort()).toEqual([backup.file, `${backup.file}.manifest.json`]);
    expect(backup.manifest).toMatchObject({
      file: backup.file,
      bytes: backup.bytes,
      label: 'branch',
    });

    const restoredDir = temp('restored');
    await restoreDatabase(join(restoredDir, 'branch.sqlite'), backup.path, {
      backupDir: join(restoredDir, 'backups'),
    });
    const restored = new BranchCore(restoredDir);
    try {
      expect(restored.db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(ledgerMismatches(restored.db)).toEqual([]);
      const ids = orderIds(join(restoredDir, 'branch.sqlite'));
      expect(committedBefore.filter((id) => !ids.has(id))).toEqual([]);
    } finally {
      restored.close();
    }
    // The writer's own database was never disturbed.
    expect(integrityCheck(join(w.dir, 'branch.sqlite'))).toEqual(['ok']);
    w.core = new BranchCore(w.dir);
  });

  it("on the app's own connection, takes in the writes made while it runs without starting over", async () => {
    w = await openDemo();
    const shop = w.as('shop1');
    const first = await shop('orders.place', {
      lines: [{ variantId: w.variant['CUP-SML']!, quantity: 1 }],
    });
    const backups = temp('backups');
    let writing = true;
    const placed: string[] = [];
    const writes = (async () => {
      while (writing) {
        placed.push(
          (
            await shop('orders.place', {
              lines: [{ variantId: w!.variant['CUP-SML']!, quantity: 1 }],
            })
          ).id,
        );
        await new Promise((r) => setImmediate(r));
      }
    })();
    const backup = await backupDatabase(w.core.db.sqlite, backups, {
      label: 'branch',
      pagesPerStep: 1,
    });
    writing = false;
    await writes;
    expect(backup.restarts).toBe(0);
    expect(placed.length).toBeGreaterThan(0);
    expect(integrityCheck(backup.path)).toEqual(['ok']);
    expect(orderIds(backup.path).has(first.id)).toBe(true);
  });

  it('refuses to keep a copy that fails its check, and leaves no half-written file', async () => {
    const dir = temp('bad');
    const file = join(dir, 'not-a-db.sqlite');
    writeFileSync(file, 'this is not a database');
    const backups = join(dir, 'backups');
    await expect(backupDatabase(file, backups, { label: 'branch' })).rejects.toThrow();
    expect(existsSync(backups) ? readdirSync(backups) : []).toEqual([]);
  });
});

describe('retention', () => {
  it('deletes exactly the backups older than the limit, and nothing that is not a backup', async () => {
    const dir = temp('retention');
    const now = Date.UTC(2026, 10, 24, 2, 0, 0);
    const limit = 30 * DAY_MS;
    const at = {
      fresh: now - DAY_MS,
      exactlyAtLimit: now - limit,
      justOver: now - limit - 1,
      old: now - 90 * DAY_MS,
    };
    const files = Object.fromEntries(
      Object.entries(at).map(([key, t]) => [key, backupFileName('branch', t)]),
    );
    for (const file of Object.values(files)) {
      writeFileSync(join(dir, file), 'x');
      await writeManifest(join(dir, file), file, manifestFields, () => now);
    }
    writeFileSync(join(dir, `${files['justOver']}-wal`), 'x'); // raw copy's sidecar goes with it
    writeFileSync(join(dir, 'notes.txt'), 'mine'); // not a backup: never touched
    writeFileSync(join(dir, 'branch-2020.sqlite'), 'x'); // not our name: never touched

    const deleted = pruneBackups(dir, { keepMs: limit, now });
    const withManifest = (f: string) => [f, `${f}.manifest.json`];
    expect(deleted).toEqual(
      [
        ...withManifest(files['justOver']!),
        `${files['justOver']}-wal`,
        ...withManifest(files['old']!),
      ].sort(),
    );
    expect(readdirSync(dir).sort()).toEqual(
      [
        ...withManifest(files['fresh']!),
        ...withManifest(files['exactlyAtLimit']!),
        'notes.txt',
        'branch-2020.sqlite',
      ].sort(),
    );
    expect(lastBackupAt(dir)).toBe(at.fresh);
  });
});

describe('a restore', () => {
  it('backs up the current database first, then puts the backup in its place', async () => {
    w = await openDemo();
    const shop = w.as('shop1');
    const line = { variantId: w.variant['CUP-SML']!, quantity: 1 };
    const kept = await shop('orders.place', { lines: [line] });
    const backups = join(w.dir, 'backups');
    const backup = await backupDatabase(w.core.db.sqlite, backups, { label: 'branch' });
    const later = await shop('orders.place', { lines: [line] });
    w.core.close();

    const result = await restoreDatabase(join(w.dir, 'branch.sqlite'), backup.path, {
      backupDir: backups,
      accept: acceptBranchBackup(),
      now: () => backup.takenAt + 60_000,
    });
    expect(result.safetyCopy?.verified).toBe(true);
    expect(listBackups(backups).map((b) => b.label)).toEqual(['before-restore', 'branch']);
    // The copy of what was there holds the order placed after the backup…
    expect(orderIds(result.safetyCopy!.path).has(later.id)).toBe(true);
    // …and the database is the backup again.
    w.core = new BranchCore(w.dir);
    const ids = orderIds(join(w.dir, 'branch.sqlite'));
    expect(ids.has(kept.id)).toBe(true);
    expect(ids.has(later.id)).toBe(false);
    expect(w.core.db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    // The person signed in before still has a session (it was in the backup), and work goes on.
    await w.core.call('orders.place', { lines: [line] }, w.tokens.shop1);
  });

  it('refuses a damaged backup, one from a newer app, or a database in use, and changes nothing', async () => {
    w = await openDemo();
    const backups = join(w.dir, 'backups');
    const good = await backupDatabase(w.core.db.sqlite, backups, { label: 'branch' });
    // Not under an app that has the database open.
    const open = await failure(
      restoreDatabase(join(w.dir, 'branch.sqlite'), good.path, { backupDir: backups }),
    );
    expect(open).toMatchObject({ code: 'INVALID_STATE' });
    expect(open.message).toMatch(/open in a running app/);
    w.core.close();
    const target = join(w.dir, 'branch.sqlite');
    const before = orderIds(target);

    const damaged = join(w.dir, 'damaged.sqlite');
    writeFileSync(damaged, 'SQLite format 3\0 but not really');
    const e1 = await failure(restoreDatabase(target, damaged, { backupDir: backups }));
    expect(e1.code).toBe('FILE_REJECTED');

    // No manifest either: an old backup, confirmed, still meets the app's own checks.
    const newer = join(w.dir, 'newer.sqlite');
    copyFileSync(good.path, newer);
    const db = new Database(newer);
    db.prepare('INSERT INTO schema_migrations (tag, hash, applied_at) VALUES (?, ?, ?)').run(
      '29991231000000_future',
      'f'.repeat(64),
      0,
    );
    db.close();
    const e2 = await failure(
      restoreDatabase(target, newer, {
        backupDir: backups,
        accept: acceptBranchBackup(),
        withoutManifest: true,
      }),
    );
    expect(e2.code).toBe('DATABASE_TOO_NEW');

    expect(listBackups(backups).map((b) => b.label)).toEqual(['branch']); // no safety copy either
    expect(orderIds(target)).toEqual(before);
    w.core = new BranchCore(w.dir);
  });
});
