// Branch PCs for the sync benchmark: ten shops (world.ts knows only FAC/SH01/SH02), one clerk
// each, and PCs enrolled the way the desktop app enrolls: an admin's code, enrollDevice, then a
// SyncEngine over HTTP. Also byte-exact snapshots (VACUUM INTO) of branch PCs, so the same offline
// events can be pushed twice: once concurrently, once one branch after another.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BranchCore } from '../../core/runtime';
import { enrollDevice } from '../../core/sync/enroll';
import { SyncEngine, type SyncEngineOptions } from '../../core/sync/engine';
import { HttpSyncTransport } from '../../core/sync/http';
import { PAGE_READER_SOURCE } from '../../core/sync/page-reader';
import { PASSWORD, type HeadOffice } from '../testing/world';
import { bundleInCache } from './server-process';

export interface Pc {
  name: string;
  branchId: string;
  deviceId: string;
  token: string;
  dir: string;
  core: BranchCore;
  transport: HttpSyncTransport;
  engine: SyncEngine;
}

export interface Shop {
  code: string;
  branchId: string;
  clerk: string;
}

/** Creates `count` shops and a clerk for each, through the admin contract at head office. */
export async function createShops(w: HeadOffice, count: number): Promise<Shop[]> {
  const shops: Shop[] = [];
  for (let i = 1; i <= count; i++) {
    const code = `B${String(i).padStart(2, '0')}`;
    const { id } = await w.admin('branches.create', { code, name: `Shop ${code}`, kind: 'shop' });
    const clerk = `clerk.${code.toLowerCase()}`;
    await w.admin('users.create', {
      username: clerk,
      displayName: `Clerk ${code}`,
      role: 'shop_clerk',
      branchId: id,
      password: PASSWORD,
    });
    shops.push({ code, branchId: id, clerk });
  }
  return shops;
}

/** The next turn of each set of server processes, shared by every PC sending to that set. */
const turns = new Map<string, number>();

/**
 * A fetch that sends each request to the next of several server processes in turn, as one load
 * balancer without session affinity in front of them would: the turn is shared by every PC
 * sending to the same processes (with a turn per PC, each PC's first request of a round went to
 * the first process, which got twice the last one's share of ten PCs' five pushes each).
 * Requests are written for `bases[0]`.
 */
export function roundRobin(bases: readonly string[]): typeof fetch {
  const first = bases[0];
  if (first === undefined) throw new Error('roundRobin: no server address');
  const key = bases.join(' ');
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(first)) throw new Error(`roundRobin: ${url} is not under ${first}`);
    const turn = turns.get(key) ?? 0;
    turns.set(key, turn + 1);
    const base = bases[turn % bases.length]!;
    return fetch(base + url.slice(first.length), init);
  };
}

/**
 * The PCs read a long catch-up's pages ahead on a worker thread (core/sync/page-reader.ts) from a
 * bundle, as the app ships it (electron/build.ts bundles the same entry beside the core's), not from
 * the sources through tsx, which takes the worker half a second to load rather than a tenth. As
 * the server processes run bundled (./server-process.ts, bundleInCache); an ES module by its name.
 */
export async function useBundledPageReader(): Promise<void> {
  process.env['FSE_PAGE_READER'] = await bundleInCache(
    'page-reader',
    PAGE_READER_SOURCE,
    'page-reader.mjs',
  );
}

/**
 * A SyncEngine over HTTP for a PC whose database is already enrolled; with several addresses
 * (server processes on one database), its requests go to each in turn.
 */
export function openPc(
  base: string | readonly string[],
  dir: string,
  token: string,
  name: string,
  options: SyncEngineOptions = {},
): Pc {
  const core = new BranchCore(dir);
  const device = core.context().device;
  if (!device) throw new Error(`${dir} holds no enrolled PC`);
  const bases = typeof base === 'string' ? [base] : base;
  const transport = new HttpSyncTransport({
    baseUrl: bases[0]!,
    token,
    ...(bases.length > 1 && { fetch: roundRobin(bases) }),
  });
  const engine = new SyncEngine(core.db, core.files, device.id, transport, {
    ...options,
    onRemoteStamp: (hlc) => core.context().clock.receive(hlc),
  });
  return {
    name,
    branchId: device.branchId,
    deviceId: device.id,
    token,
    dir,
    core,
    transport,
    engine,
  };
}

/** Enrolls a new PC for a branch (any branch id); by default brings it up to date with one sync. */
export async function enrollPc(
  w: HeadOffice,
  branchId: string,
  name: string,
  options: SyncEngineOptions = {},
  firstSync = true,
): Promise<Pc> {
  const dir = mkdtempSync(join(tmpdir(), 'fse-syncbench-pc-'));
  const { code } = await w.admin('devices.enrollmentCode', { branchId });
  const core = new BranchCore(dir);
  let token: string;
  try {
    token = (
      await enrollDevice(core.db, new HttpSyncTransport({ baseUrl: w.base }), {
        serverUrl: w.base,
        code,
        deviceName: name,
      })
    ).token;
  } finally {
    core.close();
  }
  const pc = openPc(w.base, dir, token, name, options);
  if (firstSync) await pc.engine.sync();
  return pc;
}

/** Signs a user in on the PC; the session token for core.context(). */
export async function signIn(pc: Pc, username: string): Promise<string> {
  return (await pc.core.call('auth.login', { username, password: PASSWORD })).token;
}

/** A consistent copy of a branch PC's database, in a new directory, ready for openPc. */
export function snapshotPc(pc: Pc): string {
  const dir = mkdtempSync(join(tmpdir(), 'fse-syncbench-copy-'));
  pc.core.db.sqlite.prepare('VACUUM INTO ?').run(join(dir, 'branch.sqlite'));
  return dir;
}
