import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../core/sync/protocol';
import { DEMO_PASSWORD } from '../core/demo/seed';
import { DesktopHost } from './host/desktop-host';
import { EncryptedTokenStore, keyFileCipher } from './host/token-store';
import { contentSecurityPolicy } from './security';
import { startWebMode, type WebMode } from './web-mode';

const OUTSIDE = 'outside-the-static-dir: do not serve me';
let host: DesktopHost;
let web: WebMode;
const ran: string[] = [];

beforeAll(async () => {
  const base = mkdtempSync(join(tmpdir(), 'fse-web-'));
  const dataDir = join(base, 'data');
  const staticDir = join(base, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  mkdirSync(dataDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>FSE</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'secret.txt'), OUTSIDE);
  host = new DesktopHost({
    dataDir,
    appVersion: 'test',
    tokens: new EncryptedTokenStore(dataDir, keyFileCipher(dataDir)),
    syncIntervalMs: 0,
  });
  web = await startWebMode({
    call: (name, input, token) => {
      ran.push(name);
      return host.call(name, input, token);
    },
    staticDir,
  });
});

afterAll(async () => {
  await web.close();
  host.close();
});

const api = (name: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${web.origin}/api/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const withSecret = (extra: Record<string, string> = {}) => ({
  'x-fse-secret': web.secret,
  ...extra,
});

/** A raw GET, so the path reaches the server exactly as written (fetch would tidy `..` away). */
const rawGet = (path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: Number(new URL(web.origin).port), path, method: 'GET' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });

describe('web mode', () => {
  it('listens on 127.0.0.1 only, and gives the secret in the address’s fragment', async () => {
    expect(web.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(web.url).toBe(`${web.origin}/#secret=${web.secret}`);
    expect(web.secret.length).toBeGreaterThanOrEqual(32);
    const port = Number(new URL(web.origin).port);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external.address, port }, () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
  });

  it('refuses a call without the secret, or with a wrong one, and runs nothing', async () => {
    const before = ran.length;
    const attempts: Record<string, string>[] = [
      {},
      { 'x-fse-secret': 'wrong' },
      { 'x-fse-secret': web.secret.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) },
    ];
    for (const headers of attempts) {
      const res = await api('setup.loadDemo', {}, headers);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(ran.length).toBe(before);
    expect((await host.core.call('setup.status', {})).initialized).toBe(false);
  });

  it('runs the contract with the secret: demo company, sign-in, orders', async () => {
    expect(await (await api('setup.loadDemo', {}, withSecret())).json()).toMatchObject({
      ok: true,
    });
    const login = await api(
      'auth.login',
      { username: 'shop1', password: DEMO_PASSWORD },
      withSecret(),
    );
    expect(login.status).toBe(200);
    const { result } = (await login.json()) as { result: { token: string } };
    const orders = await api(
      'orders.list',
      {},
      withSecret({ authorization: `Bearer ${result.token}` }),
    );
    expect(orders.status).toBe(200);
    expect(await orders.json()).toMatchObject({ ok: true });
    const anonymous = await api('orders.list', {}, withSecret());
    expect(anonymous.status).toBe(401);
  });

  it('names the wrong field of a bad input, and says when the body is not JSON', async () => {
    const bad = await api(
      'orders.place',
      { lines: [{ variantId: 'v', quantity: 0 }] },
      withSecret(),
    );
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect((await api('orders.list', '{not json', withSecret())).status).toBe(400);
    expect((await api('no.such', {}, withSecret())).status).toBe(404);
  });

  it('serves the UI with the CSP and the other security headers', async () => {
    for (const path of ['/', '/orders/42', '/assets/app.js']) {
      const res = await fetch(`${web.origin}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(await (await fetch(`${web.origin}/assets/app.js`)).text()).toBe('console.log(1)');
  });

  it('never serves a file outside its folder, however the path is spelled', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '//../secret.txt',
    ]) {
      const res = await rawGet(path);
      expect(res.body, path).not.toContain(OUTSIDE);
      expect([200, 400, 403], path).toContain(res.status);
    }
  });

  it('answers a malformed address with 400 and keeps running', async () => {
    expect((await rawGet('/%E0%A4%A')).status).toBe(400);
    expect((await rawGet('/api/%E0%A4%A')).status).toBe(405);
    expect((await rawGet('/a%00b')).status).toBe(400);
    expect((await fetch(`${web.origin}/`)).status).toBe(200);
  });

  it('answers 413 to a body over the limit, without running it', async () => {
    const before = ran.length;
    const res = await api('orders.list', `"${'x'.repeat(MAX_BODY_BYTES)}"`, withSecret());
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      ok: false,
      error: { message: 'The request is too large.' },
    });
    expect(ran.length).toBe(before);
  });
});
