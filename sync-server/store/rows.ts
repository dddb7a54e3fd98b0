// The shapes of the rows the server stores read, checked where they are read (instead of cast):
// a renamed column or a driver that answers a string for a number fails here, by name. Both
// dialects alias columns to these camelCase names. Only the hot paths (pull and ingest, in
// ./sqlite.ts, ./postgres.ts and ./postgres-ingest.ts) skip this: see npm run bench:sync.
import { z } from 'zod';
import { parseRow } from '../../core/db/rows';

const int = z.number().int();
const time = int.nullable();

export const countRow = z.object({ n: int });
export const seqRow = z.object({ seq: int });

export const epochRow = z.object({ id: z.string(), since: int });

/**
 * An aggregate's registration (id, branches). A typed mapper rather than a schema: push reads one
 * per event (see npm run bench:sync), and zod cost about 5 ms per 1,000 rows more.
 */
export function aggregateOf(row: unknown): [string, string[]] {
  if (typeof row === 'object' && row !== null && 'id' in row && 'branches' in row) {
    const { id, branches } = row;
    const list: unknown = typeof branches === 'string' ? JSON.parse(branches) : branches;
    if (
      typeof id === 'string' &&
      Array.isArray(list) &&
      list.every((b): b is string => typeof b === 'string')
    )
      return [id, list];
  }
  throw new Error('store: an aggregate row is not (id, branches)');
}

export const deviceRow = z.object({
  id: z.string(),
  branchId: z.string(),
  number: int,
  name: z.string(),
  tokenHash: z.string().nullable(),
  enrolledAt: int,
  revokedAt: time,
  lastSeenAt: time,
  appVersion: z.string().nullable(),
  pending: int,
  cursor: int,
  lastBackupAt: time,
  freeDiskBytes: z.number().nullable(),
  updateRefused: z.string().nullable(),
});

export const enrollmentRow = z.object({ branchId: z.string(), issuedBy: z.string() });

export const sessionRow = z.object({
  tokenHash: z.string(),
  userId: z.string(),
  credential: z.string(),
  createdAt: int,
  expiresAt: int,
  lastUsedAt: int,
});

export const loginStateRow = z.object({
  userId: z.string(),
  origin: z.string(),
  failedAttempts: int,
  lockedUntil: time,
});

export const userChangeRow = z.object({
  seq: int,
  type: z.enum(['user.saved', 'company.saved', 'variant.saved']),
  userId: z.string(),
  payloadJson: z.string(),
  hlc: z.string(),
  receivedHlc: z.string(),
});

export const ackRow = z.object({ id: z.string(), seq: int, receivedHlc: z.string() });

export const refusalRow = z.object({
  eventId: z.string(),
  type: z.string(),
  deviceId: z.string(),
  branchId: z.string(),
  userId: z.string(),
  code: z.string(),
  message: z.string(),
  at: int,
});

export const bytesRow = z.object({ bytes: z.instanceof(Buffer) });

// ---- The update feed's ----

export const feedRow = z.object({ revision: int, settings: z.string().nullable() });
export const chunksRow = z.object({ chunks: int });
export const updateFileRow = z.object({
  name: z.string(),
  sha512: z.string(),
  bytes: int,
  at: int,
});
export const updateManifestRow = z.object({
  channel: z.string(),
  version: z.string(),
  text: z.string(),
  signature: z.string(),
  at: int,
});

/** The first row parsed by `schema`, or null when there is none. */
export const first = <S extends z.ZodType>(schema: S, rows: unknown[]): z.output<S> | null =>
  parseRow(schema, rows[0]) ?? null;
