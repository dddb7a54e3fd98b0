// Worlds for the model tests: a server and three branch PCs set up once, then copied file by
// file for every run, so hundreds of runs each start from the same real databases.
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BranchCore } from '../../core/runtime';
import { SyncEngine } from '../../core/sync/engine';
import { HttpSyncTransport } from '../../core/sync/http';
import { restoreServer } from '../backup/restore';
import { startServer, type ServerConfig } from '../main';
import { FaultyTransport } from './faults';
import { http, PASSWORD, startWorld } from './world';

/**
 * Two PCs at the factory, so two clerks can act on one order while apart; and a driver's second
 * tablet at Shop One, which continues a trip the first began (issue 16).
 */
export const SITES = [
  { code: 'FAC', user: 'factory' },
  { code: 'SH01', user: 'shop1' },
  { code: 'SH02', user: 'shop2' },
  { code: 'FAC', user: 'factory' },
  { code: 'SH01', user: 'driver1' },
] as const;

/** Shop One's sales rep and driver, signed in on its PCs beside the clerk. */
export const ROAD_USERS = [
  { username: 'rep1', role: 'sales_rep' },
  { username: 'rep2', role: 'sales_rep' },
  { username: 'driver1', role: 'driver' },
] as const;
/** Shop One's customers: two of rep1's (one with a credit limit), one of rep2's, one without coordinates. */
const ROAD_CUSTOMERS = [
  { name: 'Blue Nile Cafe', lat: 9.0301, lng: 38.7402, rep: 'rep1', creditLimit: 5_000 },
  { name: 'Merkato Store', lat: 9.0102, lng: 38.7221, rep: 'rep1', creditLimit: null },
  { name: 'Bole Restaurant', lat: 8.9951, lng: 38.7893, rep: 'rep2', creditLimit: null },
  { name: 'Piassa Kiosk', lat: null, lng: null, rep: 'rep1', creditLimit: null },
] as const;

export interface Template {
  serverDir: string;
  databaseUrl: string | null;
  sites: {
    code: string;
    user: string;
    dir: string;
    token: string;
    deviceId: string;
    session: string;
    /** Sessions of other people signed in on this PC (Shop One's rep and driver). */
    sessions: Record<string, string>;
  }[];
  /** Shop One's customers for the road. */
  customers: string[];
  variants: string[];
  branch: Record<string, string>;
  /** Each user's id, by username. */
  users: Record<string, string>;
  financeToken: string;
  adminToken: string;
}

export async function buildTemplate(
  config: { databaseUrl?: string | null } = {},
): Promise<Template> {
  const serverDir = mkdtempSync(join(tmpdir(), 'fse-model-server-'));
  const w = await startWorld({ dataDir: serverDir, databaseUrl: config.databaseUrl ?? null });
  // Head office's loyalty rules, before the PCs enroll: every sale to a customer earns points at
  // once (no pending days here, so shops can redeem the same points while offline).
  await http(
    w.base,
    'POST',
    '/api/loyalty.saveProgram',
    {
      spendPerPoint: 100,
      pendingDays: 0,
      expiryDays: 2,
      pointValue: 1,
      tiers: [
        { name: 'Bronze', minSpend: 0, rateBp: 10_000 },
        { name: 'Gold', minSpend: 200_000, rateBp: 20_000 },
      ],
    },
    w.adminToken,
  );
  const roadIds: Record<string, string> = {};
  for (const u of ROAD_USERS)
    roadIds[u.username] = (
      await w.admin('users.create', {
        username: u.username,
        displayName: u.username,
        role: u.role,
        branchId: w.branch.SH01,
        password: PASSWORD,
        ...(u.role === 'sales_rep' && { commissionBp: 250 }),
      })
    ).id;
  const customers: string[] = [];
  for (const [i, c] of ROAD_CUSTOMERS.entries()) {
    const made = await w.admin('customers.create', {
      branchId: w.branch.SH01,
      name: c.name,
      phone: `09220000${i}1`,
      address: `${c.name}, Addis Ababa`,
      ...(c.lat !== null && { lat: c.lat, lng: c.lng }),
    });
    await w.admin('customers.saveTerms', {
      customerId: made.id,
      repId: roadIds[c.rep],
      creditLimit: c.creditLimit,
    });
    customers.push(made.id);
  }
  // Badges an admin set: five deliveries ever; two on-time trips in a row; a rep's two orders a
  // month; and the month's most new customers (settled by head office after its grace).
  for (const rule of [
    {
      name: 'Five deliveries',
      role: 'driver',
      rule: 'count',
      kind: 'delivery',
      threshold: 5,
      period: 'ever',
      points: 50,
    },
    {
      name: 'On time twice',
      role: 'driver',
      rule: 'streak',
      kind: 'on_time_trip',
      threshold: 2,
      period: 'ever',
      points: 30,
    },
    {
      name: 'Two orders a month',
      role: 'sales_rep',
      rule: 'count',
      kind: 'order_delivered',
      threshold: 2,
      period: 'month',
      points: 20,
    },
    {
      name: 'Most new customers',
      role: 'sales_rep',
      rule: 'top',
      kind: 'new_customer',
      threshold: 1,
      period: 'month',
      points: 100,
    },
  ] as const)
    await w.admin('badges.saveRule', { ...rule, announce: false, active: true });
  const sites = [];
  for (const s of SITES) {
    const site = await w.enroll(s.code);
    const sessions: Record<string, string> = {};
    if (s.code === 'SH01' && s.user === 'shop1')
      for (const u of ROAD_USERS) sessions[u.username] = await site.login(u.username);
    sites.push({
      code: s.code,
      user: s.user,
      dir: site.dir,
      token: site.token,
      deviceId: site.core.context().device!.id,
      session: await site.login(s.user),
      sessions,
    });
  }
  const finance = await http<{ result: { token: string } }>(w.base, 'POST', '/api/auth.login', {
    username: 'finance',
    password: PASSWORD,
  });
  const users = await http<{ result: { id: string; username: string }[] }>(
    w.base,
    'POST',
    '/api/users.list',
    {},
    w.adminToken,
  );
  const template = {
    customers,
    users: Object.fromEntries(users.body.result.map((u) => [u.username, u.id])),
    serverDir,
    databaseUrl: config.databaseUrl ?? null,
    sites,
    variants: w.variants,
    branch: w.branch,
    financeToken: finance.body.result.token,
    adminToken: w.adminToken,
  };
  await w.close();
  return template;
}

export interface ModelSite {
  code: string;
  user: string;
  session: string;
  sessions: Record<string, string>;
  core: BranchCore;
  transport: FaultyTransport;
  engine: SyncEngine;
  dir: string;
  token: string;
  /** A backup of this PC's database now, as its nightly backup takes one. */
  backup(): void;
  /** This PC's database replaced by its last backup (none yet: nothing happens). */
  restore(): void;
}

export interface ModelWorld {
  base: () => string;
  /** Every server process of this world (two when they share one PostgreSQL database). */
  servers: () => Awaited<ReturnType<typeof startServer>>[];
  sites: ModelSite[];
  restartServer(): Promise<void>;
  /** Head office's backup now (the store, or a pg_dump), through the admin contract. */
  backup(): Promise<void>;
  /** Head office stopped and restored from the last backup (none yet: nothing happens). */
  restoreBackup(): Promise<void>;
  hq<T>(name: string, input: unknown, token: string): Promise<{ ok: boolean; result: T }>;
  server: () => Awaited<ReturnType<typeof startServer>>;
  close(): Promise<void>;
}

/**
 * Copies the template (with PostgreSQL the caller gives a copy of the template's database).
 * With `secondServer`, another server process shares the database and every request of the
 * branch PCs and of head office alternates between the two.
 */
export async function openWorld(
  t: Template,
  databaseUrl: string | null = t.databaseUrl,
  options: { secondServer?: boolean; skews?: readonly number[] } = {},
): Promise<ModelWorld> {
  const root = mkdtempSync(join(tmpdir(), 'fse-model-'));
  const serverDir = join(root, 'server');
  cpSync(t.serverDir, serverDir, { recursive: true });
  // Invoices are read when the model says (its readInvoice op), not on the inbox's timer.
  const quiet = { invoicePollMs: 24 * 3_600_000 };
  const configs: ServerConfig[] = [
    { port: 0, host: '127.0.0.1', dataDir: serverDir, databaseUrl, ...quiet },
  ];
  if (options.secondServer)
    configs.push({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(root, 'server-2'),
      databaseUrl,
      ...quiet,
    });
  let servers: Awaited<ReturnType<typeof startServer>>[] = [];
  for (const c of configs) servers.push(await startServer(c, () => undefined));
  let turn = 0;
  const server = () => servers[0]!;
  const base = () => `http://127.0.0.1:${servers[turn++ % servers.length]!.port}`;
  const sites = t.sites.map((s, i) => {
    const dir = join(root, `${i}-${s.code}`);
    cpSync(s.dir, dir, { recursive: true });
    // Each PC's own wall clock, off by its skew: it learns the offset at its first sync.
    const skew = options.skews?.[i] ?? 0;
    const wallClock = () => Date.now() + skew;
    const transport = new FaultyTransport(
      () => new HttpSyncTransport({ baseUrl: base(), token: s.token }),
    );
    const open = () => {
      const core = new BranchCore(dir, { now: wallClock });
      // Small batches and pages, so pushes and pulls span several requests (a page is fetched
      // while the one before it is applied) and faults land between them.
      const engine = new SyncEngine(core.db, core.files, s.deviceId, transport, {
        pushBatch: 4,
        pullPage: 5,
        catchUpPage: 10,
        // Every pull of more than a page leaves its checkpoints to a worker thread, as a long
        // catch-up does (core/db/checkpointer.ts): faults, restarts and restores land while one
        // copies (about 340 workers in 200 runs, at no cost the run time shows).
        backgroundCheckpointsFrom: 1,
        now: wallClock,
        onRemoteStamp: (h) => core.context().clock.receive(h),
      });
      return { core, engine };
    };
    let backups = 0;
    let lastBackup: string | null = null;
    const site: ModelSite = {
      code: s.code,
      user: s.user,
      session: s.session,
      sessions: s.sessions,
      ...open(),
      transport,
      dir,
      token: s.token,
      backup() {
        lastBackup = join(root, `${i}-backup-${++backups}.sqlite`);
        site.core.db.sqlite.exec(`VACUUM INTO '${lastBackup}'`);
      },
      restore() {
        if (!lastBackup) return;
        // The PC's disk is replaced by its last backup: what it made since and never pushed is
        // lost with the disk; everything else must come back, and no number may repeat.
        site.core.close();
        for (const suffix of ['-wal', '-shm'])
          rmSync(join(dir, `branch.sqlite${suffix}`), { force: true });
        copyFileSync(lastBackup, join(dir, 'branch.sqlite'));
        Object.assign(site, open());
      },
    };
    return site;
  });
  const restart = async (whileStopped?: () => Promise<unknown>) => {
    const ports = servers.map((s) => s.port);
    for (const s of servers) await s.close();
    servers = [];
    await whileStopped?.();
    for (const [i, c] of configs.entries())
      servers.push(await startServer({ ...c, port: ports[i] ?? 0 }, () => undefined));
  };
  let lastBackup: string | null = null;
  return {
    base,
    sites,
    server,
    servers: () => servers,
    restartServer: () => restart(),
    async backup() {
      const first = `http://127.0.0.1:${server().port}`;
      const taken = await http<{ ok: boolean; result: { label: string; file: string }[] }>(
        first,
        'POST',
        '/api/backups.create',
        {},
        t.adminToken,
      );
      if (!taken.body.ok) throw new Error(`backup failed: ${JSON.stringify(taken.body)}`);
      lastBackup = taken.body.result.find((b) => b.label !== 'replica')?.file ?? null;
    },
    async restoreBackup() {
      const file = lastBackup;
      if (file)
        await restart(() =>
          restoreServer({ dataDir: serverDir, file, databaseUrl, log: () => undefined }),
        );
    },
    // Console calls alternate between the processes too, as behind a load balancer without
    // session affinity: sign-ins are shared through the database.
    async hq<T>(name: string, input: unknown, token: string) {
      return (await http<{ ok: boolean; result: T }>(base(), 'POST', `/api/${name}`, input, token))
        .body;
    },
    async close() {
      for (const s of sites) s.core.close();
      for (const s of servers) await s.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
