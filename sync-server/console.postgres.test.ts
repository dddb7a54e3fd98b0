// Head office's console through two server processes on one PostgreSQL database, as behind a
// load balancer without session affinity: a sign-in made through one process holds through the
// other, signing out or a password change ends it through both, wrong passwords count toward one
// lockout (also when they arrive at the same moment), each process sees at once what branches
// pushed to, and head office did through, the other, and a sign-in used through either ends
// after the same idle time through both, by its last use as the store records it. Date is
// faked (it keeps moving; the idle test jumps it ahead) before the servers start, so their
// clocks are the fake one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { MAX_FAILED_LOGINS } from '../core/auth/sessions';
import { startServer } from './main';
import { startTestPostgres, type TestPostgres } from './store/testing/postgres';
import { http, PASSWORD, placeWithSlip, startWorld, type World } from './testing/world';

let pg: TestPostgres;
let w: World;
let second: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  pg = await startTestPostgres();
  const databaseUrl = await pg.createDatabase('console_two_processes');
  // Lockout is what these tests count: the per-address sign-in rate limit (its own tests are in
  // http/harden.test.ts) must not answer first, however fast the calls come.
  const rateLimits = { login: { burst: 1_000, refillMs: 1 } };
  w = await startWorld({ databaseUrl, rateLimits });
  second = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: mkdtempSync(join(tmpdir(), 'fse-console-second-')),
      databaseUrl,
      rateLimits,
    },
    () => undefined,
  );
}, 180_000);
afterAll(async () => {
  await second?.close();
  await w?.close();
  await pg?.stop();
  vi.useRealTimers();
});

interface Answer {
  ok: boolean;
  result?: { token?: string; username?: string; status?: string };
  error?: { code: string; message: string };
}
const call = (base: string, name: string, input: unknown, token?: string) =>
  http<Answer>(base, 'POST', `/api/${name}`, input, token);
const signIn = async (base: string, password = PASSWORD, username = 'finance') => {
  const r = await call(base, 'auth.login', { username, password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.result!.token!;
};
const userId = (username: string) =>
  z
    .object({ id: z.string() })
    .parse(
      w.server.replica.core.db.sqlite
        .prepare('SELECT id FROM users WHERE username = ?')
        .get(username),
    ).id;
const whoIs = async (base: string, token: string) => {
  const r = await call(base, 'auth.me', {}, token);
  return r.status === 200 ? r.body.result!.username : r.body.error!.code;
};

describe('the console through two server processes on PostgreSQL', () => {
  it('holds a sign-in through both, and ends it through both', async () => {
    const A = w.base;
    const B = `http://127.0.0.1:${second.port}`;
    const fromA = await signIn(A);
    expect(await whoIs(B, fromA)).toBe('finance');
    const fromB = await signIn(B);
    expect(await whoIs(A, fromB)).toBe('finance');

    // Signed out through B: ended through A too, where it was made.
    expect((await call(B, 'auth.logout', {}, fromA)).status).toBe(200);
    expect(await whoIs(A, fromA)).toBe('UNAUTHENTICATED');
    expect(await whoIs(B, fromA)).toBe('UNAUTHENTICATED');
    expect(await whoIs(B, fromB)).toBe('finance');

    // A password changed through A ends every earlier sign-in, on B as well: one B had taken
    // in (fromB) and one it never saw (other). The sign-in the change opens holds through B.
    const other = await signIn(A);
    const changed = await call(
      A,
      'auth.changePassword',
      { currentPassword: PASSWORD, newPassword: 'a-new-long-password' },
      fromB,
    );
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const renewed = changed.body.result!.token!;
    expect(await whoIs(B, fromB)).toBe('UNAUTHENTICATED');
    expect(await whoIs(B, other)).toBe('UNAUTHENTICATED');
    expect(await whoIs(A, other)).toBe('UNAUTHENTICATED');
    expect(await whoIs(B, renewed)).toBe('finance');
    expect((await call(B, 'auth.login', { username: 'finance', password: PASSWORD })).status).toBe(
      401,
    );
    expect(await whoIs(A, await signIn(B, 'a-new-long-password'))).toBe('finance');
  });

  it('counts wrong passwords toward one lockout through both, and an unlock through one holds for both', async () => {
    const A = w.base;
    const B = `http://127.0.0.1:${second.port}`;
    const attempt = (base: string, password: string) =>
      call(base, 'auth.login', { username: 'factory', password });
    // Five wrong passwords, alternating: three reach A and two reach B.
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push((await attempt(i % 2 ? B : A, 'not-the-password')).body.error!.code);
    expect(codes).toEqual([...Array(4).fill('LOGIN_FAILED'), 'ACCOUNT_LOCKED']);
    for (const base of [A, B])
      expect((await attempt(base, PASSWORD)).body.error?.code, base).toBe('ACCOUNT_LOCKED');
    const admin = await signIn(A, PASSWORD, 'admin');
    const users = await http<{ result: { id: string; username: string; locked: number }[] }>(
      B,
      'POST',
      '/api/users.list',
      {},
      admin,
    );
    const factory = users.body.result.find((u) => u.username === 'factory')!;
    expect(factory.locked).toBe(1);
    expect((await call(A, 'users.update', { id: factory.id, unlock: true }, admin)).status).toBe(
      200,
    );
    expect((await attempt(B, PASSWORD)).status).toBe(200);
  });

  it('counts every one of wrong passwords sent through both at the same moment', async () => {
    const A = w.base;
    const B = `http://127.0.0.1:${second.port}`;
    // Checked side by side in both processes, then counted in the store at once: none is lost.
    const answers = await Promise.all(
      Array.from({ length: MAX_FAILED_LOGINS }, (_, i) =>
        call(i % 2 ? B : A, 'auth.login', { username: 'factory', password: 'not-the-password' }),
      ),
    );
    expect(answers.map((a) => a.body.error!.code).sort()).toEqual(
      ['ACCOUNT_LOCKED', ...Array<string>(MAX_FAILED_LOGINS - 1).fill('LOGIN_FAILED')].sort(),
    );
    const state = await w.server.hub.store.loginState(userId('factory'), '127.0.0.1');
    expect(state).toMatchObject({ failedAttempts: 0, lockedUntil: expect.any(Number) });
    for (const base of [A, B])
      expect(
        (await call(base, 'auth.login', { username: 'factory', password: PASSWORD })).body.error
          ?.code,
        base,
      ).toBe('ACCOUNT_LOCKED');
  });

  it('sees at once through one process what was pushed to, or done through, the other', async () => {
    const A = w.base;
    const B = `http://127.0.0.1:${second.port}`;
    const admin = await signIn(B, PASSWORD, 'admin');
    // The shop syncs through A only; B answers about its order at once.
    const shop = await w.enroll('SH01');
    const placed = await placeWithSlip(shop, 'shop1', w.variants[0]!, 2);
    await shop.engine.sync();
    const verified = await call(
      B,
      'orders.verifyPayment',
      { orderId: placed.id, amount: placed.total },
      admin,
    );
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    // Verified through B; A answers with it at once, and the shop pulls it from A.
    const seen = await call(A, 'orders.get', { orderId: placed.id }, admin);
    expect(seen.body.result?.status).toBe('payment_verified');
    await shop.engine.sync();
    expect((await shop.as('shop1')('orders.get', { orderId: placed.id })).status).toBe(
      'payment_verified',
    );
  });

  it('ends a sign-in after 30 minutes without a call through either, wherever the calls went', async () => {
    const A = w.base;
    const B = `http://127.0.0.1:${second.port}`;
    const MINUTE = 60_000;
    const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
    const token = await signIn(A, PASSWORD, 'shop2');
    const stored = async () =>
      (await w.server.hub.store.sessions()).filter((s) => s.userId === userId('shop2'));
    // Each process reads the sign-in's last use, which the other recorded, from the store.
    for (const base of [B, A, B]) {
      later(20 * MINUTE);
      const calledAt = Date.now();
      expect(await whoIs(base, token), base).toBe('shop2');
      // One row for the one sign-in, its last use moved on: no marks beside it.
      const rows = await stored();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.lastUsedAt).toBeGreaterThanOrEqual(calledAt);
    }
    later(32 * MINUTE);
    const idle = await call(A, 'auth.me', {}, token);
    expect(idle.status).toBe(401);
    expect(idle.body.error?.message).toMatch(/without activity\. Sign in again\./);
    expect(await whoIs(B, token)).toBe('UNAUTHENTICATED');
    expect(await stored()).toEqual([]);
  });
});
