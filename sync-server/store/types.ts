import type { LoginCounts } from '../../core/auth/session-store';
import type { SessionRecord } from '../../core/auth/sessions';
import type { LogEpoch, OrderedEvent, UpdateRefusal, WireEvent } from '../../core/sync/protocol';
import type { Scope } from '../../core/sync/scope';
import type { RefusalInfo } from '../../core/sync/services';
import type { LeaseStore } from './leases';

export interface IngestItem {
  event: WireEvent;
  scope: Scope;
  /** Branches later events of this aggregate inherit, when this event starts one. */
  register: string[] | null;
  receivedHlc: string;
  /** The payload as the log keeps it: JSON.stringify(event.payload), made once by the hub. */
  payloadJson: string;
}

export interface Ack {
  id: string;
  seq: number;
  receivedHlc: string;
}

export interface DeviceRecord {
  id: string;
  branchId: string;
  number: number;
  name: string;
  tokenHash: string | null;
  enrolledAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  appVersion: string | null;
  pending: number;
  cursor: number;
  /** Health the device last reported with a push (null until it does; older apps never do). */
  lastBackupAt: number | null;
  freeDiskBytes: number | null;
  /** The last update the device refused, as JSON (UpdateRefusal), or null. */
  updateRefused: string | null;
}

/**
 * Which life of the log this is. A restore from a backup begins a new one: sequence numbers after
 * `since` (the head of the restored log) may then name other events than a PC saw before, so a PC
 * that meets a new epoch pulls again from `since` and pushes its own events again.
 */
export type { LogEpoch } from '../../core/sync/protocol';

export interface EpochRow {
  id: string;
  since: number;
}

/** The current epoch and the ones before it, from the rows oldest first. */
export function epochOf(rows: EpochRow[]): LogEpoch {
  const current = rows.at(-1);
  if (!current) throw new Error('the log has no epoch: the store was not opened properly');
  return {
    id: current.id,
    since: current.since,
    before: rows.slice(0, -1).map((r) => ({ id: r.id, since: r.since })),
  };
}

/** An event as the log keeps it: its payload is the JSON text stored at ingest, sent on as is. */
export type LoggedEvent = Omit<OrderedEvent, 'payload'> & { payloadJson: string };

/** A sign-in to head office's console, shared by every server process on one store. */
export interface ConsoleSession extends SessionRecord {
  /** The latest use any process recorded (touchSession); its creation until one does. */
  lastUsedAt: number;
}

/** A sign-in as it is put: a use not yet recorded is its creation. */
export type NewConsoleSession = SessionRecord & { lastUsedAt?: number };

export interface PullPage {
  events: LoggedEvent[];
  cursor: number;
  remaining: number;
}

/**
 * The server's event log and what goes with it. One implementation (./sql-store.ts) over two
 * drivers: SQLite (one process, ./sqlite.ts) and PostgreSQL (several processes behind a load
 * balancer, ./postgres.ts). Both assign sequence numbers in commit order, so a reader never
 * skips an event committed late. Also the console's wrong-password counts (LoginCounts), shared
 * by every server process, each counted in one atomic statement.
 */
export interface EventStore extends UpdateFeedStore, LoginCounts {
  readonly kind: 'sqlite' | 'postgres';
  /** Writes new events (known ids are answered with their first sequence number), in one transaction. */
  ingest(items: IngestItem[]): Promise<Ack[]>;
  aggregateBranches(aggregateIds: string[]): Promise<Map<string, string[]>>;
  /** Every aggregate's registered branches, for a restore to keep. */
  aggregateRegistrations(): Promise<[string, string[]][]>;
  /**
   * After a restore: registrations the restored log lacks are added as they were (a registration
   * follows from the event that started its aggregate, so it never changes). Returns how many.
   */
  keepAggregates(registrations: [string, string[]][]): Promise<number>;
  /** Events after `after` that `branchId` may see (all of them for null). */
  pull(branchId: string | null, after: number, limit: number): Promise<PullPage>;
  headSeq(): Promise<number>;
  /** Whether the log holds an event after `after` that `branchId` may see (any, for null). */
  hasEventsFor(branchId: string | null, after: number): Promise<boolean>;
  /**
   * Tells the other server processes on this store that the log moved on (PostgreSQL: NOTIFY on
   * LOG_CHANNEL). SQLite tells no one: processes sharing its file poll the head instead.
   */
  announce(): Promise<void>;
  /**
   * Calls `heard` whenever any process announces, `elsewhere` false for this store's own
   * announcements (true also when listening starts again: whatever was announced meanwhile);
   * resolves to a function that stops listening. Null where the store cannot (SQLite): then only
   * polling the head finds others' commits.
   */
  listen(heard: (elsewhere: boolean) => void): Promise<(() => Promise<void>) | null>;
  /** The log's epoch (made when the log was created). */
  epoch(): Promise<LogEpoch>;
  /** Begins a new epoch at the head of the log: after a restore, with no server running. */
  beginEpoch(): Promise<LogEpoch>;

  setBranchKind(branchId: string, kind: string): Promise<void>;
  branchKind(branchId: string): Promise<string | null>;
  headOfficeBranch(): Promise<string | null>;
  /**
   * Head office's first setup, once across every process on the store: under a lock they share,
   * unless a branch is head office already, runs `make` (which sets up the replica and names its
   * device) and records that device with its branch as head office, in one transaction. Null,
   * with `make` not run, when a head office exists; what `make` throws writes nothing here.
   */
  claimHeadOffice(
    make: () => Parameters<EventStore['createDevice']>[0],
  ): Promise<DeviceRecord | null>;

  createDevice(
    device: Omit<
      DeviceRecord,
      | 'number'
      | 'revokedAt'
      | 'lastSeenAt'
      | 'appVersion'
      | 'pending'
      | 'cursor'
      | 'lastBackupAt'
      | 'freeDiskBytes'
      | 'updateRefused'
    >,
  ): Promise<DeviceRecord>;
  deviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null>;
  device(id: string): Promise<DeviceRecord | null>;
  devices(): Promise<DeviceRecord[]>;
  revokeDevice(id: string, at: number): Promise<boolean>;
  /**
   * After a restore: devices the restored log does not know are added as they were (number,
   * token, health), and a revocation either side knows stands. Returns how many were added.
   */
  keepDevices(devices: DeviceRecord[]): Promise<number>;
  touchDevice(
    id: string,
    seen: {
      at: number;
      appVersion?: string;
      pending?: number;
      cursor?: number;
      lastBackupAt?: number | null;
      freeDiskBytes?: number | null;
      updateRefused?: UpdateRefusal | null;
    },
  ): Promise<void>;

  createEnrollment(e: {
    codeHash: string;
    branchId: string;
    issuedBy: string;
    expiresAt: number;
  }): Promise<void>;
  /** Takes a code once: the branch and issuer, or null if unknown, used or expired. */
  takeEnrollment(
    codeHash: string,
    now: number,
  ): Promise<{ branchId: string; issuedBy: string } | null>;

  /** Keeps a console sign-in, and drops those expired by `now`. */
  putSession(session: NewConsoleSession, now: number): Promise<void>;
  session(tokenHash: string): Promise<ConsoleSession | null>;
  /**
   * Records a use of a sign-in: its lastUsedAt becomes max(lastUsedAt, usedAt). An ended (or
   * unknown) sign-in stays ended: nothing is written.
   */
  touchSession(tokenHash: string, usedAt: number): Promise<void>;
  endSession(tokenHash: string): Promise<void>;
  /** Ends every sign-in of one person, in one statement. */
  endSessionsOf(userId: string): Promise<void>;
  sessions(): Promise<ConsoleSession[]>;
  /** After a restore: the sign-ins the log had before it, instead of the backup's. */
  replaceSessions(sessions: NewConsoleSession[]): Promise<void>;

  hasFile(hash: string): Promise<boolean>;
  putFile(hash: string, bytes: Buffer): Promise<void>;
  getFile(hash: string): Promise<Buffer | null>;

  /**
   * The log's user, company and variant changes after `afterSeq`, in order: what head office
   * knows of who may do what, and since when, and of the prices (see sync-server/authority.ts).
   */
  userChangesAfter(afterSeq: number): Promise<UserChange[]>;
  /** The acknowledgements of those of `ids` the log holds. */
  acksFor(ids: string[]): Promise<Ack[]>;
  /** Keeps events head office refused (an event refused again keeps its first record). */
  recordRefusals(refusals: RefusalRecord[]): Promise<void>;
  /** The newest refusals first. */
  refusals(limit: number): Promise<RefusalRecord[]>;
  /** Named leases: work done by one process at a time across all of them (./leases.ts). */
  readonly leases: LeaseStore;

  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// ---- The update feed's store (sync-server/updates/feed.ts; implemented by ./update-feed.ts,
// which the event store extends) ----------------------------------------------------------------

/** A file uploaded to the feed under a name: an installer, a blockmap, a pending signature. */
export interface UpdateFileRecord {
  name: string;
  /** sha512 of the bytes, base64 (as manifests write it): the key of its blob. */
  sha512: string;
  bytes: number;
  at: number;
}

/** A signed manifest kept by channel and version, with the signature it was checked with. */
export interface UpdateManifestRecord {
  channel: string;
  version: string;
  text: string;
  signature: string;
  at: number;
}

/** Everything the feed serves but installer bytes, as of one revision of the feed. */
export interface UpdateFeedSnapshot {
  /** Moves on with every change of the feed: a process re-reads the feed only when it moved. */
  revision: number;
  /** The admin's settings as JSON, or null (never set). */
  settingsJson: string | null;
  files: UpdateFileRecord[];
  manifests: UpdateManifestRecord[];
}

/** Installer bytes are kept in chunks of at most this many bytes (one row each). */
export const UPDATE_CHUNK_BYTES = 1024 * 1024;

export interface UpdateFeedStore {
  updateFeedRevision(): Promise<number>;
  updateFeed(): Promise<UpdateFeedSnapshot>;
  /** Has the store the whole blob with this sha512? */
  hasUpdateBlob(sha512: string): Promise<boolean>;
  /**
   * Keeps a blob's chunks (at most UPDATE_CHUNK_BYTES each, in order) under its sha512, checked
   * by the caller: whole or not at all; a blob already kept is left as it is.
   */
  putUpdateBlob(sha512: string, bytes: number, chunks: AsyncIterable<Buffer>): Promise<void>;
  /** A kept blob's chunks in order (none for an unknown one). */
  readUpdateBlob(sha512: string): AsyncIterable<Buffer>;
  /** Names a kept blob (replacing what had the name), or forgets a name (`sha512` null). */
  setUpdateFile(name: string, file: Omit<UpdateFileRecord, 'name'> | null): Promise<void>;
  /**
   * Keeps a manifest, replacing one kept for the same channel and version, and forgets the
   * pending signature file it was checked with (`consumed`), in one transaction.
   */
  putUpdateManifest(manifest: UpdateManifestRecord, consumed: string | null): Promise<void>;
  setUpdateSettings(settingsJson: string): Promise<void>;
}

/**
 * A user's change, the company's (whose discount limits head office judges sales by), or a
 * variant's (whose prices it judges a sale's below-catalog prices by).
 */
export interface UserChange {
  seq: number;
  type: 'user.saved' | 'company.saved' | 'variant.saved';
  /** The user's id (the company's row id for company.saved, the variant's for variant.saved). */
  userId: string;
  payloadJson: string;
  hlc: string;
  receivedHlc: string;
}

/** An event head office refused, for the admin's sync view. */
export type RefusalRecord = RefusalInfo;
