/* eslint-disable @typescript-eslint/no-restricted-imports --
   a test helper: a desktop host (electron/) enrolled with a real head office (sync-server/). */
// A desktop host in a fresh data folder, enrolled with a test head office, for end-to-end tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { World } from '../../sync-server/testing/world';
import { DesktopHost } from '../host/desktop-host';
import { EncryptedTokenStore, keyFileCipher } from '../host/token-store';

/**
 * A desktop host in a fresh data folder, enrolled at `serverUrl` with `code`. It syncs only when
 * told to, unless `background`: then it is started with the app's background sync on.
 */
export async function desktopHostAt(
  serverUrl: string,
  code: string,
  deviceName: string,
  options: { background?: boolean } = {},
): Promise<{ host: DesktopHost; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'fse-desktop-'));
  const host = new DesktopHost({
    dataDir: dir,
    appVersion: '0.1.0',
    tokens: new EncryptedTokenStore(dir, keyFileCipher(dir)),
    ...(!options.background && { syncIntervalMs: 0 }),
    backupSchedule: null,
  });
  await host.enroll({ serverUrl, code, deviceName });
  if (options.background) host.start();
  return { host, dir };
}

export async function enrolledHost(
  w: World,
  branch: 'HQ' | 'FAC' | 'SH01' | 'SH02',
  deviceName: string,
): Promise<{ host: DesktopHost; dir: string }> {
  return desktopHostAt(w.base, await w.enrollmentCode(branch), deviceName);
}
