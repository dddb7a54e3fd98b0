/* eslint-disable @typescript-eslint/no-restricted-imports --
   End to end: a desktop host (electron/) reporting to a real head-office server (sync-server/). */
// An update a PC refused to install reaches the admin's branch view with its next sync, and is
// gone from it once an update verifies again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sync-server/testing/world';
import { DesktopHost } from '../host/desktop-host';
import { EncryptedTokenStore, keyFileCipher } from '../host/token-store';
import { clearUpdateRefusal, recordUpdateRefusal } from './update-refusal';

let w: World;
let host: DesktopHost;
let dir: string;
beforeAll(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'fse-refused-update-'));
  host = new DesktopHost({
    dataDir: dir,
    appVersion: '0.1.0',
    tokens: new EncryptedTokenStore(dir, keyFileCipher(dir)),
    syncIntervalMs: 0,
    backupSchedule: null,
  });
  await host.enroll({
    serverUrl: w.base,
    code: await w.enrollmentCode('SH02'),
    deviceName: 'till',
  });
}, 60_000);
afterAll(async () => {
  host?.close();
  await w?.close();
});

const reported = async () =>
  (await w.admin('devices.list', {})).find((d) => d.name === 'till')?.updateRefused ?? null;

describe('a refused update in the branch health', () => {
  it('is shown to the admin after the next sync, and cleared once an update verifies', async () => {
    expect(await reported()).toBeNull();
    const refusal = {
      version: '9.9.9',
      code: 'BAD_SIGNATURE',
      message: 'the signature does not match the publisher key',
      at: Date.now(),
    };
    recordUpdateRefusal(dir, refusal);
    await host.syncNow();
    expect(await reported()).toEqual(refusal);
    clearUpdateRefusal(dir);
    await host.syncNow();
    expect(await reported()).toBeNull();
  });
});
