// Console sign-ins end after a time without calls, through real HTTP. The servers run under a
// fake Date (it keeps moving; the test jumps it ahead), installed before they start so their
// clocks are the fake one; timers and sockets stay real.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONSOLE_IDLE_MS } from './console-sessions';
import { readConfig } from './main';
import { call, PASSWORD } from './http/testing/head-office';
import { startEdgeServer, type EdgeServer } from './http/testing/edge';

const MINUTE = 60_000;
const later = (ms: number) => vi.setSystemTime(Date.now() + ms);

let standard: EdgeServer;
let short: EdgeServer;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  [standard, short] = await Promise.all([
    startEdgeServer(),
    startEdgeServer({ consoleIdleMs: 5 * MINUTE }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([standard?.close(), short?.close()]);
  vi.useRealTimers();
});

interface Answer {
  ok: boolean;
  result?: { token?: string; username?: string };
  error?: { code: string; message: string };
}
const api = (edge: EdgeServer, name: string, token?: string, input: unknown = {}) =>
  call<Answer>(edge.server.url, 'POST', `/api/${name}`, input, token);
const signIn = async (edge: EdgeServer) => {
  const r = await api(edge, 'auth.login', undefined, { username: 'admin', password: PASSWORD });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.result?.token ?? '';
};

describe('a console sign-in', () => {
  it('lasts 30 minutes without a call by default, each call starting them again', async () => {
    expect(CONSOLE_IDLE_MS).toBe(30 * MINUTE);
    const token = await signIn(standard);
    for (let i = 0; i < 3; i++) {
      later(29 * MINUTE);
      const me = await api(standard, 'auth.me', token);
      expect(me.status, `after ${(i + 1) * 29} minutes`).toBe(200);
      expect(me.body.result?.username).toBe('admin');
    }
    later(32 * MINUTE);
    const idle = await api(standard, 'auth.me', token);
    expect(idle.status).toBe(401);
    expect(idle.body.error).toMatchObject({ code: 'SESSION_EXPIRED' });
    expect(idle.body.error?.message).toMatch(/without activity\. Sign in again\./);
    // Ended for good (in the store as well), and signing in again works at once.
    const after = await api(standard, 'auth.me', token);
    expect(after.status).toBe(401);
    expect(after.body.error?.message).toMatch(/Sign in again/);
    const fresh = await signIn(standard);
    expect((await api(standard, 'auth.me', fresh)).status).toBe(200);
  });

  it('lasts as long as the server is told (--console-idle-minutes)', async () => {
    const token = await signIn(short);
    later(4 * MINUTE);
    expect((await api(short, 'auth.me', token)).status).toBe(200);
    later(6 * MINUTE + 5_000);
    const idle = await api(short, 'auth.me', token);
    expect(idle.status).toBe(401);
    expect(idle.body.error?.code).toBe('SESSION_EXPIRED');
    expect((await api(short, 'auth.me', await signIn(short))).status).toBe(200);
  });

  it('takes its idle time from the command line or the environment', () => {
    const base = ['--data', '/tmp/x'];
    expect(readConfig(base, {}).consoleIdleMs).toBeUndefined();
    expect(readConfig([...base, '--console-idle-minutes', '45'], {}).consoleIdleMs).toBe(
      45 * MINUTE,
    );
    expect(readConfig(base, { FSE_CONSOLE_IDLE_MINUTES: '0.5' }).consoleIdleMs).toBe(30_000);
    for (const wrong of ['0', '-3', 'soon', '20000'])
      expect(() => readConfig([...base, '--console-idle-minutes', wrong], {}), wrong).toThrow(
        /--console-idle-minutes/,
      );
  });
});
