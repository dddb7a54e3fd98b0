// Head office's backups prove they are whole: its SQLite store and replica backups, cut short at
// offsets across their last pages or with a byte changed in row data, and its pg_dump truncated
// or changed, are all refused by their manifests before anything is touched.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '../../core/backup/files';
import { manifestPath } from '../../core/backup/manifest';
import { listBackups } from '../../core/backup/names';
import { rng } from '../../core/bench/stats';
import { cutOffsets, flipOffsets, refusal } from '../../core/testing/damage';
import { newProduct, usePostgres } from '../testing/backups';
import { startWorld } from '../testing/world';
import { restoreServer, storeFile } from './restore';

/**
 * Writes each damaged version of `backup` (with its manifest, as after a bad disk or copy) into a
 * folder of its own and tries to restore it: every cut must be refused for its size, and every
 * changed byte for its checksum. Returns how many were tried.
 */
async function everyDamageRefused(
  backup: string,
  file: string,
  restore: (path: string) => Promise<unknown>,
  needles: string[],
  pageSize: number,
): Promise<number> {
  const original = readFileSync(backup);
  const dir = mkdtempSync(join(tmpdir(), 'fse-damaged-'));
  const damaged = join(dir, file);
  copyFileSync(manifestPath(backup), manifestPath(damaged));
  const random = rng(original.length);
  let tried = 0;
  for (const at of cutOffsets(original.length, pageSize, random)) {
    writeFileSync(damaged, original.subarray(0, at));
    const e = await refusal(restore(damaged));
    expect([e.details['reason'], e.message], `cut at ${at}`).toEqual([
      'size',
      expect.stringMatching(/This backup is damaged .*Choose an older backup/),
    ]);
    tried += 1;
  }
  for (const at of flipOffsets(original, needles, random)) {
    const flipped = Buffer.from(original);
    flipped[at] = (flipped[at] ?? 0) ^ 0x01;
    writeFileSync(damaged, flipped);
    const e = await refusal(restore(damaged));
    expect([e.details['reason'], e.message], `byte ${at} changed`).toEqual([
      'checksum',
      'This backup is damaged (its checksum does not match what was written). Choose an older backup. Nothing was changed.',
    ]);
    tried += 1;
  }
  return tried;
}

describe("head office's SQLite backups", () => {
  it('refuses every damaged store or replica backup, and leaves the store as it was', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-server-'));
    const w = await startWorld({ dataDir });
    let taken;
    try {
      await newProduct(w, 'Saucer');
      taken = await w.admin('backups.create', {});
    } finally {
      await w.close();
    }
    const before = await sha256File(storeFile(dataDir));
    const backups = join(dataDir, 'backups');
    const restore = (path: string) => restoreServer({ dataDir, file: path, log: () => undefined });
    for (const b of taken) {
      const tried = await everyDamageRefused(
        join(backups, b.file),
        b.file,
        restore,
        ['Saucer', 'SAUCER'],
        4096,
      );
      expect(tried, b.label).toBeGreaterThan(25);
    }
    expect(await sha256File(storeFile(dataDir))).toBe(before);
    expect(listBackups(backups).map((b) => b.label)).toEqual(['replica', 'store']); // no safety copy
    // The whole one still restores.
    const store = taken.find((b) => b.label === 'store')!;
    expect(await restoreServer({ dataDir, file: store.file, log: () => undefined })).toEqual([
      join(backups, store.file),
    ]);
  });
});

describe("head office's pg_dump", () => {
  const pg = usePostgres();

  it('refuses a truncated or changed dump by its manifest, before touching the database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-server-pg-'));
    const databaseUrl = await pg.createDatabase('damaged');
    const w = await startWorld({ dataDir, databaseUrl });
    let dump;
    try {
      await newProduct(w, 'Saucer');
      [dump] = await w.admin('backups.create', {});
    } finally {
      await w.close();
    }
    expect(dump?.label).toBe('postgres');
    const path = join(dataDir, 'backups', dump!.file);
    const restore = (file: string) =>
      restoreServer({ dataDir, file, databaseUrl, log: () => undefined, waitForServersMs: 0 });
    // A custom-format dump is compressed: no row text to find, so the changed bytes fall at
    // random across it (its table of contents and its compressed rows alike).
    const tried = await everyDamageRefused(path, dump!.file, restore, [], 4096);
    expect(tried).toBeGreaterThan(10);
    // Nothing was dumped first, nothing restored: the only backups are the night's.
    expect(listBackups(join(dataDir, 'backups')).map((b) => b.label)).toEqual([
      'replica',
      'postgres',
    ]);
  });
});
