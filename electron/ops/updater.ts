// App updates from head office, decided here in plain code (tests drive it with a fake updater;
// ./updater-electron.ts wires it to electron-updater and a dialog). The feed is the sync
// server's /updates, read with electron-updater's generic provider. The app checks soon after
// start and then daily, downloads in the background (electron-updater checks the file's sha512
// against the manifest before it reports it downloaded), and installs only when the person says
// so: never silently on quit. Until then it asks again at the next start. Before it asks, the
// download is verified as the publisher's (./update-verify.ts): head office serves updates, but
// cannot make a PC install one the publisher did not sign. A refused update is not offered; the
// person is told and the refusal is kept for the admin (./update-refusal.ts).
import { X509Certificate } from 'node:crypto';
import type { Log } from '../../core/ops/log';
import type { UpdateRefusal } from '../../core/ops/update-signature';
import type { DownloadedUpdate, VerifyOutcome } from './update-verify';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The parts of electron-updater's AppUpdater used here. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  autoRunAppAfterInstall: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: DownloadedUpdate) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface Feed {
  serverUrl: string;
  /** Head office's pinned certificate (SHA-256, `AB:CD:…`), for https with its own certificate. */
  fingerprint: string | null;
}

export interface UpdateControllerOptions {
  updater: UpdaterLike;
  currentVersion: string;
  /** Where head office is, or null while this PC is not enrolled (then there is nothing to check). */
  feed: () => Promise<Feed | null>;
  /** Shown once a version is downloaded and checked; true installs it now (the app restarts). */
  ask: (update: { version: string; current: string }) => Promise<boolean>;
  /** Called when the feed changes, so downloads trust head office's certificate as sync does. */
  trust?: (feed: Feed) => void;
  /** Is this download the publisher's? Nothing is offered for install without 'verified'. */
  verify: (update: DownloadedUpdate, feed: Feed) => Promise<VerifyOutcome>;
  /**
   * An update was refused: tell the person, keep it for the admin. Once per version and run.
   * A failed background download comes the same way, as code DOWNLOAD_FAILED (each time, and
   * for the admin only: the person was never offered it).
   */
  refused: (update: { version: string; refusal: UpdateRefusal }) => void;
  /** A downloaded update was verified: any earlier refusal is over. */
  verified?: (version: string) => void;
  log: Log;
  firstCheckAfterMs?: number;
  everyMs?: number;
}

/** Errors that only mean "head office offers no update now" (feed off, nothing uploaded). */
const NO_UPDATE_OFFERED = new Set([
  'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND',
  'ERR_UPDATER_INVALID_UPDATE_INFO',
]);

export const feedUrl = (serverUrl: string) => `${serverUrl.replace(/\/+$/, '')}/updates`;

export class UpdateController {
  private timers: NodeJS.Timeout[] = [];
  private configuredFor: string | null = null;
  private asking = false;
  private declined = new Set<string>();
  private refusedVersions = new Set<string>();
  private feed: Feed | null = null;

  constructor(private readonly options: UpdateControllerOptions) {
    const u = options.updater;
    u.autoDownload = true;
    u.autoInstallOnAppQuit = false;
    u.autoRunAppAfterInstall = true;
    u.on('update-downloaded', (info) => void this.offer(info));
    // Other errors are reported through check()'s own failure too; this listener keeps the
    // emitter from throwing. On Windows, electron-updater refuses an installer whose Authenticode
    // publisher is not the one the app was built with (app-update.yml's publisherName, written
    // where the release was signed): that is a refusal like ours.
    u.on('error', (error) => {
      if ((error as { code?: unknown }).code !== 'ERR_UPDATER_INVALID_SIGNATURE') return;
      const version = /New version (\S+) is not signed/.exec(error.message)?.[1] ?? 'unknown';
      this.refuse(version, {
        code: 'PUBLISHER_MISMATCH',
        message: 'The installer is not signed by the app’s publisher (Windows code signature).',
      });
    });
  }

  start(): void {
    const first = setTimeout(() => void this.check(), this.options.firstCheckAfterMs ?? 30_000);
    const daily = setInterval(() => void this.check(), this.options.everyMs ?? DAY_MS);
    first.unref();
    daily.unref();
    this.timers.push(first, daily);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  /** One check: `not-enrolled`, `no-update` (none offered, or not newer), `checked`, or `failed`. */
  async check(): Promise<'not-enrolled' | 'no-update' | 'checked' | 'failed'> {
    let feed: Feed | null;
    try {
      feed = await this.options.feed();
    } catch (error) {
      this.options.log({ level: 'warn', msg: 'update check: sync settings unreadable', error });
      return 'failed';
    }
    if (!feed) return 'not-enrolled';
    this.feed = feed;
    const url = feedUrl(feed.serverUrl);
    if (this.configuredFor !== url) {
      this.options.trust?.(feed);
      this.options.updater.setFeedURL({ provider: 'generic', url });
      this.configuredFor = url;
    }
    try {
      const result = (await this.options.updater.checkForUpdates()) as {
        isUpdateAvailable?: boolean;
        updateInfo?: { version?: string };
        downloadPromise?: Promise<unknown> | null;
      } | null;
      const version = result?.updateInfo?.version;
      // The download runs on after the check: its failure is handled here, or it would be an
      // unhandled rejection (a crash report at every check).
      result?.downloadPromise?.then(
        () => undefined,
        (error: unknown) => this.downloadFailed(version ?? 'unknown', error),
      );
      this.options.log({
        level: 'info',
        msg: 'update check',
        feed: url,
        current: this.options.currentVersion,
        offered: version ?? null,
        downloading: result?.isUpdateAvailable === true,
      });
      return result?.isUpdateAvailable ? 'checked' : 'no-update';
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && NO_UPDATE_OFFERED.has(code)) {
        this.options.log({
          level: 'info',
          msg: 'update check: head office offers no update',
          feed: url,
        });
        return 'no-update';
      }
      this.options.log({ level: 'warn', msg: 'update check failed', feed: url, error });
      return 'failed';
    }
  }

  /** A background download failed: logged, and kept for the admin as the PC's health says. */
  private downloadFailed(version: string, error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    const why = error instanceof Error ? error.message : String(error);
    const message = `The download of version ${version} failed${
      typeof code === 'string' ? ` (${code})` : ''
    }: ${why}`.slice(0, 500);
    this.options.log({ level: 'warn', msg: 'update download failed', version, error: why });
    try {
      this.options.refused({ version, refusal: { code: 'DOWNLOAD_FAILED', message } });
    } catch (reportError) {
      this.options.log({
        level: 'error',
        msg: 'the update download failure was not recorded',
        error: String(reportError),
      });
    }
  }

  private refuse(version: string, refusal: UpdateRefusal): void {
    this.options.log({ level: 'warn', msg: 'update refused', version, ...refusal });
    if (this.refusedVersions.has(version)) return;
    this.refusedVersions.add(version);
    this.options.refused({ version, refusal });
  }

  /** A downloaded, hash-checked version: verified, then asked once per run; installed on yes. */
  private async offer(update: DownloadedUpdate): Promise<void> {
    const { version } = update;
    if (this.asking || this.declined.has(version) || !this.feed) return;
    this.asking = true;
    try {
      let outcome: VerifyOutcome;
      try {
        outcome = await this.options.verify(update, this.feed);
      } catch (error) {
        outcome = { kind: 'later', reason: String(error) };
      }
      if (outcome.kind === 'refused') return this.refuse(version, outcome.refusal);
      if (outcome.kind === 'later') {
        this.options.log({
          level: 'info',
          msg: 'update not verified yet',
          version,
          why: outcome.reason,
        });
        return;
      }
      this.options.log({ level: 'info', msg: 'update verified', version });
      this.options.verified?.(version);
      const yes = await this.options.ask({ version, current: this.options.currentVersion });
      this.options.log({ level: 'info', msg: 'update offered', version, accepted: yes });
      if (yes) this.options.updater.quitAndInstall(false, true);
      else this.declined.add(version);
    } finally {
      this.asking = false;
    }
  }
}

/**
 * For Electron's certificate check on the updater's session: head office's own certificate is
 * accepted by its pinned fingerprint (as the sync connection does), any other host is left to
 * Chromium's usual checks. 0 accepts, -2 refuses, -3 uses Chromium's verdict.
 */
export function pinnedCertificateCheck(feed: Feed) {
  const host = new URL(feed.serverUrl).hostname.replace(/^\[|\]$/g, '');
  return (request: { hostname: string; certificate: { data: string } }): 0 | -2 | -3 => {
    if (!feed.fingerprint || request.hostname.replace(/^\[|\]$/g, '') !== host) return -3;
    try {
      return new X509Certificate(request.certificate.data).fingerprint256 === feed.fingerprint
        ? 0
        : -2;
    } catch {
      return -2;
    }
  };
}
