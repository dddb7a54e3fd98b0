// What a clerk is told about sync in words: the step of a round under way, and the last failure
// by its code, with what to do about it. Head office's own message stays beside it for the admin.
import type { OutputOf, SerializedError } from './client';
import { count } from './format';

type Status = NonNullable<OutputOf<'sync.status'>>;

/** "sending 200 of 1,000", "receiving 1,200 of 5,000", "files 1 of 3". */
export function progressWords(progress: Status['progress']): string {
  if (!progress) return 'starting';
  const of = `${count(progress.done)} of ${count(progress.done + progress.left)}`;
  if (progress.phase === 'push') return `sending ${of}`;
  if (progress.phase === 'pull') return `receiving ${of}`;
  return `files ${of}`;
}

interface Problem {
  /** For the indicator: a few words. */
  short: string;
  /** For the Sync screen: what happened and what to do. */
  long: string;
  /** Head office's (or this PC's) own message, when the words above are not it. */
  detail?: string;
}

const problems: Partial<Record<SerializedError['code'], Problem>> = {
  UNAVAILABLE: {
    short: 'head office cannot be reached',
    long: 'Head office cannot be reached. Work goes on here; it is sent as soon as the connection is back.',
  },
  DEVICE_REVOKED: {
    short: 'this PC was revoked',
    long: 'The admin revoked this PC at head office: it no longer syncs. Ask the admin for a new enrollment code.',
  },
  UNAUTHENTICATED: {
    short: 'head office does not know this PC',
    long: 'Head office does not know this PC any more. Ask the admin for a new enrollment code.',
  },
  CERTIFICATE_CHANGED: {
    short: 'head office’s certificate changed',
    long: 'Head office presented a certificate this PC does not trust, and nothing was sent. Ask the admin for a re-pin code for this PC (below).',
  },
  CERTIFICATE_MISMATCH: {
    short: 'head office’s certificate is not the one expected',
    long: 'Head office presented another certificate than the admin said, and nothing was sent. Check the address with the admin.',
  },
  SCHEMA_TOO_NEW: {
    short: 'head office’s server is older than this app',
    long: 'This app is newer than head office’s server. Its work is kept here; ask the admin to update the server.',
  },
  RATE_LIMITED: {
    short: 'head office asked to slow down',
    long: 'Head office asked this PC to slow down. It tries again by itself in a moment.',
  },
  TOO_LARGE: {
    short: 'head office refused a large upload',
    long: 'Head office refused something this PC sent as too large. Tell the admin.',
  },
};

/** The last failure in words: by its code where it has one, else the message as it came. */
export function problemWords(status: Pick<Status, 'lastError' | 'lastErrorCode'>): Problem | null {
  if (!status.lastError) return null;
  const known = status.lastErrorCode ? problems[status.lastErrorCode] : undefined;
  if (known) return { ...known, detail: status.lastError };
  return { short: 'sync failed', long: `Sync failed: ${status.lastError}` };
}

/** "next try in 12 s", while background sync pauses after a failure. */
export function nextTryWords(
  nextTryAt: number | null | undefined,
  now = Date.now(),
): string | null {
  if (nextTryAt === null || nextTryAt === undefined) return null;
  const seconds = Math.ceil((nextTryAt - now) / 1000);
  return seconds > 0 ? `next try in ${seconds} s` : 'trying again';
}
