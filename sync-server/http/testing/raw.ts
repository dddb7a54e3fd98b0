// Requests as bytes on a socket, for tests that send what no HTTP client would (a method that is
// none, a path with raw non-ASCII bytes, a body that lies about its encoding), and the routes an
// Express app serves, read from its router.
import { connect } from 'node:net';
import type { Express } from 'express';

export interface RawRequest {
  method: string;
  /** Sent as written (UTF-8 bytes), not escaped. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n', at);
    if (end < 0) break;
    const size = parseInt(bytes.subarray(at, end).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(bytes.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function parseAnswer(bytes: Buffer): RawAnswer {
  const split = bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, split < 0 ? bytes.length : split).toString('latin1');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const rest = split < 0 ? Buffer.alloc(0) : bytes.subarray(split + 4);
  const body = headers.get('transfer-encoding')?.includes('chunked') ? dechunk(rest) : rest;
  return { status, headers, body: body.toString('utf8') };
}

/** Sends one request on its own connection (closed after the answer) and reads the answer. */
export function rawRequest(port: number, r: RawRequest, timeoutMs = 20_000): Promise<RawAnswer> {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  const headers = {
    host: '127.0.0.1',
    connection: 'close',
    ...(body !== undefined && { 'content-length': String(body.length) }),
    ...r.headers,
  };
  const head = `${r.method} ${r.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error(`no answer within ${timeoutMs} ms to ${r.method} ${r.path}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server that answers early (413) may reset the connection while the body is still going
    // out: what it answered is still read.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const bytes = Buffer.concat(chunks);
      if (bytes.length === 0) fail(new Error(`${r.method} ${r.path}: closed without an answer`));
      else done(parseAnswer(bytes));
    });
    socket.write(Buffer.from(head, 'utf8'));
    if (body) socket.write(body);
  });
}

/** The message a refusal carries, at the top (sync routes) or as error.message (contract). */
export function refusalMessage(answer: RawAnswer): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const top: unknown = Reflect.get(parsed, 'message');
  if (typeof top === 'string' && top) return top;
  const error: unknown = Reflect.get(parsed, 'error');
  const nested: unknown =
    typeof error === 'object' && error !== null ? Reflect.get(error, 'message') : undefined;
  return typeof nested === 'string' && nested ? nested : null;
}

export interface ServedRoute {
  method: string;
  /** Express's path: `/api/:name`, or a RegExp's source. */
  path: string;
}

// Express's routers are functions with properties.
const isRecord = (v: unknown): v is Record<string, unknown> =>
  (typeof v === 'object' || typeof v === 'function') && v !== null;

function walk(stack: unknown, prefix: string, into: ServedRoute[]): void {
  if (!Array.isArray(stack)) return;
  for (const layer of stack) {
    if (!isRecord(layer)) continue;
    const route = layer['route'];
    if (isRecord(route)) {
      const path = route['path'];
      const methods = isRecord(route['methods']) ? Object.keys(route['methods']) : [];
      const shown = path instanceof RegExp ? path.source : String(path);
      for (const method of methods)
        into.push({ method: method.toUpperCase(), path: prefix + shown });
    } else if (layer['name'] === 'router' && isRecord(layer['handle'])) {
      const mount =
        typeof layer['rawPath'] === 'string' && layer['rawPath'] !== '/' ? layer['rawPath'] : '';
      walk(layer['handle']['stack'], prefix + mount, into);
    }
  }
}

/** Every route the app serves, mounted routers included (their mount path in front). */
export function servedRoutes(app: Express): ServedRoute[] {
  const into: ServedRoute[] = [];
  walk(isRecord(app.router) ? app.router['stack'] : undefined, '', into);
  return into;
}
