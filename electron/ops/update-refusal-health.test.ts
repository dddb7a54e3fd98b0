/* eslint-disable @typescript-eslint/no-restricted-imports --
   End to end: a desktop host (electron/) reporting to a real head-office server (sync-server/). */
// An update a PC refused to install reaches the admin's branch view with its next sync, and is
// gone from it once an update verifies again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../sync-server/testing/world';
import type { DesktopHost } from '../host/desktop-host';
import { enrolledHost } from '../testing/desktop-host';
import { clearUpdateRefusal, recordUpdateRefusal } from './update-refusal';

let w: World;
let host: DesktopHost;
let dir: string;
beforeAll(async () => {
  w = await startWorld();
  ({ host, dir } = await enrolledHost(w, 'SH02', 'till'));
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
