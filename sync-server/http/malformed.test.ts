// Malformed requests, one of each kind, through real HTTP: each gets a 4xx whose JSON message
// names the problem, and the server keeps answering. Then what the address of an operation may
// not get around: its rate limit and its body limit, whatever its spelling.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMMY_HASH, verifyPassword } from '../../core/auth/password';
import { MAX_BODY_BYTES } from '../../core/sync/protocol';
import { SMALL_BODY_BYTES } from './harden';
import { PASSWORD } from './testing/head-office';
import { startEdgeServer, type EdgeServer } from './testing/edge';
import { rawRequest, refusalMessage, type RawRequest } from './testing/raw';

let edge: EdgeServer;
beforeAll(async () => {
  edge = await startEdgeServer({ rateLimits: { login: { burst: 12, refillMs: 600_000 } } });
}, 60_000);
afterAll(() => edge?.close());

const JSON_TYPE = { 'content-type': 'application/json' };
const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  ({ method: 'POST', path, body, headers: { ...JSON_TYPE, ...headers } }) satisfies RawRequest;
const asDevice = () => ({ authorization: `Bearer ${edge.deviceToken}` });
const asAdmin = () => ({ authorization: `Bearer ${edge.adminToken}` });
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const pad = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes) });

interface Case {
  name: string;
  request: () => RawRequest;
  status: number;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: '100,000 [ unclosed',
    request: () => post('/api/auth.me', '['.repeat(100_000), asAdmin()),
    status: 400,
    message: /nests arrays and objects more than 64 levels/,
  },
  {
    name: 'arrays nested 100,000 deep',
    request: () => post('/sync/push', deep(100_000), asDevice()),
    status: 400,
    message: /more than 64 levels/,
  },
  {
    name: 'objects nested deep inside a push',
    request: () =>
      post('/sync/push', `{"events":[${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}]}`, asDevice()),
    status: 400,
    message: /more than 64 levels/,
  },
  {
    name: 'a deep body in a string is only a string',
    request: () => post('/sync/push', JSON.stringify({ events: deep(1000) }), asDevice()),
    status: 400,
    message: /events/,
  },
  {
    name: 'Content-Encoding br2',
    request: () => post('/api/auth.me', '{}', { 'content-encoding': 'br2', ...asAdmin() }),
    status: 415,
    message: /Content-Encoding "br2" is not supported/,
  },
  {
    name: 'gzip with a garbage body',
    request: () => post('/sync/push', 'not gzip at all', { 'content-encoding': 'gzip' }),
    status: 400,
    message: /could not be decompressed as gzip/,
  },
  {
    name: 'a file sent as gzip that is not',
    request: () => ({
      method: 'PUT',
      path: `/sync/files/${'a'.repeat(64)}`,
      body: 'garbage',
      headers: { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' },
    }),
    status: 400,
    message: /could not be decompressed/,
  },
  {
    name: 'charset utf-7',
    request: () =>
      post('/api/auth.login', '{}', { 'content-type': 'application/json; charset=utf-7' }),
    status: 415,
    message: /charset "utf-7" is not supported: send JSON in UTF-8/,
  },
  {
    name: 'charset ibm037',
    request: () => post('/setup', '{}', { 'content-type': 'application/json; charset=ibm037' }),
    status: 415,
    message: /charset "ibm037"/,
  },
  {
    name: 'charset utf-16',
    request: () =>
      post('/sync/enroll', '{}', { 'content-type': 'application/json; charset=utf-16le' }),
    status: 415,
    message: /charset "utf-16le"/,
  },
  {
    name: 'a body that is not JSON at all',
    request: () => post('/api/auth.me', 'hello', { 'content-type': 'text/plain', ...asAdmin() }),
    status: 415,
    message: /must be JSON, sent as application\/json/,
  },
  {
    name: 'invalid JSON',
    request: () => post('/api/auth.login', '{"username": "admin",'),
    status: 400,
    message: /not valid JSON/,
  },
  {
    name: 'a number for a body (JSON, but neither object nor array)',
    request: () => post('/api/auth.me', '42', asAdmin()),
    status: 400,
    message: /not valid JSON/,
  },
  {
    name: 'an array for an operation input',
    request: () => post('/api/auth.me', '[1, 2]', asAdmin()),
    status: 400,
    message: /expected object/,
  },
  {
    name: 'a string where events go',
    request: () => post('/sync/push', '{"events":"none"}', asDevice()),
    status: 400,
    message: /^events: /,
  },
  {
    // Set up already: that is the answer, whatever the body (setup.test.ts sends it fresh).
    name: 'an array for first-run setup, once set up',
    request: () => post('/setup', '[]'),
    status: 409,
    message: /set up already\. Sign in/,
  },
  {
    name: 'a sign-in over the small body limit',
    request: () => post('/api/auth.login', pad(SMALL_BODY_BYTES)),
    status: 413,
    message: /larger than the server accepts here \(64 KiB at most\)/,
  },
  {
    name: 'a sign-in over the small body limit, its name spelt %2E',
    request: () => post('/api/auth%2Elogin', pad(SMALL_BODY_BYTES)),
    status: 413,
    message: /64 KiB at most/,
  },
  {
    name: 'a push over the body limit',
    request: () => post('/sync/push', pad(MAX_BODY_BYTES), asDevice()),
    status: 413,
    message: /16 MiB at most/,
  },
  {
    name: 'a compressed push over the body limit once inflated',
    request: () =>
      post('/sync/push', gzipSync(pad(MAX_BODY_BYTES)), { 'content-encoding': 'gzip' }),
    status: 413,
    message: /16 MiB at most/,
  },
  {
    name: 'a broken %-escape in an operation name',
    request: () => post('/api/%E0%A4%A', '{}'),
    status: 400,
    message: /address is not valid/,
  },
  {
    name: 'a broken %-escape in a file hash',
    request: () => ({ method: 'GET', path: '/sync/files/%E0%A4%A' }),
    status: 400,
    message: /address is not valid/,
  },
  {
    name: 'a method that is none',
    request: () => ({ method: 'FOO/BAR', path: '/health' }),
    status: 400,
    message: /not valid HTTP/,
  },
  {
    name: 'CONNECT',
    request: () => ({ method: 'CONNECT', path: '127.0.0.1:22' }),
    status: 405,
    message: /no proxy/,
  },
  {
    name: 'a full address, as sent to a proxy',
    request: () => ({ method: 'GET', path: 'http://elsewhere.example/console' }),
    status: 400,
    message: /takes a path/,
  },
  {
    name: 'a method no route serves',
    request: () => ({ method: 'DELETE', path: '/nowhere' }),
    status: 404,
    message: /No route DELETE \/nowhere/,
  },
];

describe('a malformed request', () => {
  it.each(cases)('is refused with a JSON message: $name', async ({ request, status, message }) => {
    const answer = await rawRequest(edge.port, request());
    expect(answer.status, answer.body.slice(0, 300)).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refusalMessage(answer)).toMatch(message);
  });

  it('leaves the server answering', async () => {
    const health = await rawRequest(edge.port, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', setUp: true });
  });
});

describe('a method a JSON path does not serve', () => {
  const others = [
    { method: 'PUT', path: '/api/auth.me' },
    { method: 'PATCH', path: '/sync/push' },
    { method: 'PROPFIND', path: '/setup' },
    { method: 'DELETE', path: '/sync/push' },
    { method: 'PUT', path: '/sync/enroll' },
    { method: 'GET', path: '/api/auth.me' },
  ];

  it.each(others)(
    'is refused with 405 and Allow: POST: $method $path',
    async ({ method, path }) => {
      const answer = await rawRequest(edge.port, { method, path, headers: asAdmin(), body: '' });
      expect(answer.status, answer.body.slice(0, 300)).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
      expect(JSON.parse(answer.body)).toEqual({
        ok: false,
        code: 'METHOD_NOT_ALLOWED',
        message: `${method} is not served at ${path}: send POST instead.`,
        error: {
          code: 'METHOD_NOT_ALLOWED',
          message: `${method} is not served at ${path}: send POST instead.`,
        },
      });
    },
  );

  it('does nothing the same body would do by POST', async () => {
    const input = JSON.stringify({ code: 'SH09', name: 'Never made', kind: 'shop' });
    for (const method of ['PUT', 'PATCH'])
      expect(
        (await rawRequest(edge.port, { ...post('/api/branches.create', input, asAdmin()), method }))
          .status,
        method,
      ).toBe(405);
    const branches = await rawRequest(edge.port, post('/api/branches.list', '{}', asAdmin()));
    expect(branches.status).toBe(200);
    expect(branches.body).not.toContain('SH09');
  });
});

describe("head office's contract over HTTP", () => {
  it('refuses the demo company, and a second setup of head office', async () => {
    for (const name of ['setup.loadDemo', 'setup%2EloadDemo']) {
      const answer = await rawRequest(edge.port, post(`/api/${name}`, '{}'));
      expect(answer.status, name).toBe(403);
      expect(refusalMessage(answer)).toMatch(/does not load the demo company/);
    }
    const again = await rawRequest(edge.port, post('/api/setup.initialize', '{}'));
    expect(again.status).toBe(409);
    expect(refusalMessage(again)).toMatch(/set up already\. Sign in/);
    const demo = await rawRequest(
      edge.port,
      post('/api/auth.login', JSON.stringify({ username: 'admin', password: 'demo1234' })),
    );
    expect(demo.status).toBe(401);
  });

  it('answers other requests while a password is checked', async () => {
    const started = performance.now();
    await verifyPassword(PASSWORD, DUMMY_HASH);
    const checkMs = performance.now() - started;
    const signIn = rawRequest(
      edge.port,
      post('/api/auth.login', JSON.stringify({ username: 'admin', password: PASSWORD })),
    );
    let signedIn = false;
    void signIn.then(() => (signedIn = true));
    const waits: number[] = [];
    while (!signedIn) {
      const sent = performance.now();
      expect((await rawRequest(edge.port, { method: 'GET', path: '/health' })).status).toBe(200);
      waits.push(performance.now() - sent);
      await sleep(20);
    }
    expect((await signIn).status).toBe(200);
    // On the main thread the check would hold every one of these for its whole length.
    expect(waits.length).toBeGreaterThan(3);
    expect(Math.max(...waits)).toBeLessThan(checkMs / 2);
  });
});

describe("an operation's address", () => {
  const signIn = (path: string) =>
    rawRequest(edge.port, post(path, JSON.stringify({ username: '', password: '' })));

  it('is rate limited by the operation it names, however it is spelt', async () => {
    const spellings = [
      '/api/auth%2Elogin',
      '/api/auth%2elogin/',
      '/API/auth.login',
      '/api/auth.login',
    ];
    let limited = null;
    for (let i = 0; i < 10 && !limited; i++) {
      const answer = await signIn(spellings[i % spellings.length] ?? '');
      if (answer.status === 429) limited = answer;
      else expect(answer.status).toBe(400);
    }
    expect(limited?.headers.get('retry-after')).toBeTruthy();
    for (const path of spellings) expect((await signIn(path)).status, path).toBe(429);
  });

  it('is answered 404 when the name it decodes to is no operation, limited or not', async () => {
    for (const path of [
      '/api/auth%252Elogin', // encoded twice
      '/api/auth%2Flogin',
      '/api/auth%E2%80%A4login', // ․ one dot leader
      '/api/auth%EF%BC%8Elogin', // ． fullwidth full stop
      '/api/%D0%B0uth.login', // Cyrillic а
      '/api/auth.login%00',
      '/api/__proto__',
    ]) {
      const answer = await signIn(path);
      expect(answer.status, path).toBe(404);
      expect(refusalMessage(answer), path).toMatch(/no operation called/);
    }
  });
});
