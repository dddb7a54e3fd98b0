// Web mode: the same UI and the same contract over HTTP, for PCs without the Electron runtime
// and for the end-to-end tests. Listens on 127.0.0.1 only; every API call must carry the
// secret generated for this run, so other local users' browsers and pages cannot drive it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { answerCall, bearer } from '../core/contract/http';
import { MAX_BODY_BYTES } from '../core/sync/protocol';
import { contentSecurityPolicy } from './security';

export interface WebModeOptions {
  call: (name: string, input: unknown, sessionToken?: string) => unknown;
  staticDir: string;
  port?: number;
  secret?: string;
  log?: (entry: Record<string, unknown>) => void;
}

export interface WebMode {
  url: string;
  origin: string;
  secret: string;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.map': 'application/json',
};

const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...securityHeaders, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

// Past the limit the rest is read and dropped, so the client gets its 413 rather than a reset
// connection; past four times the limit the connection is cut.
function readBody(req: IncomingMessage): Promise<Buffer | 'too large'> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
      else if (size > 4 * MAX_BODY_BYTES) req.destroy();
      else chunks.length = 0;
    });
    req.on('end', () => ok(size > MAX_BODY_BYTES ? 'too large' : Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

const decodePath = (raw: string): string | null => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
};

const sameSecret = (given: string | undefined, secret: string) =>
  given !== undefined &&
  given.length === secret.length &&
  timingSafeEqual(Buffer.from(given), Buffer.from(secret));

export async function startWebMode(options: WebModeOptions): Promise<WebMode> {
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const root = resolve(options.staticDir);

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodePath(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === null || path.includes('\0'))
      return send(res, 400, { code: 'MALFORMED', message: 'not a valid address' });
    let file = normalize(join(root, path));
    if (!file.startsWith(root + sep) && file !== root)
      return send(res, 403, { code: 'FORBIDDEN', message: 'outside the app' });
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    if (!existsSync(file))
      return send(res, 503, {
        code: 'NOT_BUILT',
        message: 'The UI is not built yet. Run `npm run build`, then reload.',
      });
    res.writeHead(200, {
      ...securityHeaders,
      'content-type': types[extname(file)] ?? 'application/octet-stream',
    });
    res.end(readFileSync(file));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'GET only' });
      return serveStatic(req, res);
    }
    if (req.method !== 'POST')
      return send(res, 405, { code: 'METHOD_NOT_ALLOWED', message: 'POST only' });
    const given = req.headers['x-fse-secret'];
    if (!sameSecret(typeof given === 'string' ? given : undefined, secret))
      return send(res, 403, {
        ok: false,
        error: {
          code: 'FORBIDDEN',
          message: 'Open the app from the address printed when it started.',
        },
      });
    const name = decodePath(url.pathname.slice('/api/'.length));
    if (name === null)
      return send(res, 400, {
        ok: false,
        error: { code: 'VALIDATION', message: 'The operation name is not valid.' },
      });
    const tooLarge = () =>
      send(res, 413, {
        ok: false,
        error: { code: 'VALIDATION', message: 'The request is too large.' },
      });
    if (Number(req.headers['content-length'] ?? 0) > 4 * MAX_BODY_BYTES) {
      res.setHeader('connection', 'close');
      return tooLarge();
    }
    readBody(req).then(
      async (raw) => {
        if (raw === 'too large') return tooLarge();
        let input: unknown;
        try {
          input = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
        } catch {
          return send(res, 400, {
            ok: false,
            error: { code: 'VALIDATION', message: 'The request is not valid JSON.' },
          });
        }
        const answer = await answerCall(
          options.call,
          name,
          input,
          bearer(req.headers.authorization),
          (e) =>
            options.log?.({
              level: 'error',
              msg: 'operation failed',
              op: name,
              error: e instanceof Error ? e.stack : String(e),
            }),
        );
        send(res, answer.status, answer.body);
      },
      () => res.destroy(),
    );
  };

  // A request the handler chokes on (an address that is not a URL, a file that vanished) gets
  // an answer; it never takes the server down.
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      options.log?.({
        level: 'error',
        msg: 'request failed',
        error: error instanceof Error ? error.stack : String(error),
      });
      if (res.headersSent) res.destroy();
      else
        send(res, 400, {
          ok: false,
          error: { code: 'VALIDATION', message: 'The request could not be read.' },
        });
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: `${origin}/#secret=${secret}`,
    secret,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
