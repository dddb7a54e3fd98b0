import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';

const PASSWORD = 'a long enough password';

describe('password hashing', () => {
  it('keeps the event loop turning while passwords are hashed and checked', async () => {
    const beats: number[] = [];
    const timer = setInterval(() => beats.push(performance.now()), 5);
    const started = performance.now();
    try {
      const stored = await hashPassword(PASSWORD);
      const checks = await Promise.all([
        verifyPassword(PASSWORD, stored),
        verifyPassword(`${PASSWORD}!`, stored),
        verifyPassword(PASSWORD, DUMMY_HASH),
      ]);
      expect(checks).toEqual([true, false, false]);
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    const gaps = beats.map((at, i) => at - (beats[i - 1] ?? started));
    // scrypt at these parameters takes hundreds of milliseconds per derivation; on the main
    // thread the timer would stand still that long each time. Off it, it keeps beating.
    expect(elapsed).toBeGreaterThan(150);
    expect(beats.length).toBeGreaterThan(10);
    expect(Math.max(...gaps)).toBeLessThan(elapsed / 3);
  });

  it('stores its parameters beside salt and key, and the dummy hash costs what a real one does', async () => {
    const stored = await hashPassword(PASSWORD);
    const [scheme, n, r, p, salt, key] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', String(2 ** 17), '8', '1']);
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(key ?? '', 'base64')).toHaveLength(32);
    expect(DUMMY_HASH.split('$').slice(0, 4)).toEqual([scheme, n, r, p]);
    expect(await hashPassword(PASSWORD)).not.toBe(stored);
  });

  it('refuses stored hashes of another scheme or a damaged one', async () => {
    expect(await verifyPassword(PASSWORD, 'plain$text')).toBe(false);
    expect(await verifyPassword(PASSWORD, '')).toBe(false);
    // Parameters scrypt refuses (N not a power of two) fail the promise, not the process.
    await expect(verifyPassword(PASSWORD, 'scrypt$3$8$1$AAAA$AAAA')).rejects.toThrow();
  });
});
