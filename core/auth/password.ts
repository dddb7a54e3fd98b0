// scrypt at OWASP's minimum (N=2^17, r=8, p=1), stored with its parameters so they can rise later.
// A derivation takes about half a second, so it runs on libuv's thread pool (crypto.scrypt), never
// on the thread that answers every other request.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 17;
const r = 8;
const p = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const maxmem = 256 * 1024 * 1024;

/**
 * Derivations running at once. Each holds 128 MiB (128 * N * r) for its half second, and libuv's
 * pool has four threads that file reads and DNS need too: a burst of sign-ins waits in line
 * instead of taking all the memory and every thread.
 */
const MAX_AT_ONCE = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  // A finishing derivation hands its place to the next in line, so none can slip in between.
  if (running < MAX_AT_ONCE) running++;
  else await new Promise<void>((go) => waiting.push(go));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

const derive = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  inTurn(
    () =>
      new Promise<Buffer>((done, fail) => {
        // Throws at once for parameters scrypt refuses (a damaged stored hash): the promise fails.
        scrypt(password.normalize('NFKC'), salt, length, { ...options, maxmem }, (error, key) =>
          error ? fail(error) : done(key),
        );
      }),
  );

const format = (salt: Buffer, key: Buffer) =>
  `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  return format(salt, await derive(password, salt, KEY_LENGTH, { N, r, p }));
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !rr || !pp || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(rr),
    p: Number(pp),
  });
  return timingSafeEqual(actual, expected);
}

/**
 * Checked against on unknown usernames so a failed login takes as long whether or not the user
 * exists. Only its parameters matter: the result is thrown away, so a fixed salt and key serve,
 * and nothing is derived when the module loads.
 */
export const DUMMY_HASH = format(Buffer.alloc(SALT_LENGTH), Buffer.alloc(KEY_LENGTH));
