// The app:// handler under Node, on a folder made here with links pointing out of it: it answers
// the built renderer's files with their types and the policy, and nothing else however the path
// is spelled. renderer/e2e/csp.test.ts serves the real built page through it in Chromium.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../security';
import {
  APP_INDEX_URL,
  APP_ORIGIN,
  appSchemePrivileges,
  createAppProtocolHandler,
  resolveAppUrl,
} from './app-protocol';
import { cspFor, metaPolicyOf } from './security';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let base: string;
let root: string;
let handle: ReturnType<typeof createAppProtocolHandler>;
const refusals: unknown[] = [];

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'fse-app-protocol-')));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets/index-B1x_9z.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets/index-D5o.css'), 'body{}');
  writeFileSync(join(root, 'assets/noto-sans.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  writeFileSync(join(root, 'assets/setup.exe'), 'MZ');
  // Outside the folder: a sibling whose name starts like it, and a secret.
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil/secret.js'), 'stolen');
  writeFileSync(join(base, 'secret.js'), 'stolen');
  symlinkSync(join(base, 'secret.js'), join(root, 'assets/link.js'));
  symlinkSync(join(base, 'renderer-evil'), join(root, 'out'));
  symlinkSync(join(root, 'assets/index-B1x_9z.js'), join(root, 'alias.js'));
  handle = createAppProtocolHandler({
    root,
    csp: contentSecurityPolicy,
    log: (e) => void refusals.push(e),
  });
});

const get = (path: string, method = 'GET') => handle({ url: `${APP_ORIGIN}${path}`, method });

describe('app://erp/ serves the built renderer', () => {
  it('answers its files with their types, and the policy and nosniff on each', async () => {
    const cases: [string, string, string][] = [
      ['/', 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
      ['/index.html', 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
      ['/index.html?x=1#/orders', 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
      ['/assets/index-B1x_9z.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['/assets/index-D5o.css', 'text/css; charset=utf-8', 'body{}'],
      ['/alias.js', 'text/javascript; charset=utf-8', 'console.log(1)'], // a link that stays inside
    ];
    for (const [path, type, body] of cases) {
      const r = get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type'), path).toBe(type);
      expect(r.headers.get('content-security-policy'), path).toBe(contentSecurityPolicy);
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(await r.text(), path).toBe(body);
    }
    const font = get('/assets/noto-sans.woff2');
    expect(font.headers.get('content-type')).toBe('font/woff2');
    expect(Buffer.from(await font.arrayBuffer())).toEqual(Buffer.from([0x77, 0x4f, 0x46, 0x32]));
    const head = get('/index.html', 'HEAD');
    expect([head.status, await head.text(), head.headers.get('content-length')]).toEqual([
      200,
      '',
      '33',
    ]);
  });

  it('answers nothing outside the folder, however the path is spelled', async () => {
    const attempts = [
      '/../secret.js',
      '/../../../../etc/passwd',
      '/%2e%2e/secret.js',
      '/assets/%2e%2e/%2e%2e/secret.js',
      '/..%2Fsecret.js',
      '/..%2fsecret.js',
      '/..%5Csecret.js',
      '/assets%5C..%5C..%5Csecret.js',
      '/%252e%252e/secret.js',
      '/..%252Fsecret.js',
      '/%25%32%65%25%32%65%25%32%66secret.js',
      `/${encodeURIComponent(join(base, 'secret.js'))}`,
      `/${join(base, 'secret.js')}`,
      `//${base.slice(1)}/secret.js`,
      '/C:/Windows/win.ini',
      '/C%3A%5CWindows%5Cwin.ini',
      '/%5C%5Cserver%5Cshare%5Csecret.js',
      '/index.html%00.js',
      '/index.html%00',
      '/assets/link.js', // a link to a file outside
      '/out/secret.js', // through a linked folder
      '/../renderer-evil/secret.js', // a sibling folder whose name starts the same
      '/renderer-evil/secret.js',
      '/index.html.',
      '/CON',
      '/nul.js',
      '/.hidden.js',
      '/assets', // a folder
      '/assets/setup.exe', // not a kind of file the UI is made of
      '/%E0%A4%A.js', // broken encoding
    ];
    for (const path of attempts) {
      const r = get(path);
      expect([400, 404], path).toContain(r.status);
      expect(await r.text(), path).not.toContain('stolen');
      expect(r.headers.get('content-security-policy'), path).toBe(contentSecurityPolicy);
    }
    expect(refusals.length).toBeGreaterThanOrEqual(attempts.length);
  });

  it('answers only its own origin, and only reads', () => {
    for (const url of [
      'app://evil/index.html',
      'app://erp.evil/index.html',
      'app://erp:8080/index.html',
      'app://user@erp/index.html',
      'file:///index.html',
      'https://erp/index.html',
      'not a url',
    ])
      expect([400, 404], url).toContain(handle({ url, method: 'GET' }).status);
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS'])
      expect(get('/index.html', method).status, method).toBe(405);
    expect(resolveAppUrl(root, APP_INDEX_URL)).toMatchObject({ ok: true });
  });

  it('says so when the UI is not built', () => {
    const missing = createAppProtocolHandler({ root: join(base, 'nothing'), csp: 'x' });
    const r = missing({ url: APP_INDEX_URL, method: 'GET' });
    expect(r.status).toBe(503);
    expect(r.headers.get('content-security-policy')).toBe('x');
  });

  it('is a standard, secure scheme, not one that bypasses the policy or opens CORS', () => {
    expect(appSchemePrivileges).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true } },
    ]);
  });
});

describe('the page’s own policy', () => {
  const metaOf = (html: string) =>
    /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];

  it('is in renderer/index.html, the same as the header less what a meta cannot carry', () => {
    const meta = metaOf(readFileSync(join(repo, 'renderer/index.html'), 'utf8'));
    expect(meta).toBe(metaPolicyOf(cspFor(false)));
    expect(meta).not.toContain('frame-ancestors');
    expect(meta).toContain("script-src 'self'");
  });

  it('survives the build, before any script', () => {
    const built = join(repo, 'dist/renderer/index.html');
    if (!existsSync(built)) return; // npm test builds it first; the Chromium test builds it too
    const html = readFileSync(built, 'utf8');
    expect(metaOf(html)).toBe(metaPolicyOf(cspFor(false)));
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
  });
});
