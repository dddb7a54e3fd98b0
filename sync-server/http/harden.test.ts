import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../main';
import { clientKey, TokenBuckets } from './rate-limit';
import { call, serverConfig, type Server } from './testing/head-office';

let server: Server;
beforeAll(async () => {
  server = await startServer(
    serverConfig(mkdtempSync(join(tmpdir(), 'fse-harden-')), {
      rateLimits: { login: { burst: 3, refillMs: 2_000 }, enroll: { burst: 2, refillMs: 60_000 } },
    }),
    () => undefined,
  );
});
afterAll(() => server.close());

// An empty username fails validation at once: a real password check takes about a second,
// which would refill the bucket while the test is still using it up.
const login = () =>
  call<{ ok: boolean; code?: string; message?: string; error?: { code: string } }>(
    server.url,
    'POST',
    '/api/auth.login',
    { username: '', password: '' },
  );

describe('a hardened head-office server', () => {
  it('sets security headers on every answer, errors and unknown routes included', async () => {
    for (const [method, path] of [
      ['GET', '/health'],
      ['GET', '/no/such/route'],
      ['GET', '/sync/pull'],
    ] as const) {
      const r = await call(server.url, method, path);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('strict-transport-security')).toBe('max-age=31536000');
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.has('x-powered-by')).toBe(false);
    }
  });

  it('answers 429 with Retry-After once sign-in attempts exceed the burst, and lets them through again later', async () => {
    for (let i = 0; i < 3; i++) expect((await login()).status).not.toBe(429);
    const limited = await login();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.body).toMatchObject({
      ok: false,
      code: 'RATE_LIMITED',
      error: { code: 'RATE_LIMITED' },
    });
    expect(limited.body.message).toMatch(
      /Too many sign-in attempts.*Wait [12] seconds? and try again/,
    );
    // Other endpoints are not held back by the sign-in bucket.
    expect((await call(server.url, 'GET', '/health')).status).toBe(200);
    await sleep(Number(limited.headers.get('retry-after')) * 1000);
    expect((await login()).status).not.toBe(429);
    expect((await login()).status).toBe(429);
  });

  it('limits enrollment attempts', async () => {
    const enroll = () =>
      call<{ code: string }>(server.url, 'POST', '/sync/enroll', {
        code: 'WXYZ-WXYZ-WXYZ',
        deviceName: 'Guessing PC',
      });
    for (let i = 0; i < 2; i++) expect((await enroll()).body.code).toBe('ENROLLMENT_REFUSED');
    const limited = await enroll();
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
  });

  it('refuses bodies over the limits with 413', async () => {
    const bigLogin = await call(server.url, 'POST', '/setup', { pad: 'x'.repeat(70 * 1024) });
    expect(bigLogin.status).toBe(413);
    const bigPush = await call(server.url, 'POST', '/sync/push', {
      events: [],
      pad: 'x'.repeat(17 * 1024 * 1024),
    });
    expect(bigPush.status).toBe(413);
    // A push just under the sign-in limit is read as usual (and refused for its missing token).
    const push = await call(server.url, 'POST', '/sync/push', {
      events: [],
      pad: 'x'.repeat(70 * 1024),
    });
    expect(push.status).toBe(401);
  });
});

describe('token buckets', () => {
  it('allows the burst, then one request per refill interval, and forgets full buckets', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 2, refillMs: 1000 }, () => now);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1000);
    expect(buckets.take('b')).toBe(0);
    now = 400;
    expect(buckets.take('a')).toBe(600);
    now = 1000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(1000);
    now = 10_000;
    buckets.take('c');
    expect(buckets.size).toBe(1);
  });

  it('caps how many addresses it remembers', () => {
    const buckets = new TokenBuckets({ burst: 5, refillMs: 60_000 }, () => 0, 100);
    for (let i = 0; i < 1000; i++) buckets.take(`10.0.${i >> 8}.${i & 255}`);
    expect(buckets.size).toBe(100);
  });

  it('keys IPv4 by address and IPv6 by its /64', () => {
    expect(clientKey('::ffff:192.168.1.7')).toBe('192.168.1.7');
    expect(clientKey('10.0.0.1')).toBe('10.0.0.1');
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});
