// One-time codes that link a Telegram account to an app user: shown in the app, sent to the
// bot as `/link CODE`. Only a hash is stored; a code works once and for a short while.
import { createHash, randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Eight characters people can read aloud (no 0/O, 1/I), as XXXX-XXXX. */
export function newLinkCode(): string {
  const chars = [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

export const hashLinkCode = (code: string) =>
  createHash('sha256')
    .update(`telegram-link:${code.toUpperCase().replace(/[^A-Z0-9]/g, '')}`)
    .digest('hex');
