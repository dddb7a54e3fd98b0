// A head-office server on loopback and branch PCs enrolled with it, for sync tests and benchmarks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputOf, OperationName, OutputOf } from '../../core/contract/api';
import { BranchCore } from '../../core/runtime';
import { enrollDevice } from '../../core/sync/enroll';
import { SyncEngine, type SyncEngineOptions } from '../../core/sync/engine';
import { HttpSyncTransport } from '../../core/sync/http';
import type { SyncTransport } from '../../core/sync/transport';
import { startServer, type ServerConfig } from '../main';

export const PASSWORD = 'correct-horse-battery';

/** A payment slip's bytes: a PNG signature is all the slip check asks of a file. */
export const SLIP_PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1]).toString(
  'base64',
);

/** Places an order for one variant at a PC and attaches its payment slip (not synced yet). */
export async function placeWithSlip(site: Site, username: string, variantId: string, quantity = 1) {
  const placed = await site.as(username)('orders.place', { lines: [{ variantId, quantity }] });
  await site.as(username)('orders.attachSlip', {
    orderId: placed.id,
    fileName: 'slip.png',
    contentBase64: SLIP_PNG,
  });
  return placed;
}

export async function http<T>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  // A pooled connection closed by a server restart fails at once; one fresh try is enough.
  const send = () =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const response = await send().catch(() => send());
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export interface Site {
  core: BranchCore;
  engine: SyncEngine;
  token: string;
  dir: string;
  /** Session tokens of users signed in on this PC. */
  sessions: Record<string, string>;
  login(username: string): Promise<string>;
  as(
    username: string,
  ): <N extends OperationName>(name: N, input: InputOf<N>) => Promise<OutputOf<N>>;
  close(): void;
}

/** A head office set up over HTTP: its admin, branches, users and a product. */
export interface HeadOffice {
  base: string;
  adminToken: string;
  branch: Record<'HQ' | 'FAC' | 'SH01' | 'SH02', string>;
  variants: string[];
  /** Calls an operation on head office's replica as its admin, over HTTP. */
  admin<N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
  enrollmentCode(branch: keyof HeadOffice['branch']): Promise<string>;
}

export interface World extends HeadOffice {
  server: Awaited<ReturnType<typeof startServer>>;
  enroll(
    branch: keyof World['branch'],
    options?: {
      wrap?: (t: SyncTransport) => SyncTransport;
      engine?: SyncEngineOptions;
      /** Syncs through this server (another process on the same database) once enrolled. */
      via?: string;
    },
  ): Promise<Site>;
  close(): Promise<void>;
}

export async function startWorld(
  config: Partial<ServerConfig> = {},
  log: (e: Record<string, unknown>) => void = () => undefined,
): Promise<World> {
  const dataDir = config.dataDir ?? mkdtempSync(join(tmpdir(), 'fse-server-'));
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir, databaseUrl: null, ...config },
    log,
  );
  const ho = await setUpHeadOffice(`http://127.0.0.1:${server.port}`);
  const sites: Site[] = [];
  const enroll: World['enroll'] = async (b, options = {}) => {
    const site = await enrollSite(ho, b, options);
    sites.push(site);
    return site;
  };
  return {
    ...ho,
    server,
    enroll,
    close: async () => {
      for (const s of sites) s.close();
      await server.close();
    },
  };
}

/** A branch PC enrolled with head office `ho` (a server in this process or another). */
export async function enrollSite(
  ho: HeadOffice,
  b: keyof HeadOffice['branch'],
  options: Parameters<World['enroll']>[1] = {},
): Promise<Site> {
  const { base } = ho;
  const dir = mkdtempSync(join(tmpdir(), `fse-${b.toLowerCase()}-`));
  const core = new BranchCore(dir);
  const enrolled = await enrollDevice(core.db, new HttpSyncTransport({ baseUrl: base }), {
    serverUrl: base,
    code: await ho.enrollmentCode(b),
    deviceName: `${b} PC`,
  });
  const transport = new HttpSyncTransport({
    baseUrl: options.via ?? base,
    token: enrolled.token,
  });
  const engine = new SyncEngine(
    core.db,
    core.files,
    enrolled.deviceId,
    options.wrap ? options.wrap(transport) : transport,
    {
      ...options.engine,
      onRemoteStamp: (hlc) => core.context().clock.receive(hlc),
    },
  );
  await engine.sync();
  const sessions: Record<string, string> = {};
  const site: Site = {
    core,
    engine,
    token: enrolled.token,
    dir,
    sessions,
    login: async (username) =>
      (sessions[username] ??= (
        await core.call('auth.login', { username, password: PASSWORD })
      ).token),
    as:
      (username) =>
      async <N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> =>
        core.call(name, input, await site.login(username)),
    close: () => core.close(),
  };
  return site;
}

/** Operations of head office's console at `base`, as the admin signed in with `token`. */
export function adminAt(base: string, token: string): HeadOffice['admin'] {
  return async <N extends OperationName>(name: N, input: InputOf<N>): Promise<OutputOf<N>> => {
    const r = await http<{ ok: boolean; result: OutputOf<N>; error?: { message: string } }>(
      base,
      'POST',
      `/api/${name}`,
      input,
      token,
    );
    if (!r.body.ok) throw new Error(`${name}: ${r.body.error?.message ?? r.status}`);
    return r.body.result;
  };
}

/**
 * First-run setup of a fresh server at `base`, then, as its admin: the factory and two shops, a
 * clerk for each and a finance user, three mugs with 1,000 of each made at the factory.
 */
export async function setUpHeadOffice(base: string): Promise<HeadOffice> {
  const setup = await http(base, 'POST', '/setup', {
    branch: { code: 'HQ', name: 'Head Office' },
    admin: { username: 'admin', displayName: 'Admin', password: PASSWORD },
  });
  if (setup.status !== 200) throw new Error(`setup failed: ${JSON.stringify(setup.body)}`);
  const login = await http<{ ok: boolean; result: { token: string } }>(
    base,
    'POST',
    '/api/auth.login',
    { username: 'admin', password: PASSWORD },
  );
  const adminToken = login.body.result.token;
  const admin = adminAt(base, adminToken);
  const hq = (await admin('auth.me', {})).branchId;
  const branch = { HQ: hq } as HeadOffice['branch'];
  for (const [code, name, kind] of [
    ['FAC', 'Factory', 'factory'],
    ['SH01', 'Shop One', 'shop'],
    ['SH02', 'Shop Two', 'shop'],
  ] as const)
    branch[code] = (await admin('branches.create', { code, name, kind })).id;
  for (const [username, role, b] of [
    ['factory', 'factory_clerk', 'FAC'],
    ['shop1', 'shop_clerk', 'SH01'],
    ['shop2', 'shop_clerk', 'SH02'],
    ['finance', 'finance', 'HQ'],
  ] as const)
    await admin('users.create', {
      username,
      displayName: username,
      role,
      branchId: branch[b],
      password: PASSWORD,
    });
  const product = await admin('catalog.createProduct', {
    name: 'Mug',
    category: 'Ceramics',
    variants: ['MUG-S', 'MUG-M', 'MUG-L'].map((sku, i) => ({
      sku,
      attributes: { size: sku.slice(-1) },
      price: 1000 * (i + 1),
      cost: 600 * (i + 1),
      minStock: 5,
    })),
  });
  for (const variantId of product.variantIds)
    await admin('production.record', {
      branchId: branch.FAC,
      variantId,
      quantity: 1000,
      producedOn: '2026-11-01',
    });

  const enrollmentCode = async (b: keyof HeadOffice['branch']) => {
    return (await admin('devices.enrollmentCode', { branchId: branch[b] })).code;
  };
  return { base, adminToken, branch, variants: product.variantIds, admin, enrollmentCode };
}
