// `npm run server -- --port 8080 --data ./server-data [--database postgres://…]`
//   [--public-host erp.example.lan] [--tls-cert cert.pem --tls-key key.pem | --insecure-http]
//   [--tls-next-cert next.pem --tls-next-key next-key.pem | --tls-next-self-signed]
//   [--console-idle-minutes 30] [--trust-proxy 10.0.0.2,loopback]
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import express from 'express';
import { installCrashReports } from '../core/ops/crash';
import { fileLog, formatLine } from '../core/ops/log';
import { createApp } from './app';
import { consoleAddresses, nextStep, startBanner } from './first-run';
import { ConsoleSessions } from './console-sessions';
import { SyncHub } from './hub';
import { HeadOfficeSync, HubHeadOffice } from './head-office';
import { answerUnparsableRequests, type RateLimits } from './http/harden';
import { checkPublicHost, loadNextTls, loadTls, type TlsSetting } from './http/tls';
import { LogNews } from './news';
import { holderName } from './leases/keeper';
import { loyaltyNightly } from './loyalty-nightly';
import { badgesNightly } from './badges-nightly';
import { purchasingNightly } from './purchasing-nightly';
import { headOfficePortal } from './portal/status';
import { HeadOfficeReplica } from './replica';
import { appVersion, shippedPath } from './resources';
import { startTelegram, telegramArgs, telegramConfig, type TelegramConfig } from './telegram/index';
import { ServerBackups } from './backup/server-backups';
import { HeadOfficeAi } from './ai/service';
import { invoiceReader } from '../core/invoices/reader';
import { InvoiceInbox } from './invoices/inbox';
import { storeFile } from './backup/restore';
import { SqliteEventStore } from './store/sqlite';
import { UpdateFeed } from './updates/feed';
import { updateRoutes } from './updates/routes';
import type { EventStore } from './store/types';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /**
   * HTTPS with the admin's certificate, or with a self-signed one made on first run and kept in
   * the data folder. Null or absent: plain HTTP (tests; behind a TLS-terminating proxy).
   */
  tls?: TlsSetting | null;
  /**
   * The certificate the server will switch to, announced to enrolled PCs ahead of the switch
   * (docs/decisions/0014). Only with `tls`.
   */
  tlsNext?: TlsSetting | null;
  /** Names and addresses PCs reach this server by, written into a self-signed certificate. */
  publicHosts?: string[];
  /**
   * The reverse proxies in front of this server (addresses, subnets, or loopback, linklocal,
   * uniquelocal): from them, X-Forwarded-For names the client (rate limits) and
   * X-Forwarded-Proto whether it came over HTTPS (the portal, HSTS). From anyone else both
   * headers are ignored. Absent: the connection's own address and protocol count.
   */
  trustProxy?: string[];
  rateLimits?: Partial<RateLimits>;
  /** Telegram bot (issue 5): --telegram-token, --public-url; see sync-server/telegram/README.md. */
  telegram?: TelegramConfig;
  /** When the nightly backup runs: a cron expression in local time (default `0 2 * * *`). */
  backupSchedule?: string;
  /** When the nightly loyalty run (expiries, tiers) runs: default `30 2 * * *`. */
  loyaltySchedule?: string;
  /**
   * A folder head office watches for supplier invoices (PDF, JPEG, PNG): each file dropped there
   * is uploaded and read, then moved to done/ or rejected/ (decision 0033). Default: none.
   */
  invoiceFolder?: string;
  /** How often uploaded invoices and the watched folder are looked at (default 5 s). */
  invoicePollMs?: number;
  /**
   * How soon another server process takes over a scheduled backup whose process died mid-way
   * (the backup lease's length, default 2 minutes; decision 0019).
   */
  backupLeaseMs?: number;
  /** How long a console sign-in lasts without a call (default 30 minutes). */
  consoleIdleMs?: number;
  /**
   * The SQLite store's folder, when not `<data>/store`: tests run two server processes on one
   * SQLite store this way, each with its own data folder.
   */
  sqliteStoreDir?: string;
}

export function readConfig(argv = process.argv.slice(2), env = process.env): ServerConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      database: { type: 'string' },
      'public-host': { type: 'string', multiple: true },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'insecure-http': { type: 'boolean' },
      'tls-next-cert': { type: 'string' },
      'tls-next-key': { type: 'string' },
      'tls-next-self-signed': { type: 'boolean' },
      'backup-schedule': { type: 'string' },
      'loyalty-schedule': { type: 'string' },
      'invoice-folder': { type: 'string' },
      'console-idle-minutes': { type: 'string' },
      'trust-proxy': { type: 'string' },
      ...telegramArgs,
    },
    allowPositionals: false,
  });
  const port = Number(values.port ?? env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: "${values.port ?? env['PORT']}" is not a port number (0 to 65535).`);
  const databaseUrl = values.database ?? env['DATABASE_URL'] ?? null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error(
      '--database: give a postgres://user:password@host:port/dbname address, or leave it out for the embedded SQLite store.',
    );
  const certFile = values['tls-cert'] ?? env['TLS_CERT_FILE'];
  const keyFile = values['tls-key'] ?? env['TLS_KEY_FILE'];
  if (!certFile !== !keyFile)
    throw new Error(
      '--tls-cert and --tls-key go together: give both files, or neither for a self-signed certificate.',
    );
  if (values['insecure-http'] && certFile)
    throw new Error('--insecure-http and --tls-cert contradict each other: choose one.');
  const nextCert = values['tls-next-cert'] ?? env['TLS_NEXT_CERT_FILE'];
  const nextKey = values['tls-next-key'] ?? env['TLS_NEXT_KEY_FILE'];
  if (!nextCert !== !nextKey)
    throw new Error('--tls-next-cert and --tls-next-key go together: give both files.');
  if (nextCert && values['tls-next-self-signed'])
    throw new Error(
      '--tls-next-cert and --tls-next-self-signed contradict each other: choose one.',
    );
  if ((nextCert || values['tls-next-self-signed']) && values['insecure-http'])
    throw new Error(
      '--tls-next-* announces a certificate, which plain HTTP (--insecure-http) has none of.',
    );
  const idleMinutes = values['console-idle-minutes'] ?? env['FSE_CONSOLE_IDLE_MINUTES'];
  if (idleMinutes !== undefined && !(Number(idleMinutes) > 0 && Number(idleMinutes) <= 7 * 24 * 60))
    throw new Error(
      `--console-idle-minutes: "${idleMinutes}" is not a number of minutes (more than 0, at most a week).`,
    );
  const proxies = values['trust-proxy'] ?? env['FSE_TRUST_PROXY'];
  return {
    port,
    host: values.host ?? env['HOST'] ?? '0.0.0.0',
    dataDir: resolve(values.data ?? env['FSE_DATA'] ?? './server-data'),
    databaseUrl,
    tls: values['insecure-http']
      ? null
      : certFile && keyFile
        ? { certFile: resolve(certFile), keyFile: resolve(keyFile) }
        : 'self-signed',
    tlsNext:
      nextCert && nextKey
        ? { certFile: resolve(nextCert), keyFile: resolve(nextKey) }
        : values['tls-next-self-signed']
          ? 'self-signed'
          : null,
    publicHosts: [...(values['public-host'] ?? []), ...(env['PUBLIC_HOST'] ?? '').split(',')]
      .filter((h) => h.trim() !== '')
      .map(checkPublicHost),
    telegram: telegramConfig(values, env),
    ...((values['loyalty-schedule'] ?? env['FSE_LOYALTY_SCHEDULE']) && {
      loyaltySchedule: values['loyalty-schedule'] ?? env['FSE_LOYALTY_SCHEDULE'],
    }),
    ...((values['backup-schedule'] ?? env['FSE_BACKUP_SCHEDULE']) && {
      backupSchedule: values['backup-schedule'] ?? env['FSE_BACKUP_SCHEDULE'],
    }),
    ...((values['invoice-folder'] ?? env['FSE_INVOICE_FOLDER']) && {
      invoiceFolder: resolve(values['invoice-folder'] ?? env['FSE_INVOICE_FOLDER'] ?? ''),
    }),
    ...(idleMinutes !== undefined && { consoleIdleMs: Math.round(Number(idleMinutes) * 60_000) }),
    ...(proxies !== undefined && { trustProxy: trustedProxies(proxies) }),
  };
}

/**
 * --trust-proxy's list, each entry checked as Express will read it. Never "everyone": a client
 * could then name any address and protocol it liked.
 */
export function trustedProxies(list: string): string[] {
  const entries = list
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const how =
    'give the addresses (or subnets, like 10.0.0.0/8) of the reverse proxies in front of this server, separated by commas; loopback means a proxy on this machine.';
  if (entries.length === 0) throw new Error(`--trust-proxy: no address given: ${how}`);
  for (const entry of entries) {
    let accepted = true;
    try {
      express().set('trust proxy', [entry]);
    } catch {
      accepted = false;
    }
    if (!accepted || /^(true|false|\d+)$/i.test(entry))
      throw new Error(`--trust-proxy: "${entry}" is not an address, a subnet or loopback: ${how}`);
  }
  return entries;
}

export async function openStore(config: ServerConfig): Promise<EventStore> {
  if (!config.databaseUrl)
    return new SqliteEventStore(config.sqliteStoreDir ?? join(config.dataDir, 'store'));
  const { PostgresEventStore } = await import('./store/postgres');
  return PostgresEventStore.connect(config.databaseUrl);
}

export { appVersion };

export async function startServer(
  config: ServerConfig,
  log = (e: Record<string, unknown>) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), ...e })),
) {
  // The certificate first: a wrong file stops the start before anything is opened.
  const tls = config.tls ? loadTls(config.tls, { ...config, log }) : null;
  const next = tls && config.tlsNext ? loadNextTls(config.tlsNext, tls, { ...config, log }) : null;
  const store = await openStore(config);
  const hub = new SyncHub(store, { log });
  const replica = new HeadOfficeReplica(join(config.dataDir, 'replica'), hub, appVersion());
  const { dataDir, databaseUrl } = config;
  // Work done once across server processes takes a lease in the store under this name (0019).
  const holder = holderName(dataDir);
  const updates = new UpdateFeed(join(dataDir, 'updates'), store);
  // Console sign-ins and lockout counts live in the store every server process shares.
  replica.core.sessions = new ConsoleSessions(store, {
    ...(config.consoleIdleMs !== undefined && { idleMs: config.consoleIdleMs }),
  });
  const backups = new ServerBackups({
    dataDir,
    store: databaseUrl
      ? { kind: 'postgres', url: databaseUrl }
      : {
          kind: 'sqlite',
          file: config.sqliteStoreDir
            ? join(config.sqliteStoreDir, 'sync-log.sqlite')
            : storeFile(dataDir),
        },
    replica: replica.core.db.sqlite,
    once: { leases: store.leases, holder, ttlMs: config.backupLeaseMs },
    log,
    ...(config.backupSchedule && { schedule: config.backupSchedule }),
  });
  // Customers sign in only over a certificate browsers trust (decision 0034).
  const portal = headOfficePortal(tls, { behindProxy: config.trustProxy !== undefined });
  replica.core.services = {
    headOffice: new HubHeadOffice(hub, replica, {
      serverHealth: () => backups.health(),
      certificate: () => tls?.fingerprint256 ?? null,
    }),
    sync: new HeadOfficeSync(replica),
    backup: backups,
    updates,
    portal,
  };
  const telegram = await startTelegram({
    config: config.telegram,
    ...{ dataDir, databaseUrl, replica, log },
    ...{ events: store, holder, sqliteStoreDir: config.sqliteStoreDir },
  });
  replica.core.services.telegram = telegram.service;
  // The AI model's settings live beside the Telegram token, in the store every process shares.
  replica.core.services.ai = new HeadOfficeAi(telegram.store, log);
  replica.core.services.invoices = invoiceReader(() => replica.core.services.ai);
  await replica.start();
  backups.start();
  const loyalty = loyaltyNightly({
    replica,
    leases: store.leases,
    holder,
    log,
    ...(config.loyaltySchedule && { expression: config.loyaltySchedule }),
  });
  loyalty.start();
  // The month's (and week's) most: settled after each period and its three days of grace.
  const badges = badgesNightly({ replica, leases: store.leases, holder, log });
  badges.start();
  const purchasing = purchasingNightly({ replica, leases: store.leases, holder, log });
  purchasing.reorder.start();
  purchasing.refit.start();
  const invoices = new InvoiceInbox({
    replica,
    leases: store.leases,
    holder,
    log,
    folder: config.invoiceFolder ?? null,
    ...(config.invoicePollMs && { pollMs: config.invoicePollMs }),
  });
  invoices.start();
  // PCs hear of new events within a poll of the head at most (0018); PostgreSQL also notifies.
  // The process that folds eagerly waits for every process's pushes to pause, not just its own.
  const news = new LogNews(hub, {
    pollMs: databaseUrl ? 2_000 : 250,
    heard: () => replica.pushedElsewhere(),
    log,
  });
  await news.start();
  const app = createApp(hub, replica, {
    version: appVersion(),
    startedAt: Date.now(),
    holder,
    log,
    tls: tls && {
      fingerprint256: tls.fingerprint256,
      ...(next && {
        next: { fingerprint256: next.fingerprint256, announcement: next.announcement },
      }),
    },
    ...(config.rateLimits && { rateLimits: config.rateLimits }),
    telegram: telegram.router,
    updates: updateRoutes(
      updates,
      async (token) => {
        // Caught up first (as /api calls are): a password changed through another process counts.
        await replica.current();
        // Checked against the shared sign-ins, as /api calls are.
        const context = await replica.core.signedIn(token);
        return { actor: context.actor, why: context.authError?.message ?? null };
      },
      log,
    ),
    consoleDir: shippedPath('console'),
    news,
    portal,
    ...(config.trustProxy && { trustProxy: config.trustProxy }),
  });
  const server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, app)
    : createHttpServer(app);
  answerUnparsableRequests(server);
  server.listen(config.port, config.host);
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = ['0.0.0.0', '::', ''].includes(config.host)
    ? '127.0.0.1'
    : config.host.includes(':')
      ? `[${config.host}]`
      : config.host;
  const url = `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
  if (config.tls === null)
    log({
      level: 'warn',
      msg: 'serving plain HTTP (--insecure-http): only behind a proxy that terminates TLS',
    });
  if (config.trustProxy)
    log({
      level: 'info',
      msg: 'trusting X-Forwarded-For and X-Forwarded-Proto from these proxies only',
      proxies: config.trustProxy,
    });
  log({
    level: 'info',
    msg: 'sync server listening',
    url,
    port,
    tls: tls ? { source: tls.source, certFile: tls.certFile } : null,
    fingerprint256: tls?.fingerprint256 ?? null,
    nextFingerprint256: next?.fingerprint256 ?? null,
    store: store.kind,
    data: config.dataDir,
    setUp: replica.ready,
  });
  return {
    port,
    url,
    /** The Express app, for tests that walk its routes. */
    app,
    /** What enrolling PCs pin; null over plain HTTP. */
    fingerprint256: tls?.fingerprint256 ?? null,
    /** The announced next certificate's fingerprint, if any. */
    nextFingerprint256: next?.fingerprint256 ?? null,
    hub,
    replica,
    telegram,
    backups,
    updates,
    news,
    loyalty,
    badges,
    purchasing,
    invoices,
    async close() {
      const inboxStopped = invoices.stop();
      backups.stop();
      loyalty.stop();
      badges.stop();
      purchasing.reorder.stop();
      purchasing.refit.stop();
      // Waiting PCs are answered first: server.close() waits for every open request.
      await news.close();
      await new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await telegram.close();
      await inboxStopped;
      await replica.close();
      await store.close();
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const config = readConfig();
    // JSON lines on the console (a service manager keeps them) and in <data>/logs, rotated.
    const log = fileLog({ dir: join(config.dataDir, 'logs'), name: 'server' }, (e) =>
      process.stdout.write(formatLine(e, Date.now())),
    );
    installCrashReports({
      dir: join(config.dataDir, 'crash-reports'),
      appVersion: appVersion(),
      component: 'server',
      log,
    });
    const running = await startServer(config, log);
    // In words for the admin at the terminal or reading the journal; in JSON for the log.
    const started = {
      ...running,
      publicHosts: config.publicHosts ?? [],
      setUp: running.replica.ready,
      dataDir: config.dataDir,
    };
    process.stdout.write(startBanner(started));
    log({
      level: 'info',
      msg: 'first steps',
      console: consoleAddresses(started),
      nextStep: nextStep(started.setUp),
    });
    const stop = () => void running.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (error) {
    console.error(
      `The sync server could not start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}
