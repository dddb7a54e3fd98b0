/* eslint-disable @typescript-eslint/no-restricted-imports --
   an end-to-end test of the desktop host against a real head office, which lives in sync-server/ */
// An enrolled PC with its background sync on, against head office over HTTPS with the pinned
// certificate (decision 0018): it hears of a user created at head office and signs them in with
// nobody syncing by hand; it sends an order made here at once; when head office goes away, Sync
// now says so by code and the loop tries again by itself, and it is back once head office is.
// A PC that has not heard of a user yet says so, and when it last synced.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import { startServer } from '../../sync-server/main';
import {
  call,
  PASSWORD,
  serverConfig,
  startHeadOffice,
  type HeadOffice,
  type Server,
} from '../../sync-server/http/testing/head-office';
import { desktopHostAt } from '../testing/desktop-host';
import type { DesktopHost } from './desktop-host';

let ho: HeadOffice;
/** Head office after it came back (the same data folder and port). */
let back: Server | null = null;
const dirs: string[] = [];

async function pcAt(background: boolean): Promise<DesktopHost> {
  const name = background ? 'Till (live)' : 'Till (by hand)';
  const { host, dir } = await desktopHostAt(ho.server.url, await ho.enrollmentCode(), name, {
    background,
  });
  dirs.push(dir);
  return host;
}

let live: DesktopHost;
let byHand: DesktopHost;
beforeAll(async () => {
  ho = await startHeadOffice();
  live = await pcAt(true);
  byHand = await pcAt(false);
}, 120_000);
afterAll(async () => {
  live?.close();
  byHand?.close();
  await (back ?? ho.server).close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

let n = 0;
async function newUser(): Promise<string> {
  const username = `clerk.new${++n}`;
  await ho.admin('users.create', {
    username,
    displayName: `New clerk ${n}`,
    role: 'shop_clerk',
    branchId: ho.shopBranchId,
    password: PASSWORD,
  });
  return username;
}

const signIn = (host: DesktopHost, username: string, password = PASSWORD) =>
  host.core.call('auth.login', { username, password });

const refusal = async (work: Promise<unknown>): Promise<DomainError> => {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
};

describe('a PC with background sync', () => {
  it('signs in a user created at head office, with nobody syncing by hand', async () => {
    await expect.poll(() => live.status().online, { timeout: 20_000 }).toBe(true);
    const username = await newUser();
    await expect
      .poll(
        () =>
          signIn(live, username).then(
            (s) => s.userId,
            () => null,
          ),
        {
          timeout: 20_000,
          interval: 200,
        },
      )
      .toEqual(expect.any(String));
  });

  it('sends an order made here at once', async () => {
    const clerk = (await signIn(live, 'shop1')).token;
    const order = await live.call(
      'orders.place',
      { lines: [{ variantId: ho.variantId, quantity: 1 }] },
      clerk,
    );
    const id = (order as { id: string }).id;
    await expect
      .poll(
        async () => {
          await ho.server.replica.current();
          return ho.server.replica.core.db.sqlite
            .prepare('SELECT count(*) AS n FROM orders WHERE id = ?')
            .pluck()
            .get(id);
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(1);
    expect(live.status().pending).toBe(0);
  });

  it('says in a code what stopped Sync now while head office is away, and is back by itself', async () => {
    const port = ho.server.port;
    await ho.server.close();
    await expect(live.syncNow()).rejects.toThrow(/could not be reached/);
    const down = live.status();
    expect(down).toMatchObject({ online: false, lastErrorCode: 'UNAVAILABLE' });
    expect(down.lastError).toMatch(/could not be reached/);
    // The loop pauses between tries, 30 s at the most.
    await expect.poll(() => live.status().nextTryAt ?? null, { timeout: 10_000 }).not.toBeNull();
    expect(live.status().nextTryAt! - Date.now()).toBeLessThanOrEqual(30_000);

    back = await startServer(serverConfig(ho.dataDir, { port }), () => undefined);
    await expect
      .poll(() => live.status(), { timeout: 45_000, interval: 250 })
      .toMatchObject({ online: true, lastError: null, lastErrorCode: null, nextTryAt: null });
  });
});

describe('signing in someone this PC has not heard of yet', () => {
  it('says the PC has not heard of them from head office, and when it last synced', async () => {
    const username = await newUser();
    const error = await refusal(signIn(byHand, username));
    expect(error.code).toBe('LOGIN_FAILED');
    expect(error.field).toBe('username');
    const last = byHand.status().lastSyncAt!;
    const at = new Date(last);
    const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    expect(error.message).toMatch(
      new RegExp(
        `^This PC has not heard of a user "${username}" from head office yet: it last synced ` +
          `with head office (at|on \\d{4}-\\d\\d-\\d\\d at) ${hhmm}\\. If head office created ` +
          'this user just now, wait a few seconds and sign in again, or press Sync now \\(F5\\); ' +
          'otherwise check the username\\.$',
      ),
    );
    // Once it has synced, the same person signs in.
    await byHand.syncNow();
    expect((await signIn(byHand, username)).userId).toEqual(expect.any(String));
  });

  it('keeps saying only "wrong" for a wrong password, and at head office for anyone unknown', async () => {
    const wrong = await refusal(signIn(byHand, 'shop1', 'not-the-password'));
    expect(wrong.message).toBe('The username or password is wrong.');
    const server = back ?? ho.server;
    const atHeadOffice = await call<{ error: { code: string; message: string } }>(
      server.url,
      'POST',
      '/api/auth.login',
      { username: 'nobody.here', password: PASSWORD },
    );
    expect(atHeadOffice.body.error).toMatchObject({
      code: 'LOGIN_FAILED',
      message: 'The username or password is wrong.',
    });
  });
});
