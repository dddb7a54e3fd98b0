// Token buckets per client address, in memory: enough for one head-office process guarding its
// password, enrollment-code and webhook endpoints against guessing and floods.
import type { Request, RequestHandler } from 'express';
import { isIPv6 } from 'node:net';
import { errorBody } from '../errors';

export interface BucketRule {
  /** Requests allowed at once from one address. */
  burst: number;
  /** One more request allowed every this many milliseconds, up to the burst. */
  refillMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: BucketRule,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  private level(bucket: Bucket, at: number): number {
    return Math.min(this.rule.burst, bucket.tokens + (at - bucket.at) / this.rule.refillMs);
  }

  /** Takes one request's token for `key`: 0 when allowed, else milliseconds until it would be. */
  take(key: string): number {
    const at = this.now();
    const bucket = this.buckets.get(key);
    const tokens = bucket ? this.level(bucket, at) : this.rule.burst;
    // Map order is last use: re-inserting keeps the least recently used keys first.
    this.buckets.delete(key);
    const allowed = tokens >= 1;
    this.buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at });
    this.forget(at);
    return allowed ? 0 : Math.ceil((1 - tokens) * this.rule.refillMs);
  }

  /** Drops buckets that are full again (the same as no bucket), and the oldest beyond the cap. */
  private forget(at: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size <= this.maxKeys && this.level(bucket, at) < this.rule.burst) return;
      this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** One bucket per IPv4 address, per IPv6 /64 (one household or office gets a whole /64). */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = '', tail] = (address.split('%')[0] ?? '').split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [
    ...left,
    ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'),
    ...right,
  ];
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** Answers 429 with Retry-After once an address used up its burst, in the server's errorBody. */
export function rateLimit(
  rule: BucketRule,
  message: (seconds: number) => string,
  now: () => number = Date.now,
): RequestHandler {
  const buckets = new TokenBuckets(rule, now);
  return (req: Request, res, next) => {
    const wait = buckets.take(clientKey(req.ip ?? req.socket.remoteAddress));
    if (wait === 0) {
      next();
      return;
    }
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    res.setHeader('Retry-After', String(seconds));
    res.status(429).json(errorBody({ code: 'RATE_LIMITED', message: message(seconds) }));
  };
}
