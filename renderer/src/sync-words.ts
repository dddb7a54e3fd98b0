// What a clerk is told about sync in words: the step of a round under way, and the last failure
// by its code, with what to do about it. Head office's own message stays beside it for the admin.
// The words live in locales/<language>/sync.json; these pick them in the UI's language.
import type { OutputOf, SerializedError } from './client';
import { count } from './format';
import { tOf } from './i18n';

type Status = NonNullable<OutputOf<'sync.status'>>;

/** "sending 200 of 1,000", "receiving 1,200 of 5,000", "files 1 of 3". */
export function progressWords(progress: Status['progress']): string {
  const t = tOf('sync');
  if (!progress) return t('progress.starting');
  const vars = { done: count(progress.done), all: count(progress.done + progress.left) };
  if (progress.phase === 'push') return t('progress.sending', vars);
  if (progress.phase === 'pull') return t('progress.receiving', vars);
  return t('progress.files', vars);
}

interface Problem {
  /** For the indicator: a few words. */
  short: string;
  /** For the Sync screen: what happened and what to do. */
  long: string;
  /** Head office's (or this PC's) own message, when the words above are not it. */
  detail?: string;
}

/** The failures with words of their own (sync.json's `problem.<CODE>.short` and `.long`). */
const known: readonly SerializedError['code'][] = [
  'UNAVAILABLE',
  'DEVICE_REVOKED',
  'UNAUTHENTICATED',
  'CERTIFICATE_CHANGED',
  'CERTIFICATE_MISMATCH',
  'SCHEMA_TOO_NEW',
  'RATE_LIMITED',
  'TOO_LARGE',
];

/** The last failure in words: by its code where it has one, else the message as it came. */
export function problemWords(status: Pick<Status, 'lastError' | 'lastErrorCode'>): Problem | null {
  if (!status.lastError) return null;
  const t = tOf('sync');
  const code = status.lastErrorCode;
  if (code && known.includes(code))
    return {
      short: t(`problem.${code}.short`),
      long: t(`problem.${code}.long`),
      detail: status.lastError,
    };
  return { short: t('failed'), long: t('failedBecause', { message: status.lastError }) };
}

/** "next try in 12 s", while background sync pauses after a failure. */
export function nextTryWords(
  nextTryAt: number | null | undefined,
  now = Date.now(),
): string | null {
  if (nextTryAt === null || nextTryAt === undefined) return null;
  const seconds = Math.ceil((nextTryAt - now) / 1000);
  const t = tOf('sync');
  return seconds > 0 ? t('nextTry', { n: seconds }) : t('tryingAgain');
}
