// A sign-in at an enrolled branch PC with a username the PC does not know. Head office may have
// created that person after the PC last heard from it, so the PC says so, and when it last
// synced, instead of "wrong username or password" (decision 0018). Only there: head office's
// console and a PC on its own have nobody to hear from, and keep the answer that tells nothing.
import type { Context } from '../contract/context';
import { DomainError } from '../errors';

const pad = (n: number) => String(n).padStart(2, '0');

/** 14:03 today, or 2026-03-30 14:03: the PC's own clock and zone, as lastSyncAt was taken. */
function when(ms: number, now: Date): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === now.toDateString()
    ? `at ${time}`
    : `on ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} at ${time}`;
}

/** The refusal for `username`, unknown here; null where the plain one stands. */
export function notHeardOf(ctx: Context, username: string, now = new Date()): DomainError | null {
  const status = ctx.services?.sync?.status();
  if (!status?.enrolled || status.headOffice) return null;
  const synced =
    status.lastSyncAt === null
      ? 'has not synced with head office yet'
      : `last synced with head office ${when(status.lastSyncAt, now)}`;
  return new DomainError(
    'LOGIN_FAILED',
    `This PC has not heard of a user "${username}" from head office yet: it ${synced}` +
      `${status.online ? '' : ' and cannot reach it now'}. If head office created this user ` +
      'just now, wait a few seconds and sign in again, or press Sync now (F5); otherwise ' +
      'check the username.',
    { field: 'username', lastSyncAt: status.lastSyncAt },
  );
}
