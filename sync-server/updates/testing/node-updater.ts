// electron-updater as the installed app runs it, in plain Node: its Linux .deb updater with
// only the Electron parts replaced, the app adapter (version, paths) and the request (Node's
// http instead of Electron's net, under electron-updater's own executor, which downloads and
// checks the sha512).
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';
import { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor';
import {
  publicKeyTextOf,
  signStatement,
  STATEMENT_FORMAT,
  type UpdateKeys,
} from '../../../core/ops/update-signature';

/** electron-updater's own executor (download, sha512 check), over Node's http, not Electron's net. */
export class NodeNetExecutor extends ElectronHttpExecutor {
  override createRequest(
    options: RequestOptions,
    callback: (response: unknown) => void,
  ): Electron.ClientRequest {
    return request(options, callback) as unknown as Electron.ClientRequest;
  }
}

export function appAdapter(version: string, feedUrl: string): AppAdapter {
  const dir = mkdtempSync(join(tmpdir(), 'fse-updater-'));
  // What electron-builder writes into the packaged app's resources (see the packaging test).
  const appUpdateConfigPath = join(dir, 'app-update.yml');
  writeFileSync(
    appUpdateConfigPath,
    `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: factory-shop-erp-updater\n`,
  );
  mkdirSync(join(dir, 'cache'));
  return {
    version,
    name: 'Factory-Shop ERP',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: join(dir, 'user-data'),
    baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
}

/** electron-updater's Linux .deb updater, as the installed app would run it. */
export function updaterAt(feedUrl: string, current = '0.1.0') {
  const updater = new DebUpdater(null, appAdapter(current, feedUrl));
  (updater as unknown as { httpExecutor: ElectronHttpExecutor }).httpExecutor =
    new NodeNetExecutor();
  updater.setFeedURL({ provider: 'generic', url: feedUrl });
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = false;
  updater.logger = null;
  return updater;
}

export const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');
export const installerName = (version: string) => `factory-shop-erp_${version}_amd64.deb`;
export const installer = (version: string) =>
  Buffer.concat([Buffer.from(`!<arch>\ndebian-binary ${version}\n`), Buffer.alloc(300_000, 1)]);

/** A manifest as electron-builder writes it (latest-linux.yml). */
export function manifest(version: string, bytes: Buffer): string {
  const name = installerName(version);
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${name}`,
    `    sha512: ${sha512(bytes)}`,
    `    size: ${bytes.length}`,
    `path: ${name}`,
    `sha512: ${sha512(bytes)}`,
    `releaseDate: '2026-11-24T10:00:00.000Z'`,
    '',
  ].join('\n');
}

/** A publisher's key pair, made for a test. */
export const releaseKey = () => generateKeyPairSync('ed25519');

/** build/update-keys.json as a test's app or head office trusts it. */
export const keysFile = (current: KeyObject | null, next: KeyObject | null = null): UpdateKeys => ({
  current: current && publicKeyTextOf(current),
  next: next && publicKeyTextOf(next),
});

/** `<manifest>.sig` as `npm run release:sign` makes it, over the manifest and its installers. */
export function signRelease(
  privateKey: KeyObject,
  release: {
    manifestName: string;
    manifest: string;
    version: string;
    files: Record<string, Buffer>;
  },
): string {
  return signStatement(privateKey, {
    format: STATEMENT_FORMAT,
    version: release.version,
    manifest: { name: release.manifestName, sha512: sha512(Buffer.from(release.manifest)) },
    files: Object.entries(release.files).map(([name, bytes]) => ({
      name,
      sha512: sha512(bytes),
      size: bytes.length,
    })),
  });
}
