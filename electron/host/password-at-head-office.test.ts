/* eslint-disable @typescript-eslint/no-restricted-imports --
   an end-to-end test of the desktop host against a real head office, which lives in sync-server/ */
// At an enrolled PC, a person's password changes at head office, as that person: their current
// password, checked there, proves who they are; the change comes back to the PC by sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startWorld, type World } from '../../sync-server/testing/world';
import type { DesktopHost } from './desktop-host';
import { enrolledHost } from '../testing/desktop-host';

let w: World;
let host: DesktopHost;
beforeAll(async () => {
  w = await startWorld();
  ({ host } = await enrolledHost(w, 'SH01', 'till'));
}, 60_000);
afterAll(async () => {
  host?.close();
  await w?.close();
});

const signIn = async (password: string) =>
  (await host.core.call('auth.login', { username: 'shop1', password })).token;

describe('changing one’s own password at a branch PC', () => {
  it('refuses a wrong current password, as head office does', async () => {
    const token = await signIn(PASSWORD);
    await expect(
      host.core.call(
        'auth.changePassword',
        { currentPassword: 'not-my-password', newPassword: 'a-new-long-passphrase' },
        token,
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION', field: 'currentPassword' });
  });

  it('changes it at head office and here, and the old one no longer signs in anywhere', async () => {
    const token = await signIn(PASSWORD);
    const fresh = await host.core.call(
      'auth.changePassword',
      { currentPassword: PASSWORD, newPassword: 'a-new-long-passphrase' },
      token,
    );
    expect(fresh.token).toEqual(expect.any(String));
    await expect(signIn(PASSWORD)).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    expect(await signIn('a-new-long-passphrase')).toEqual(expect.any(String));
    const atHeadOffice = await fetch(`${w.base}/api/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'shop1', password: 'a-new-long-passphrase' }),
    });
    expect(atHeadOffice.status).toBe(200);
  });
});
