// Every route the server serves, read from its router (each operation of the contract under
// /api), sent malformed requests through real HTTP: bodies nested deep, sent in charsets and
// encodings it does not take, of wrong types or too large; addresses spelt every way; methods
// that are none. None may answer 5xx; every refusal is JSON with a message; and the server still
// answers /health, and its sign-ins still work, after.
import fc from 'fast-check';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../core/contract/api';
import { SMALL_BODY_BYTES } from './harden';
import { startEdgeServer, type EdgeServer } from './testing/edge';
import {
  rawRequest,
  refusalMessage,
  servedRoutes,
  type RawAnswer,
  type RawRequest,
  type ServedRoute,
} from './testing/raw';

let edge: EdgeServer;
let routes: ServedRoute[];
beforeAll(async () => {
  edge = await startEdgeServer();
  routes = servedRoutes(edge.server.app);
}, 60_000);
afterAll(() => edge?.close());

/** What each route parameter is filled with: every operation, and a good and a bad value. */
const PARAMS: Record<string, string[]> = {
  name: Object.keys(operations),
  hash: ['ab'.repeat(32), 'not-a-hash'],
  file: ['latest.yml', 'Factory-Shop-ERP-9.9.9.exe'],
};
const PATTERN_SAMPLES = ['/console/', '/console/index.html', '/console/assets/app.js'];

/** Operations that would end the fuzz's own sign-in or start long work: sent without it. */
const NOT_AS_ADMIN = new Set(['auth.logout', 'sync.now', 'backups.create', 'backups.restore']);

function concrete(route: ServedRoute): RawRequest[] {
  if (!route.path.startsWith('/')) {
    const pattern = new RegExp(route.path);
    const samples = PATTERN_SAMPLES.filter((p) => pattern.test(p));
    if (samples.length === 0) throw new Error(`no sample path for the route ${route.path}`);
    return samples.map((path) => ({ method: route.method, path }));
  }
  let paths = [route.path];
  for (const [, param] of route.path.matchAll(/:(\w+)/g)) {
    const values = param ? PARAMS[param] : undefined;
    if (!values) throw new Error(`no values for :${param} in ${route.path}`);
    paths = paths.flatMap((p) => values.map((v) => p.replace(`:${param}`, v)));
  }
  return paths.map((path) => ({ method: route.method, path }));
}

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const FIELDS = ['id', 'username', 'password', 'events', 'lines', 'code', 'branchId', 'quantity'];

const bodies = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: 65, max: 100_000 }).map(deep),
  fc.integer({ min: 65, max: 100_000 }).map((n) => '['.repeat(n)),
  fc.integer({ min: 65, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.json(),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc
    .dictionary(
      fc.constantFrom(...FIELDS),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.double()), fc.object()),
    )
    .map((o) => JSON.stringify(o)),
  fc.constant(JSON.stringify({ pad: 'x'.repeat(SMALL_BODY_BYTES) })),
);

const spellings: ((path: string) => string)[] = [
  (p) => p,
  (p) => p.replace(/\./g, '%2E'),
  (p) => p.replace(/\./g, '%252E'),
  (p) => p.replace(/\//g, '%2F'),
  (p) => p.replace(/\/([^/]*)$/, '%2F$1'),
  (p) => p.replace(/\./g, '\u2024'),
  (p) => p.replace(/\./g, '%EF%BC%8E'),
  (p) => p.replace(/a/g, '\u0430'),
  (p) => p.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
  (p) => p.toUpperCase(),
  (p) => `${p}/`,
  (p) => `${p}%`,
  (p) => `${p}%E0%A4%A`,
  (p) => `${p}/../health`,
  (p) => `${p}?after=-1&limit=abc&limit=2`,
];

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'];
const NOT_METHODS = ['FOO', 'G E T', 'get', 'P\u00d8ST', 'X'.repeat(100), 'CONNECT'];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset="UTF-8"',
  'application/json; charset=utf-7',
  'application/json; charset=ibm037',
  'application/json; charset=utf-16',
  'application/json; charset=',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'garbage',
];
const ENCODINGS = ['identity', 'gzip', 'deflate', 'br', 'br2', 'gzip, br', 'zstd', 'x-gzip'];
const compressors: Record<string, (b: Buffer) => Buffer> = {
  gzip: gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
};

/** What every answer must be: never a 5xx, and a refusal is JSON with a message. */
function checkAnswer(request: RawRequest, answer: RawAnswer): void {
  const what = `${request.method} ${request.path}: ${answer.status} ${answer.body.slice(0, 200)}`;
  expect(answer.status, what).toBeGreaterThanOrEqual(100);
  // The one honest 5xx: the console's page, where the UI is not built (npm test builds it).
  const notBuilt = answer.status === 503 && /"code":"NOT_BUILT"/.test(answer.body);
  if (!notBuilt) expect(answer.status, what).toBeLessThan(500);
  if (answer.status >= 400 && request.method !== 'HEAD') {
    expect(answer.headers.get('content-type'), what).toMatch(/^application\/json/);
    expect(refusalMessage(answer), what).toBeTruthy();
  }
}

describe('the HTTP edge, fuzzed', () => {
  it('serves the routes it is meant to, and the fuzz knows how to fill each', () => {
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const route of [
      'GET /health',
      'POST /setup',
      'POST /api/:name',
      'POST /sync/enroll',
      'POST /sync/push',
      'GET /sync/pull',
      'GET /sync/wait',
      'HEAD /sync/files/:hash',
      'PUT /sync/files/:hash',
      'GET /sync/files/:hash',
      'GET /updates/:file',
      'PUT /updates/:file',
      'POST /telegram/webhook',
    ])
      expect(served, route).toContain(route);
    expect(routes.flatMap(concrete).length).toBeGreaterThan(Object.keys(operations).length);
  });

  it('refuses a deep, a wrongly encoded and a wrongly charset body on every route', async () => {
    const malformed: Pick<RawRequest, 'body' | 'headers'>[] = [
      { body: deep(100_000), headers: { 'content-type': 'application/json' } },
      { body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'br2' } },
      { body: '{}', headers: { 'content-type': 'application/json; charset=utf-7' } },
    ];
    for (const target of routes.flatMap(concrete))
      for (const m of malformed) {
        const request = { ...target, ...m };
        const answer = await rawRequest(edge.port, request);
        checkAnswer(request, answer);
        // Where a JSON body is read, it is refused before anything acts on it.
        if (target.method === 'POST' && /^\/(api|setup|sync\/(push|enroll))/.test(target.path))
          expect([400, 413, 415, 429], `${target.path} ${answer.body}`).toContain(answer.status);
      }
  }, 60_000);

  it('answers random malformed requests on every route within its rules', async () => {
    const targets = routes.flatMap(concrete);
    const requests = fc.record({
      target: fc.constantFrom(...targets),
      spell: fc.constantFrom(...spellings),
      method: fc.option(fc.constantFrom(...METHODS, ...NOT_METHODS), { nil: undefined }),
      contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
      encoding: fc.option(fc.constantFrom(...ENCODINGS), { nil: undefined }),
      compress: fc.boolean(),
      body: bodies,
      auth: fc.constantFrom('none', 'admin', 'device', 'Bearer garbage', 'Basic YWRtaW46eA=='),
    });
    await fc.assert(
      fc.asyncProperty(requests, async (r) => {
        const raw = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
        const compress = r.encoding ? compressors[r.encoding] : undefined;
        const body = raw && r.compress && compress ? compress(raw) : raw;
        const operation = r.target.path.replace(/^\/api\//, '');
        const token =
          r.auth === 'admin'
            ? NOT_AS_ADMIN.has(operation)
              ? undefined
              : `Bearer ${edge.adminToken}`
            : r.auth === 'device'
              ? `Bearer ${edge.deviceToken}`
              : r.auth === 'none'
                ? undefined
                : r.auth;
        const request: RawRequest = {
          method: r.method ?? r.target.method,
          path: r.spell(r.target.path),
          headers: {
            ...(r.contentType && { 'content-type': r.contentType }),
            ...(r.encoding && { 'content-encoding': r.encoding }),
            ...(token && { authorization: token }),
          },
          ...(body !== undefined && { body }),
        };
        checkAnswer(request, await rawRequest(edge.port, request));
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  it('still answers, and still knows its sign-ins, after all that', async () => {
    const health = await rawRequest(edge.port, { method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', database: true });
    const me = await rawRequest(edge.port, {
      method: 'POST',
      path: '/api/auth.me',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${edge.adminToken}` },
      body: '{}',
    });
    expect(me.status, me.body).toBe(200);
    const pull = await rawRequest(edge.port, {
      method: 'GET',
      path: '/sync/pull?after=0',
      headers: { authorization: `Bearer ${edge.deviceToken}` },
    });
    expect(pull.status, pull.body).toBe(200);
  });
});
