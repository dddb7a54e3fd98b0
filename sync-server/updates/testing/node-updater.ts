// electron-updater as the installed app runs it, in plain Node: its Linux .deb updater with
// only the Electron parts replaced, the app adapter (version, paths) and the request (Node's
// http instead of Electron's net, under electron-updater's own executor, which downloads and
// checks the sha512). A release's keys and signature: core/ops/testing/update-keys.ts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';
import { ElectronHttpExecutor } from 'electron-updater/out/electronHttpExecutor';
import { sha512Base64 } from '../../../core/ops/update-signature';

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

export const sha512 = sha512Base64;
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
