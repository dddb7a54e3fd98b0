// The background checkpointer: commits go on while a worker thread's connection copies the log,
// the log starts over once it has grown past its bound, and a worker that cannot start leaves
// the writer checkpointing as before.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startCheckpointer } from './checkpointer';
import { openDatabase, type Db } from './open';

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.sqlite.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'fse-checkpointer-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'branch.sqlite'));
  dbs.push(db);
  db.sqlite.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return db;
}

const ownLimit = (db: Db) => Number(db.sqlite.pragma('wal_autocheckpoint', { simple: true }));
const logBytes = (db: Db) => (existsSync(`${db.file}-wal`) ? statSync(`${db.file}-wal`).size : 0);
/** A turn of the event loop, as a pull waiting for its next page gives: the worker's answers. */
const aTurn = () => new Promise((resolve) => setImmediate(resolve));
/** About `pages` pages of the log in one transaction. */
const commitPages = (db: Db, pages: number) =>
  db.sqlite.transaction(() => {
    const insert = db.sqlite.prepare('INSERT INTO filler (body) VALUES (?)');
    for (let i = 0; i < pages * 3; i++) insert.run('x'.repeat(1200));
  })();

describe('the background checkpointer', () => {
  it('takes the checkpoints off the writer, and gives them back with the log truncated', async () => {
    const db = scratch();
    db.sqlite.pragma('wal_autocheckpoint = 700');
    const checkpointer = startCheckpointer(db);
    await vi.waitFor(() => expect(ownLimit(db)).toBe(0));
    for (let i = 0; i < 12; i++) {
      commitPages(db, 100);
      await checkpointer.committed();
      await aTurn();
    }
    const { checkpoints } = await checkpointer.stop();
    expect(checkpoints).toBeGreaterThanOrEqual(2);
    expect(ownLimit(db)).toBe(700);
    expect(logBytes(db)).toBe(0);
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 3600 });
    expect(db.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    // The database file alone (the log is empty) holds every commit.
    db.close();
    const reopened = openDatabase(db.file);
    dbs.push(reopened);
    expect(reopened.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 3600 });
  });

  it('lets the log start over once it has grown past its bound', async () => {
    const grown = async (pauseAt: number) => {
      const db = scratch();
      const checkpointer = startCheckpointer(db, pauseAt);
      await vi.waitFor(() => expect(ownLimit(db)).toBe(0));
      let largest = 0;
      for (let i = 0; i < 60; i++) {
        commitPages(db, 40);
        largest = Math.max(largest, logBytes(db));
        await checkpointer.committed();
        await aTurn();
      }
      await checkpointer.stop();
      return largest;
    };
    const unbounded = await grown(Number.POSITIVE_INFINITY);
    const bounded = await grown(100);
    // Without the pause the log only grows (the worker always trails the commit under way).
    expect(unbounded).toBeGreaterThan(60 * 40 * 4096 * 0.9);
    expect(bounded).toBeLessThan(unbounded / 3);
  });

  it('leaves the writer checkpointing itself when the worker cannot open the database', async () => {
    const db = scratch();
    const elsewhere: Db = { ...db, file: join(dirs.at(-1)!, 'missing', 'branch.sqlite') };
    const checkpointer = startCheckpointer(elsewhere);
    commitPages(db, 10);
    await checkpointer.committed();
    expect(await checkpointer.stop()).toEqual({ checkpoints: 0 });
    expect(ownLimit(db)).toBe(1000);
    expect(db.sqlite.prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 30 });
  });

  it('does nothing for a database in memory', async () => {
    const db = openDatabase(':memory:');
    dbs.push(db);
    const checkpointer = startCheckpointer(db);
    await checkpointer.committed();
    expect(await checkpointer.stop()).toEqual({ checkpoints: 0 });
  });
});
