// Which certificates of head office this PC accepts, and how that set changes without a fresh
// install (docs/decisions/0014): head office announces its next certificate, signed with the key
// of the current one; a PC that missed the announcement is re-pinned with a one-time code the
// admin reads out, bound to the new certificate's fingerprint and to this device's token.
import {
  createHash,
  createHmac,
  randomInt,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
} from 'node:crypto';
import { getMeta, setMeta } from '../branches/device';
import type { Db } from '../db/open';
import { DomainError } from '../errors';

/** The pin taken at enrollment (or at the last switch), and the next one head office announced. */
export interface Pins {
  current: string;
  next: string | null;
}

/** The response header that carries the announcement: `<next fingerprint>;<base64 signature>`. */
export const NEXT_CERTIFICATE_HEADER = 'x-fse-next-certificate';

const statement = (current: string, next: string) =>
  Buffer.from(`factory-shop-erp certificate rotation v1\n${current}\n${next}`, 'utf8');

/** Ed25519 and Ed448 sign the message itself; RSA and EC keys sign its SHA-256. */
const digestFor = (key: KeyObject) =>
  key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';

/** The header value head office sends: "`next` follows `current`", signed with current's key. */
export function signAnnouncement(currentKey: KeyObject, current: string, next: string): string {
  return `${next};${sign(digestFor(currentKey), statement(current, next), currentKey).toString('base64')}`;
}

/**
 * The announced fingerprint if `header` is a statement "next follows `current`" signed by the
 * key of the certificate `current` names (`currentKey`, read from the connection that presented
 * it); null when absent, malformed or not signed by that key.
 */
export function verifyAnnouncement(
  header: string | null,
  current: string,
  currentKey: KeyObject,
): string | null {
  const match = header
    ? /^((?:[0-9A-F]{2}:){31}[0-9A-F]{2});([A-Za-z0-9+/=]{16,2048})$/.exec(header)
    : null;
  if (!match) return null;
  const [, next = '', signature = ''] = match;
  if (next === current) return null;
  try {
    return verify(
      digestFor(currentKey),
      statement(current, next),
      currentKey,
      Buffer.from(signature, 'base64'),
    )
      ? next
      : null;
  } catch {
    return null;
  }
}

/**
 * What a connection that presented `presented` means for the pins: refused (null); accepted as
 * they are; or accepted as the switch to the announced certificate, after which the old one is
 * never accepted again.
 */
export function acceptPresented(pins: Pins, presented: string | null): Pins | null {
  if (presented === null) return null;
  if (presented === pins.current) return pins;
  if (presented === pins.next) return { current: presented, next: null };
  return null;
}

export function loadPins(db: Db): Pins | null {
  const current = getMeta(db, 'sync.pin');
  if (!current) return null;
  return { current, next: getMeta(db, 'sync.pin.next') || null };
}

function writePins(db: Db, pins: Pins): void {
  setMeta(db, 'sync.pin', pins.current);
  setMeta(db, 'sync.pin.next', pins.next ?? '');
}

export function savePins(db: Db, pins: Pins): void {
  db.sqlite.transaction(() => writePins(db, pins)).immediate();
}

// Re-pin codes: TTTT-NNNN-MMMM-MMMM-MMMM. T: the first four hex digits of the fingerprint the
// code is for (so a PC can say which certificate it names); N: 20 random bits that make each code
// single-use; M: 60 bits of HMAC-SHA256 keyed by the device token's SHA-256 (head office keeps
// exactly that hash; the PC holds the token) over device, fingerprint and N.
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Buffer, chars: number): string {
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  const total = BigInt(bytes.length * 8);
  let out = '';
  for (let i = 1; i <= chars; i++)
    out += BASE32[Number((bits >> (total - BigInt(5 * i))) & 31n)] ?? '0';
  return out;
}

const mac = (tokenHashHex: string, deviceId: string, fingerprint: string, nonce: string) =>
  base32(
    createHmac('sha256', Buffer.from(tokenHashHex, 'hex'))
      .update(`factory-shop-erp re-pin v1\n${deviceId}\n${fingerprint}\n${nonce}`)
      .digest(),
    12,
  );

const group = (s: string) => s.replace(/(.{4})(?!$)/g, '$1-');

/** Head office's side: a fresh code that re-pins `deviceId` to `fingerprint`, and only to it. */
export function makeRepinCode(tokenHashHex: string, deviceId: string, fingerprint: string): string {
  const nonce = Array.from({ length: 4 }, () => BASE32[randomInt(32)]).join('');
  const tag = fingerprint.replace(/:/g, '').slice(0, 4);
  return group(`${tag}${nonce}${mac(tokenHashHex, deviceId, fingerprint, nonce)}`);
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const refuse = (reason: string, message: string) =>
  new DomainError('VALIDATION', `code: ${message}`, { field: 'code', reason });

/**
 * The PC's side: checks a code the admin read out against the certificate the server presents
 * now, and on success pins that certificate alone. Refuses a malformed, wrong, already used, or
 * other-certificate code, and changes nothing then.
 */
export function repinWithCode(
  db: Db,
  input: { code: string; deviceId: string; token: string; presented: string },
): Pins {
  const typed = input.code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (!/^[0-9A-F]{4}[0-9A-HJKMNP-TV-Z]{16}$/.test(typed))
    throw refuse(
      'REPIN_CODE_MALFORMED',
      'a re-pin code has 20 letters and digits, like AB12-CDEF-GHJK-MNPQ-RSTV. Read it again from the head-office console.',
    );
  const tag = typed.slice(0, 4);
  const nonce = typed.slice(4, 8);
  const presentedTag = input.presented.replace(/:/g, '').slice(0, 4);
  const used = (getMeta(db, 'sync.repin.used') ?? '').split(',').filter(Boolean);
  if (used.includes(`${input.presented}/${nonce}`))
    throw refuse(
      'REPIN_CODE_USED',
      'this re-pin code was used already, and each works once. Ask the admin for a new one.',
    );
  if (tag !== presentedTag)
    throw refuse(
      'REPIN_CODE_OTHER_CERTIFICATE',
      `this re-pin code is for a certificate starting ${tag}, but the server presents ${input.presented}. Nothing was changed: check the server address, and ask the admin whether this is the certificate they installed.`,
    );
  const expected = Buffer.from(mac(tokenHash(input.token), input.deviceId, input.presented, nonce));
  const given = Buffer.from(typed.slice(8));
  if (!timingSafeEqual(expected, given))
    throw refuse(
      'REPIN_CODE_WRONG',
      `this re-pin code does not match this PC and the certificate the server presents (${input.presented}). Nothing was changed: check the code with the admin, who makes it for this PC on the head-office console.`,
    );
  const pins: Pins = { current: input.presented, next: null };
  db.sqlite
    .transaction(() => {
      writePins(db, pins);
      setMeta(db, 'sync.repin.used', [...used, `${input.presented}/${nonce}`].slice(-50).join(','));
    })
    .immediate();
  return pins;
}
