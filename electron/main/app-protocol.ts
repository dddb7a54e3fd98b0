// The app's own scheme, app://erp/: the built renderer (dist/renderer) is served from it instead of
// file://, so the page has an origin of its own, its Content-Security-Policy travels with every
// response (Electron applies header policies to responses, and a file:// page gets none), and the
// page cannot read anything else on the disk. This module is the whole handler as plain code (a
// request URL in, a Response out) so tests run it under Node and a Chromium test serves the real
// built page through it; main.ts only registers the scheme and hands requests here.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'erp';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * For protocol.registerSchemesAsPrivileged, before the app is ready. `standard` gives the scheme
 * real origins (relative URLs, 'self' in the policy, module scripts); `secure` makes it a secure
 * context like https. Deliberately not `corsEnabled` (other origins could read our files) nor
 * `bypassCSP` (the whole point is the policy).
 */
export const appSchemePrivileges = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
] as const;

/** What the built renderer is made of, and nothing else: an unknown kind is not served. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const mimeTypeOf = (file: string): string | null =>
  TYPES[extname(file).toLowerCase()] ?? null;

/**
 * One path segment as Vite names its output (`index.html`, `assets/index-B1x_9.js`): letters,
 * digits, dot, dash, underscore, at, plus, tilde. Anything else (slashes or backslashes that
 * arrived encoded, NUL, `%` left by double encoding, `:` of a drive letter or an NTFS stream,
 * spaces) never names one of our files, so it is refused rather than interpreted.
 */
const SEGMENT = /^[A-Za-z0-9_@+~-][A-Za-z0-9._@+~-]*$/;
/** Names Windows maps to devices in any folder (`CON`, `nul.txt`…). */
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

export type Resolution =
  { ok: true; file: string; type: string } | { ok: false; status: 400 | 404; reason: string };

const refuse = (status: 400 | 404, reason: string): Resolution => ({ ok: false, status, reason });

/** The file system calls the resolution makes; Electron's fs reads inside app.asar too. */
export interface AppFiles {
  realpath(path: string): string;
  isFile(path: string): boolean;
  read(path: string): Buffer;
}

export const nodeFiles: AppFiles = {
  realpath: (path) => realpathSync(path),
  isFile: (path) => statSync(path).isFile(),
  read: (path) => readFileSync(path),
};

/**
 * Which file of `root` (the built renderer) an app:// URL names, or why none. `root` must be the
 * real path of the folder (see createAppProtocolHandler).
 */
export function resolveAppUrl(realRoot: string, url: string, files = nodeFiles): Resolution {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(400, 'not a URL');
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host.toLowerCase() !== APP_HOST)
    return refuse(404, 'not the app’s origin');
  if (parsed.username || parsed.password || parsed.port) return refuse(400, 'not the app’s origin');
  // The raw path as Chromium sent it, split before decoding: an encoded slash stays inside its
  // segment (and is refused there) instead of becoming a separator.
  const raw = parsed.pathname === '/' ? ['index.html'] : parsed.pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const part of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return refuse(400, 'badly encoded path');
    }
    if (!SEGMENT.test(segment) || segment.includes('..') || /[.]$/.test(segment))
      return refuse(400, 'not a file name of the app');
    if (DEVICE.test(segment)) return refuse(400, 'not a file name of the app');
    segments.push(segment);
  }
  const type = mimeTypeOf(segments.at(-1) ?? '');
  if (!type) return refuse(404, 'not a kind of file the app serves');
  // A symlink (or, on Windows, a junction) inside the folder may point anywhere: where the file
  // really is decides, after every link is followed.
  let real: string;
  try {
    real = files.realpath(join(realRoot, ...segments));
    if (!files.isFile(real)) return refuse(404, 'no such file');
  } catch {
    return refuse(404, 'no such file');
  }
  if (!real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep))
    return refuse(404, 'outside the app');
  return { ok: true, file: real, type };
}

export interface AppProtocolOptions {
  /** The built renderer: dist/renderer (inside app.asar when packaged). */
  root: string;
  /** The Content-Security-Policy sent with every answer, refusals too. */
  csp: string;
  files?: AppFiles;
  log?: (entry: Record<string, unknown>) => void;
}

export interface AppRequest {
  readonly url: string;
  readonly method: string;
}

/** The headers of every answer, whatever it is. */
export function appHeaders(csp: string, type: string): Record<string, string> {
  return {
    'Content-Type': type,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    // The files change only with the app itself; a stale cached page after an update would
    // load scripts the new version no longer has.
    'Cache-Control': 'no-cache',
  };
}

/** protocol.handle's handler for app://, as a plain function of the request. */
export function createAppProtocolHandler(
  options: AppProtocolOptions,
): (request: AppRequest) => Response {
  const files = options.files ?? nodeFiles;
  let realRoot: string | null = null;
  const answer = (status: number, text: string) =>
    new Response(text, { status, headers: appHeaders(options.csp, 'text/plain; charset=utf-8') });
  return (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405, 'GET only');
    try {
      // Resolved on first use: the folder exists by the time the window asks for a page.
      realRoot ??= files.realpath(options.root);
    } catch {
      return answer(503, 'The UI is not built. Run `npm run build`.');
    }
    const found = resolveAppUrl(realRoot, request.url, files);
    if (!found.ok) {
      options.log?.({ level: 'warn', msg: 'app:// refused', url: request.url, why: found.reason });
      return answer(found.status, found.reason);
    }
    let body: Buffer;
    try {
      body = files.read(found.file);
    } catch {
      return answer(404, 'no such file');
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...appHeaders(options.csp, found.type), 'Content-Length': String(body.length) },
    });
  };
}
