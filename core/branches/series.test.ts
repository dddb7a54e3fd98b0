// A PC restored from an old backup never repeats a number: it numbers in a new series.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BranchCore } from '../runtime';
import { openDemo, type DemoWorld } from '../testing/demo';
import { nextSeries } from './series';

const place = async (w: DemoWorld, core: BranchCore) =>
  (
    await core.call(
      'orders.place',
      { lines: [{ variantId: Object.values(w.variant)[0]!, quantity: 1 }] },
      w.tokens.shop1,
    )
  ).number;

/** Stops the PC, puts `backup` in place of its database (as a restore does), and starts it again. */
function restore(core: BranchCore, dir: string, backup: string): BranchCore {
  core.close();
  for (const suffix of ['-wal', '-shm'])
    rmSync(join(dir, `branch.sqlite${suffix}`), { force: true });
  copyFileSync(backup, join(dir, 'branch.sqlite'));
  return new BranchCore(dir);
}

function backupOf(core: BranchCore): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fse-series-')), 'backup.sqlite');
  core.db.sqlite.exec(`VACUUM INTO '${file}'`);
  return file;
}

describe('number series after a restore', () => {
  it('counts series B, C, …, Z, AA', () => {
    expect(['', 'B', 'Y', 'Z', 'AZ', 'ZZ'].map(nextSeries)).toEqual([
      'B',
      'C',
      'Z',
      'AA',
      'BA',
      'AAA',
    ]);
  });

  it('keeps numbering on as before across ordinary restarts', async () => {
    const w = await openDemo();
    const first = await place(w, w.core);
    w.core.close();
    const again = new BranchCore(w.dir);
    const second = await place(w, again);
    expect(second.slice(0, -6)).toBe(first.slice(0, -6));
    expect(Number(second.slice(-6))).toBe(Number(first.slice(-6)) + 1);
    again.close();
  });

  it('numbers in a new series after a restore, and again after restoring the same backup twice', async () => {
    const w = await openDemo();
    const before = await place(w, w.core);
    const backup = backupOf(w.core);
    const after = [await place(w, w.core), await place(w, w.core)];
    let core = restore(w.core, w.dir, backup);
    const restored = [await place(w, core), await place(w, core)];
    core = restore(core, w.dir, backup);
    const twice = await place(w, core);
    const all = [before, ...after, ...restored, twice];
    expect(new Set(all).size).toBe(all.length);
    expect(restored[0]).toMatch(/\dB-000001$/);
    expect(twice).toMatch(/\dC-000001$/);
    core.close();
  });

  it('numbers in a new series when the database is restored onto another PC', async () => {
    const w = await openDemo();
    const before = await place(w, w.core);
    const backup = backupOf(w.core);
    w.core.close();
    const elsewhere = mkdtempSync(join(tmpdir(), 'fse-series-new-pc-'));
    copyFileSync(backup, join(elsewhere, 'branch.sqlite'));
    const core = new BranchCore(elsewhere);
    const number = await place(w, core);
    expect(number).not.toBe(before);
    expect(number).toMatch(/B-000001$/);
    core.close();
  });

  it('keeps the guard current at every number, with no close, and reads a torn guard as a restore', async () => {
    const w = await openDemo();
    const numbers = [await place(w, w.core), await place(w, w.core), await place(w, w.core)];
    // As a crash would leave it: the PC never closed, the guard written in place.
    const guard = JSON.parse(readFileSync(join(w.dir, 'numbering.json'), 'utf8')) as {
      issued: Record<string, number>;
      sum: string;
    };
    expect(Math.max(...Object.values(guard.issued))).toBe(Number(numbers[2]!.slice(-6)));
    w.core.close();
    // A write cut short mid-way: the digits no longer match the digest.
    const torn = JSON.stringify({
      ...guard,
      issued: Object.fromEntries(Object.keys(guard.issued).map((k) => [k, 1])),
    });
    writeFileSync(join(w.dir, 'numbering.json'), torn);
    const core = new BranchCore(w.dir);
    const next = await place(w, core);
    expect(numbers).not.toContain(next);
    expect(next).toMatch(/\dB-000001$/);
    core.close();
  });
});
