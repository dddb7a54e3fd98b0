// What every head-office response and the guessable endpoints get before any route runs:
// security headers, small body limits where small bodies are all there is, and rate limits.
import express, { type RequestHandler } from 'express';
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

/** Call first in createApp, before any route or body parser. */
export function hardenApp(
  app: express.Express,
  limits: Partial<RateLimits> = {},
  now: () => number = Date.now,
): void {
  const rule = { ...DEFAULT_RATE_LIMITS, ...limits };
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.post(
    '/api/auth.login',
    rateLimit(
      rule.login,
      (s) => `Too many sign-in attempts from this address. Wait ${seconds(s)} and try again.`,
      now,
    ),
  );
  app.post(
    '/sync/enroll',
    rateLimit(
      rule.enroll,
      (s) => `Too many enrollment attempts from this address. Wait ${seconds(s)} and try again.`,
      now,
    ),
  );
  app.use(
    '/telegram/webhook',
    rateLimit(rule.webhook, (s) => `Too many webhook calls. Wait ${seconds(s)}.`, now),
  );
  // Parsed here with the small limit; the general JSON parser later skips a parsed body.
  app.use(['/api/auth.login', '/sync/enroll', '/setup'], express.json({ limit: SMALL_BODY_BYTES }));
}
