// The core as the desktop app hosts it: the branch database, and the sync connection that the
// contract's sync.* operations use. Runs in Electron's utility process, or in web mode.
import { z } from 'zod';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileLog, type Log } from '../../core/ops/log';
import { BranchCore } from '../../core/runtime';
import { loadDevice } from '../../core/branches/device';
import { getMeta } from '../../core/db/meta';
import { enrollDevice } from '../../core/sync/enroll';
import { pendingCount, SyncEngine, syncCursor, type SyncProgress } from '../../core/sync/engine';
import { HttpSyncTransport, readServerFingerprint } from '../../core/sync/http';
import { SyncLoop } from '../../core/sync/loop';
import { operations } from '../../core/contract/api';
import type { Operation } from '../../core/contract/define';
import { loadPins, repinWithCode, savePins } from '../../core/sync/pins';
import {
  openIssues,
  summaryOf,
  type SyncService,
  type SyncStatus,
  type SyncSummary,
} from '../../core/sync/services';
import { SyncUnavailable } from '../../core/sync/transport';
import { DomainError, type SerializedCode } from '../../core/errors';
import { DesktopBackups } from '../ops/desktop-backups';
import { withHealth } from '../ops/health';
import { lastUpdateRefusal } from '../ops/update-refusal';
import type { TokenStore } from './token-store';

export interface DesktopHostOptions {
  dataDir: string;
  appVersion: string;
  tokens: TokenStore;
  /**
   * Background sync: a round at least this often, and between rounds a wait at head office for
   * news (decision 0018). 0 turns background sync off (tests that sync by hand).
   */
  syncIntervalMs?: number;
  log?: (entry: Record<string, unknown>) => void;
  /** When the database is backed up (cron, local time; FSE_BACKUP_SCHEDULE, else 2 AM); null: never on a schedule. */
  backupSchedule?: string | null;
}

const meta = (core: BranchCore, key: string) => getMeta(core.db, key) ?? null;
const byName: Readonly<Record<string, Operation>> = operations;

export class DesktopHost implements SyncService {
  /** Replaced when a backup is restored (the database is closed and opened again). */
  core: BranchCore;
  readonly backups: DesktopBackups;
  /** JSON lines in <data>/logs/desktop.log (rotated), and to the host's own log. */
  private readonly log: Log & { file: { close(): void } };
  private engine: SyncEngine | null = null;
  private running: Promise<SyncSummary> | null = null;
  private progress: SyncProgress | null = null;
  private online = false;
  private lastError: string | null = null;
  private lastErrorCode: SerializedCode | null = null;
  /** Head office as the loop waits on it for news (the engine's transport is wrapped). */
  private transport: HttpSyncTransport | null = null;
  private loop: SyncLoop | null = null;
  private background = false;

  constructor(private readonly options: DesktopHostOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.core = new BranchCore(options.dataDir);
    this.log = fileLog({ dir: join(options.dataDir, 'logs'), name: 'desktop' }, options.log);
    const schedule = options.backupSchedule ?? process.env['FSE_BACKUP_SCHEDULE'];
    this.backups = new DesktopBackups({
      dataDir: options.dataDir,
      database: () => this.core.db.sqlite,
      swap: (work) => this.swapDatabase(work),
      log: this.log,
      appVersion: options.appVersion,
      ...(schedule && { schedule }),
    });
    this.core.services = { sync: this, backup: this.backups };
    this.connect();
  }

  /** Closes the database for `work` (a restore) and opens it again, whatever `work` did. */
  private async swapDatabase<T>(work: (file: string) => Promise<T>): Promise<T> {
    await this.stopLoop();
    await this.running?.catch(() => undefined);
    this.engine = null;
    const file = this.core.db.file;
    this.core.close();
    try {
      return await work(file);
    } finally {
      this.core = new BranchCore(this.options.dataDir);
      this.core.services = { sync: this, backup: this.backups };
      this.connect();
    }
  }

  /**
   * The pins for a transport to head office: the enrolled (or last switched-to) certificate, the
   * announced next one, and where a change is kept (decision 0014).
   */
  private pinOptions() {
    const pins = loadPins(this.core.db);
    return {
      pin: pins?.current ?? null,
      nextPin: pins?.next ?? null,
      onPinsChange: (changed: { current: string; next: string | null }) => {
        savePins(this.core.db, changed);
        this.log({ level: 'info', msg: 'head-office certificate pins changed', ...changed });
      },
    };
  }

  private connect(): void {
    const device = loadDevice(this.core.db);
    const serverUrl = meta(this.core, 'sync.server');
    const token = this.options.tokens.load();
    if (!device || !serverUrl || !token) return;
    // Over https, only the certificate the server presented at enrollment is accepted, or the
    // next one head office announced over that connection.
    this.transport = new HttpSyncTransport({ baseUrl: serverUrl, token, ...this.pinOptions() });
    this.engine = new SyncEngine(
      this.core.db,
      this.core.files,
      device.id,
      withHealth(this.transport, {
        health: async () => ({
          ...(await this.backups.health()),
          updateRefused: lastUpdateRefusal(this.options.dataDir),
        }),
        appVersion: this.options.appVersion,
      }),
      {
        appVersion: this.options.appVersion,
        onProgress: (p) => {
          this.progress = p;
        },
        onRemoteStamp: (hlc) => this.core.context().clock.receive(hlc),
      },
    );
    void this.startLoop();
  }

  async atHeadOffice(
    credentials: { username: string; password: string },
    name: string,
    input: unknown,
  ): Promise<unknown> {
    const serverUrl = meta(this.core, 'sync.server');
    if (!serverUrl || !this.engine)
      throw new SyncUnavailable('This PC is not enrolled with a head office.');
    const headOffice = new HttpSyncTransport({ baseUrl: serverUrl, ...this.pinOptions() });
    const signIn = z
      .object({ token: z.string() })
      .parse(await headOffice.callOperation('auth.login', credentials));
    try {
      return await headOffice.callOperation(name, input, signIn.token);
    } finally {
      await headOffice.callOperation('auth.logout', {}, signIn.token).catch(() => undefined);
      await this.syncNow().catch(() => undefined);
    }
  }

  /** Starts background sync (see syncIntervalMs) and the backup schedule. */
  start(): void {
    if (this.options.backupSchedule !== null) this.backups.start();
    this.background = (this.options.syncIntervalMs ?? 60_000) > 0;
    void this.startLoop();
  }

  /**
   * Background sync for the enrolled PC as it is now (a new loop after enrollment, a re-pin or
   * a restore): rounds through syncNow, so the status shows them; waits on the same transport.
   */
  private async startLoop(): Promise<void> {
    await this.stopLoop();
    const transport = this.transport;
    if (!this.background || !this.engine || !transport) return;
    const db = this.core.db;
    this.loop = new SyncLoop({
      round: () => this.syncNow(),
      waitForNews: (signal) =>
        transport.waitForNews(syncCursor(db), { epoch: getMeta(db, 'sync.epoch') ?? null, signal }),
      intervalMs: this.options.syncIntervalMs ?? 60_000,
    });
    this.loop.start();
  }

  private async stopLoop(): Promise<void> {
    const loop = this.loop;
    this.loop = null;
    await loop?.stop();
  }

  status(): SyncStatus {
    const device = loadDevice(this.core.db);
    const lastAt = meta(this.core, 'sync.lastAt');
    const pins = loadPins(this.core.db);
    return {
      enrolled: this.engine !== null,
      serverUrl: meta(this.core, 'sync.server'),
      serverFingerprint: pins?.current ?? null,
      nextServerFingerprint: pins?.next ?? null,
      pending: device ? pendingCount(this.core.db, device.id) : 0,
      lastSyncAt: lastAt ? Number(lastAt) : null,
      online: this.online,
      syncing: this.running !== null,
      lastError: this.lastError,
      lastErrorCode: this.lastErrorCode,
      nextTryAt: this.loop?.current.nextTryAt ?? null,
      progress: this.running ? this.progress : null,
      ...openIssues(this.core.db),
    };
  }

  syncNow(): Promise<SyncSummary> {
    const engine = this.engine;
    if (!engine)
      return Promise.reject(new SyncUnavailable('This PC is not enrolled with a head office.'));
    this.running ??= engine
      .sync()
      .then(
        (report) => {
          if (this.lastError !== null) this.log({ level: 'info', msg: 'sync works again' });
          this.online = true;
          this.lastError = null;
          this.lastErrorCode = null;
          // Back (Sync now worked): the background loop stops pausing and waits for news again.
          if (this.loop?.current.phase === 'pausing') this.loop.retryNow();
          return summaryOf(report);
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          // Tried again every 30 s while head office is away: the log says each new problem once.
          if (message !== this.lastError)
            this.log({
              level: 'warn',
              msg: 'sync failed',
              code: errorCodeOf(error),
              error: message,
            });
          this.online = false;
          this.lastError = message;
          this.lastErrorCode = errorCodeOf(error);
          throw error;
        },
      )
      .finally(() => {
        this.running = null;
        this.progress = null;
      });
    return this.running;
  }

  async enroll(input: {
    serverUrl: string;
    code: string;
    deviceName: string;
    /** The fingerprint the admin read out; without it the first certificate seen is trusted. */
    expectedFingerprint?: string | null;
  }): Promise<{ branchId: string; deviceNumber: number; fingerprint: string | null }> {
    // An enrollment code works once: refuse before spending it if the token could not be kept.
    await this.options.tokens.checkCanSave?.();
    const enrolled = await enrollDevice(
      this.core.db,
      new HttpSyncTransport({ baseUrl: input.serverUrl }),
      { ...input, appVersion: this.options.appVersion },
    );
    await this.options.tokens.save(enrolled.token);
    this.connect();
    await this.syncNow();
    return {
      branchId: enrolled.branchId,
      deviceNumber: enrolled.deviceNumber,
      fingerprint: enrolled.fingerprint,
    };
  }

  /**
   * Brings back a PC that missed a certificate switch: the code the admin read out must have been
   * made for this PC and for exactly the certificate the server presents now (decision 0014).
   */
  async repin(code: string): Promise<{ fingerprint: string }> {
    const device = loadDevice(this.core.db);
    const serverUrl = meta(this.core, 'sync.server');
    const token = this.options.tokens.load();
    if (!device || !serverUrl || !token)
      throw new SyncUnavailable('This PC is not enrolled with a head office.');
    if (!loadPins(this.core.db))
      throw new DomainError(
        'INVALID_STATE',
        'This PC talks to head office over http, with no certificate to re-pin.',
      );
    await this.running?.catch(() => undefined);
    const presented = await readServerFingerprint(serverUrl);
    if (!presented)
      throw new SyncUnavailable(`The server at ${serverUrl} presented no certificate.`);
    const pins = repinWithCode(this.core.db, { code, deviceId: device.id, token, presented });
    this.log({ level: 'info', msg: 're-pinned head office certificate with a code', presented });
    this.connect();
    await this.syncNow();
    return { fingerprint: pins.current };
  }

  /**
   * The contract, for whichever transport carries it (IPC or web mode). Whatever may have made
   * events here is sent at once, not at the next round.
   */
  async call(name: string, input: unknown, sessionToken?: string): Promise<unknown> {
    const result = await this.core.callRaw(name, input, sessionToken);
    const op = Object.hasOwn(byName, name) ? byName[name] : undefined;
    const device = op && op.kind !== 'query' && this.loop ? loadDevice(this.core.db) : null;
    if (device && pendingCount(this.core.db, device.id) > 0) this.loop?.changed();
    return result;
  }

  close(): void {
    void this.stopLoop();
    this.backups.stop();
    this.core.close();
    this.log.file.close();
  }
}

/** The code of a failed round, for the clerk's words (renderer); UNAVAILABLE when it has none. */
function errorCodeOf(error: unknown): SerializedCode {
  if (error instanceof SyncUnavailable) return error.code ?? 'UNAVAILABLE';
  if (error instanceof DomainError) return error.code;
  return 'INTERNAL';
}
