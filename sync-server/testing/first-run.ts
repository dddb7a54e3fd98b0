// Head office's first run, checked from outside: servers that were never set up, admins to try,
// and the check that a server is whole (sync-server/setup.test.ts, setup.postgres.test.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startServer, type ServerConfig } from '../main';
import { http } from './world';

export type Server = Awaited<ReturnType<typeof startServer>>;
const running: Server[] = [];

/** Closes every server fresh() started. */
export async function closeAll(): Promise<void> {
  for (const s of running.splice(0)) await s.close();
}

/** A server never set up, on plain HTTP, with its own data folder. */
export async function fresh(extra: Partial<ServerConfig> = {}): Promise<Server> {
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir: mkdtempSync(join(tmpdir(), 'fse-setup-')),
      databaseUrl: null,
      ...extra,
    },
    () => undefined,
  );
  running.push(server);
  return server;
}

export interface Admin {
  username: string;
  password: string;
}
let made = 0;
export const newAdmin = (): Admin => ({
  username: `admin${++made}`,
  password: `pass-word-${made}`,
});
export const body = (a: Admin, extra: Record<string, unknown> = {}) => ({
  branch: { code: 'HQ', name: 'Acme Head Office' },
  admin: { username: a.username, displayName: 'The Admin', password: a.password },
  ...extra,
});

export interface Refusal {
  ok: false;
  code?: string;
  message?: string;
  error: { code: string; message: string; issues?: { field: string; message: string }[] };
}
export type Answer<T> = { ok: true; result: T } | Refusal;

export const api = <T>(base: string, name: string, input: unknown, token?: string) =>
  http<Answer<T>>(base, 'POST', `/api/${name}`, input, token);
export const health = async (base: string) =>
  (await http<{ setUp: boolean }>(base, 'GET', '/health')).body.setUp;

export async function signIn(base: string, a: Admin): Promise<string | null> {
  const r = await api<{ token: string }>(base, 'auth.login', a);
  return r.body.ok ? r.body.result.token : null;
}

/**
 * The server is whole: not set up (then setup still works), or set up with exactly one of
 * `tried` as its admin. Either way that admin then signs in, creates an enrollment code, and a
 * PC enrolls with it; and setup is refused from then on with words that say to sign in.
 */
export async function expectWhole(base: string, tried: Admin[]): Promise<Admin> {
  const status = await api<{ initialized: boolean }>(base, 'setup.status', {});
  if (!status.body.ok) throw new Error(JSON.stringify(status.body));
  let candidates = tried;
  if (!status.body.result.initialized) {
    expect(await health(base)).toBe(false);
    const admin = newAdmin();
    const setup = await http(base, 'POST', '/setup', body(admin));
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    candidates = [admin];
  }
  const signedIn: [Admin, string][] = [];
  for (const a of candidates) {
    const token = await signIn(base, a);
    if (token) signedIn.push([a, token]);
  }
  expect(signedIn.map(([a]) => a.username)).toHaveLength(1);
  const [admin, token] = signedIn[0]!;
  const me = await api<{ branchId: string }>(base, 'auth.me', {}, token);
  if (!me.body.ok) throw new Error(JSON.stringify(me.body));
  const code = await api<{ code: string }>(
    base,
    'devices.enrollmentCode',
    { branchId: me.body.result.branchId },
    token,
  );
  expect(code.body.ok, JSON.stringify(code.body)).toBe(true);
  if (!code.body.ok) return admin;
  const enrolled = await http<{ deviceId?: string }>(base, 'POST', '/sync/enroll', {
    code: code.body.result.code,
    deviceName: 'Office PC',
  });
  expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(200);
  expect(enrolled.body.deviceId).toBeTruthy();
  expect(await health(base)).toBe(true);
  const again = await http<Refusal>(base, 'POST', '/setup', body(newAdmin()));
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('ALREADY_SET_UP');
  expect(again.body.error.message).toMatch(/set up already\. Sign in with its admin/);
  return admin;
}

/**
 * Setups sent at the same moment to two server processes, one through each door: exactly one is
 * taken, the other told head office is set up. Answers every admin tried and the one taken.
 */
export async function raceSetups(a: Server, b: Server): Promise<{ winner: Admin; tried: Admin[] }> {
  const [first, second] = [newAdmin(), newAdmin()];
  const answers = await Promise.all([
    http(a.url, 'POST', '/setup', body(first)),
    http(b.url, 'POST', '/api/setup.initialize', body(second)),
  ]);
  expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
  return { winner: answers[0]!.status === 200 ? first : second, tried: [first, second] };
}
