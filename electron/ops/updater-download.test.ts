/* eslint-disable @typescript-eslint/no-restricted-imports --
   End to end: the desktop updater (electron/) against a real head-office feed (sync-server/). */
// A background download that fails (here: the installer head office serves is damaged, so
// electron-updater's sha512 check fails) is handled, never an unhandled rejection, and reaches
// the admin's branch view with the PC's health, as a refused update does: code DOWNLOAD_FAILED.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signRelease } from '../../core/ops/testing/update-keys';
import { startWorld, type World } from '../../sync-server/testing/world';
import {
  installer,
  installerName,
  manifest,
  sha512,
  updaterAt,
} from '../../sync-server/updates/testing/node-updater';
import type { DesktopHost } from '../host/desktop-host';
import { enrolledHost } from '../testing/desktop-host';
import { recordUpdateRefusal } from './update-refusal';
import { UpdateController } from './updater';

// The publisher's key, trusted by head office (its keys file replaced).
const { publisher, keys } = await vi.hoisted(() =>
  import('../../core/ops/testing/update-keys').then((k) => k.publisherKeys()),
);
vi.mock('../../sync-server/updates/keys', () => ({ shippedUpdateKeys: () => keys }));

let w: World;
let host: DesktopHost;
let dir: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(async () => {
  process.env['TEST_UPDATER_ARCH'] = 'x64';
  process.on('unhandledRejection', onUnhandled);
  w = await startWorld();
  ({ host, dir } = await enrolledHost(w, 'SH02', 'till'));
}, 60_000);
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  host?.close();
  await w?.close();
});

async function upload(name: string, body: Buffer | string) {
  const r = await fetch(`${w.base}/updates/${name}`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/octet-stream',
      authorization: `Bearer ${w.adminToken}`,
    },
    body,
  });
  expect(r.status, await r.clone().text()).toBe(200);
}

const reported = async () =>
  (await w.admin('devices.list', {})).find((d) => d.name === 'till')?.updateRefused ?? null;

describe('a failed update download', () => {
  it('is handled, and reported to the branch health as DOWNLOAD_FAILED naming the problem', async () => {
    const version = '3.0.0';
    const bytes = installer(version);
    const text = manifest(version, bytes);
    await upload(installerName(version), bytes);
    await upload(
      'latest-linux.yml.sig',
      signRelease(publisher.privateKey, {
        manifestName: 'latest-linux.yml',
        manifest: text,
        version,
        files: { [installerName(version)]: bytes },
      }),
    );
    await upload('latest-linux.yml', text);
    // Damaged in head office's local copy: the download fails its sha512 check.
    const damaged = Buffer.from(bytes);
    damaged[500] = damaged[500]! ^ 0xff;
    writeFileSync(w.server.updates.blobs.path(sha512(bytes)), damaged);

    const failures: { version: string; code: string; message: string }[] = [];
    const controller = new UpdateController({
      updater: updaterAt(`${w.base}/updates`),
      currentVersion: '0.1.0',
      feed: async () => ({ serverUrl: w.base, fingerprint: null }),
      ask: async () => false,
      verify: async () => ({ kind: 'later', reason: 'not reached' }),
      refused: ({ version: v, refusal }) => {
        failures.push({ version: v, ...refusal });
        recordUpdateRefusal(dir, { version: v, ...refusal, at: Date.now() });
      },
      log: () => undefined,
    });
    expect(await controller.check()).toBe('checked');
    await vi.waitFor(() => expect(failures).toHaveLength(1), { timeout: 10_000 });
    expect(failures[0]).toMatchObject({ version, code: 'DOWNLOAD_FAILED' });
    expect(failures[0]!.message).toMatch(/download of version 3\.0\.0 failed/);
    expect(failures[0]!.message).toMatch(/ERR_CHECKSUM_MISMATCH|sha512 checksum mismatch/);
    // Give a stray rejection the time to surface.
    await new Promise((r) => setTimeout(r, 200));
    expect(unhandled).toEqual([]);

    await host.syncNow();
    expect(await reported()).toMatchObject({ version, code: 'DOWNLOAD_FAILED' });
  });
});
