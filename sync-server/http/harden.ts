// What every head-office response and the guessable endpoints get before any route runs:
// security headers, small body limits where small bodies are all there is, and rate limits; and
// a JSON refusal for requests too broken for Express to see.
import type { Express, RequestHandler } from 'express';
import type http from 'node:http';
import type https from 'node:https';
import type { Duplex } from 'node:stream';
import type { SerializedError } from '../../core/errors';
import { errorBody, HttpError } from '../errors';
import { jsonBody } from './body';
import { rateLimit, type BucketRule } from './rate-limit';

export type RateLimitGroup = 'login' | 'enroll' | 'webhook';
export type RateLimits = Record<RateLimitGroup, BucketRule>;

export const DEFAULT_RATE_LIMITS: RateLimits = {
  // Passwords can be guessed: 10 tries at once, then one every 6 seconds from one address.
  login: { burst: 10, refillMs: 6_000 },
  // Enrollment codes cannot realistically be guessed, but each try costs a database look-up.
  enroll: { burst: 10, refillMs: 6_000 },
  // Telegram delivers in bursts from a few addresses; this only stops a flood.
  webhook: { burst: 100, refillMs: 50 },
};

/** Sign-in, enrollment and first-run setup carry a few short fields. */
export const SMALL_BODY_BYTES = 64 * 1024;

/**
 * The API answers JSON and files only, so the policy forbids everything a browser could do with
 * a response. A route that serves a page sets its own Content-Security-Policy.
 */
export const securityHeaders =
  (): RequestHandler =>
  (req, res, next): void => {
    if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    res.removeHeader('X-Powered-By');
    next();
  };

const seconds = (s: number) => `${s} second${s === 1 ? '' : 's'}`;

/**
 * Operations called through POST /api/:name that are limited per address, by the name the route
 * resolves (decoded, as the handler that runs it sees it): however the address spells the name
 * (`auth%2Elogin`), the limit applies; a spelling that resolves to no operation is answered 404.
 */
const LIMITED_OPERATIONS: ReadonlyMap<string, RateLimitGroup> = new Map([
  ['auth.login', 'login'],
  // It checks a password too: a stolen sign-in must not guess the password it protects.
  ['auth.changePassword', 'login'],
]);

/** Operations whose input is a few short fields: read with the small body limit. */
const SMALL_BODY_OPERATIONS: ReadonlySet<string> = new Set([
  'auth.login',
  'auth.changePassword',
  'setup.initialize',
]);

/** Call first in createApp, before any route or body parser. */
export function hardenApp(
  app: Express,
  limits: Partial<RateLimits> = {},
  now: () => number = Date.now,
): void {
  const rule = { ...DEFAULT_RATE_LIMITS, ...limits };
  app.disable('x-powered-by');
  app.use(securityHeaders());
  // Only a proxy is sent a full address (absolute form, RFC 9112 3.2.2); a server answering one
  // would build its redirects from a host the client named (GET http://elsewhere/console).
  app.use((req, _res, next) => {
    if (req.url.startsWith('/')) next();
    else
      next(
        new HttpError(
          400,
          'VALIDATION',
          'The request names a full address; this server takes a path (like /health). Send the request to the server itself, not as to a proxy.',
        ),
      );
  });
  const limiters: Record<RateLimitGroup, RequestHandler> = {
    login: rateLimit(
      rule.login,
      (s) => `Too many sign-in attempts from this address. Wait ${seconds(s)} and try again.`,
      now,
    ),
    enroll: rateLimit(
      rule.enroll,
      (s) => `Too many enrollment attempts from this address. Wait ${seconds(s)} and try again.`,
      now,
    ),
    webhook: rateLimit(rule.webhook, (s) => `Too many webhook calls. Wait ${seconds(s)}.`, now),
  };
  const smallJson = jsonBody(SMALL_BODY_BYTES);
  app.post('/api/:name', (req, res, next) => {
    const group = LIMITED_OPERATIONS.get(req.params.name);
    if (group) limiters[group](req, res, next);
    else next();
  });
  app.post('/sync/enroll', limiters.enroll);
  app.use('/telegram/webhook', limiters.webhook);
  // Parsed here with the small limit; the general JSON parser later keeps a parsed body.
  app.post('/api/:name', (req, res, next) => {
    if (SMALL_BODY_OPERATIONS.has(req.params.name)) smallJson(req, res, next);
    else next();
  });
  app.use(['/sync/enroll', '/setup'], smallJson);
}

const clientErrors: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'Request Header Fields Too Large',
    'The request headers are too large.',
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'The chunk extensions are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'The request took too long to arrive.'],
};

/** Writes a refusal on a connection no HTTP response object serves, and closes it. */
function answerRaw(
  socket: Duplex,
  status: number,
  reason: string,
  code: SerializedError['code'],
  message: string,
) {
  const body = JSON.stringify(errorBody({ code, message }));
  // Closed once written, whatever the client still sends: nothing would read it.
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n` +
      `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

/**
 * Requests Node's HTTP parser refuses before Express sees them (a method that is none, a broken
 * header line) get the same JSON refusal as every other request, not a bare status line; and
 * CONNECT, which Node hands to no route (it would drop the connection unanswered), a 405.
 */
export function answerUnparsableRequests(server: http.Server | https.Server): void {
  server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => {
    answerRaw(
      socket,
      405,
      'Method Not Allowed',
      'REFUSED',
      'This is no proxy: CONNECT is not served.',
    );
  });
  server.on('clientError', (error: Error, socket: Duplex) => {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'HPE_INVALID';
    // As Node's own handler: no reply over a response already begun on this connection.
    const inFlight: unknown = Reflect.get(socket, '_httpMessage');
    const begun =
      typeof inFlight === 'object' && inFlight !== null && Reflect.get(inFlight, 'headersSent');
    if (code === 'ECONNRESET' || !socket.writable || begun === true) {
      socket.destroy();
      return;
    }
    const [status, reason, message] = clientErrors[code] ?? [
      400,
      'Bad Request',
      `The request is not valid HTTP (${code}).`,
    ];
    answerRaw(socket, status, reason, status === 400 ? 'MALFORMED' : 'REFUSED', message);
  });
}
