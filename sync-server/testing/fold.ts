// The oracle of the sync tests: a brand-new replica that folds the server's log for a branch
// from nothing, pulling only (it never pushes), to compare a long-lived replica against.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { saveDevice } from '../../core/branches/device';
import type { Db } from '../../core/db/open';
import { differingTables, stateHash } from '../../core/db/stateHash';
import { BranchCore } from '../../core/runtime';
import { copyPcData } from '../../core/testing/demo';
import { SyncEngine } from '../../core/sync/engine';
import { HttpSyncTransport } from '../../core/sync/http';
import type { SyncTransport } from '../../core/sync/transport';
import { parsedPage, type SyncHub } from '../hub';

/** For the benchmark's convergence check. */
export { differingTables } from '../../core/db/stateHash';

const rowsOf = (db: Db, table: string) =>
  new Set(
    db.sqlite
      .prepare(`SELECT * FROM ${table}`)
      .all()
      .map((r) => JSON.stringify(r)),
  );

/** Compares a replica with a fresh fold of its branch: the rows that differ (none, when it converged). */
export async function differenceFromFreshFold(
  replica: Db,
  base: string,
  token: string | null,
  branchId: string,
  hub?: SyncHub,
): Promise<string[]> {
  return withFreshFold(base, token, branchId, hub, (fold) =>
    differingTables(replica, fold).map((t) => {
      const [mine, theirs] = [rowsOf(replica, t), rowsOf(fold, t)];
      const onlyMine = [...mine].filter((r) => !theirs.has(r)).slice(0, 3);
      const onlyFold = [...theirs].filter((r) => !mine.has(r)).slice(0, 3);
      return `${t}: replica has ${JSON.stringify(onlyMine)}; fresh fold has ${JSON.stringify(onlyFold)}`;
    }),
  );
}

export async function freshFoldHash(
  base: string,
  token: string | null,
  branchId: string,
  hub?: SyncHub,
): Promise<string> {
  return withFreshFold(base, token, branchId, hub, (fold) => stateHash(fold));
}

let pristine: string | undefined;

/**
 * A new PC's empty database in `dir`: migrated once per process and copied after that (a model
 * run folds seven times or more; migrating cost ten times what the copy does).
 */
function emptyCore(dir: string): BranchCore {
  if (!pristine) {
    const made = mkdtempSync(join(tmpdir(), 'fse-fold-pristine-'));
    new BranchCore(made).close();
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    pristine = made;
  }
  copyPcData(pristine, dir);
  return new BranchCore(dir);
}

async function withFreshFold<T>(
  base: string,
  token: string | null,
  branchId: string,
  hub: SyncHub | undefined,
  use: (fold: Db) => T,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fse-fold-'));
  const core = emptyCore(dir);
  try {
    const deviceId = randomUUID();
    saveDevice(core.db, { id: deviceId, branchId, number: 99 });
    let transport: SyncTransport;
    if (token) transport = new HttpSyncTransport({ baseUrl: base, token });
    else {
      if (!hub) throw new Error('a head-office fold needs the hub');
      const all = {
        id: deviceId,
        branchId,
        number: 99,
        name: 'fold',
        tokenHash: null,
        enrolledAt: 0,
        revokedAt: null,
        lastSeenAt: null,
        appVersion: null,
        pending: 0,
        cursor: 0,
        lastBackupAt: null,
        freeDiskBytes: null,
        updateRefused: null,
      };
      transport = {
        push: () => Promise.reject(new Error('the fold never pushes')),
        pull: async (after, limit) => parsedPage(await hub.pull(all, after, limit)),
        hasFile: (h) => hub.store.hasFile(h),
        putFile: () => Promise.reject(new Error('the fold never pushes')),
        getFile: async (h) => (await hub.store.getFile(h)) ?? Buffer.alloc(0),
      };
    }
    const engine = new SyncEngine(core.db, core.files, deviceId, transport);
    await engine.pull();
    return use(core.db);
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
