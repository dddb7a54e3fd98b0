import { createHash, randomBytes } from 'node:crypto';
import type { Actor, Context } from '../contract/context';
import type { Db } from '../db/open';
import { DomainError } from '../errors';
import type { Role } from '../vocabulary';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export function createSession(ctx: Context, userId: string): { token: string; expiresAt: number } {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresAt = now + SESSION_TTL_MS;
  ctx.db.sqlite
    .prepare(
      'INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(tokenHash(token), userId, ctx.device?.id ?? '', now, expiresAt);
  return { token, expiresAt };
}

export function endSession(ctx: Context, token: string): void {
  forgetSession(ctx.db, tokenHash(token));
}

interface SessionRow {
  userId: string;
  createdAt: number;
  expiresAt: number;
  username: string;
  displayName: string;
  role: Role;
  branchId: string;
  disabled: number;
}

/** Resolves a presented token to the person behind it, or says why it cannot. */
export function actorForToken(ctx: Pick<Context, 'db' | 'now'>, token: string): Actor {
  const row = ctx.db.sqlite
    .prepare(
      `SELECT s.user_id AS userId, s.created_at AS createdAt, s.expires_at AS expiresAt, u.username, u.display_name AS displayName,
              u.role, u.branch_id AS branchId, u.disabled
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
    )
    .get(tokenHash(token)) as SessionRow | undefined;
  if (!row) throw new DomainError('UNAUTHENTICATED', 'You are signed out. Sign in again.');
  if (row.expiresAt <= ctx.now()) {
    ctx.db.sqlite.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
    // Ended before its full term: a host that ends idle sign-ins (head office's console) ended it.
    if (row.expiresAt < row.createdAt + SESSION_TTL_MS)
      throw new DomainError(
        'SESSION_EXPIRED',
        'You were signed out after a time without activity. Sign in again.',
      );
    throw new DomainError('SESSION_EXPIRED', 'Your session has expired. Sign in again.');
  }
  if (row.disabled)
    throw new DomainError('ACCOUNT_DISABLED', 'This account is disabled. Ask an admin.');
  return {
    userId: row.userId,
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    branchId: row.branchId,
  };
}

/**
 * A sign-in as head office's server processes share it: the person, and a digest of their
 * password when they signed in, so a sign-in made before a password change never comes back.
 */
export interface SessionRecord {
  tokenHash: string;
  userId: string;
  credential: string;
  createdAt: number;
  expiresAt: number;
}

function credentialOf(db: Db, userId: string): string | null {
  const row = db.sqlite.prepare('SELECT password_hash AS h FROM users WHERE id = ?').get(userId) as
    { h: string } | undefined;
  return row ? tokenHash(row.h) : null;
}

/** The sign-in a token opened here, to share with the other server processes. */
export function sessionRecord(db: Db, token: string): SessionRecord | null {
  const row = db.sqlite
    .prepare(
      `SELECT token_hash AS tokenHash, user_id AS userId, created_at AS createdAt, expires_at AS expiresAt
       FROM sessions WHERE token_hash = ?`,
    )
    .get(tokenHash(token)) as Omit<SessionRecord, 'credential'> | undefined;
  const credential = row && credentialOf(db, row.userId);
  return row && credential ? { ...row, credential } : null;
}

/**
 * Takes in a sign-in another server process opened, with the end the store gives it. False (and
 * nothing kept) when the person's password has changed since: the sign-in has ended.
 */
export function adoptSession(db: Db, s: SessionRecord): boolean {
  if (credentialOf(db, s.userId) !== s.credential) {
    forgetSession(db, s.tokenHash);
    return false;
  }
  db.sqlite
    .prepare(
      `INSERT INTO sessions (token_hash, user_id, device_id, created_at, expires_at) VALUES (?, ?, '', ?, ?)
       ON CONFLICT (token_hash) DO UPDATE SET expires_at = excluded.expires_at`,
    )
    .run(s.tokenHash, s.userId, s.createdAt, s.expiresAt);
  return true;
}

/** Ends a sign-in here at `at` (before its full term): it is then refused as ended, and why. */
export function endSessionAt(db: Db, hash: string, at: number): void {
  db.sqlite.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?').run(at, hash);
}

/** Forgets a sign-in here that has ended elsewhere. */
export function forgetSession(db: Db, hash: string): void {
  db.sqlite.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hash);
}

/** Wrong passwords counted toward a lockout, per person (see MAX_FAILED_LOGINS). */
export interface LoginState {
  userId: string;
  failedAttempts: number;
  lockedUntil: number | null;
}

export function loginStates(db: Db): LoginState[] {
  return db.sqlite
    .prepare(
      `SELECT user_id AS userId, failed_attempts AS failedAttempts, locked_until AS lockedUntil
       FROM login_state ORDER BY user_id`,
    )
    .all() as LoginState[];
}

/** Replaces the lockout counts here with those given (another server process's, shared). */
export function replaceLoginStates(db: Db, states: LoginState[]): void {
  const add = db.sqlite.prepare(
    `INSERT INTO login_state (user_id, failed_attempts, locked_until)
     SELECT @userId, @failedAttempts, @lockedUntil WHERE EXISTS (SELECT 1 FROM users WHERE id = @userId)`,
  );
  db.sqlite.transaction(() => {
    db.sqlite.prepare('DELETE FROM login_state').run();
    for (const s of states) add.run(s);
  })();
}
