// A branch's side of sync: push what this device made, pull what its branch may see, and move
// the files those events name. Each pulled page is applied with its cursor in one transaction,
// so a crash or a dropped connection at any point is followed by a safe retry.
import { and, asc, count, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { startCheckpointer, type Checkpointer } from '../db/checkpointer';
import { getMeta, setMeta } from '../db/meta';
import type { Db } from '../db/open';
import { prepared } from '../db/prepared';
import { parseRows } from '../db/rows';
import { events as eventsTable, stockBalances } from '../db/schema';
import { EVENT_SCHEMA_VERSION } from '../events/define';
import { eventDef } from '../events/emit';
import { fileNamingTypes } from '../events/registry';
import type { FileStore } from '../files/store';
import { sha256 } from '../files/store';
import {
  acknowledge,
  applyOrdered,
  takeBack,
  emptyTally,
  StepFailed,
  unnumberAfter,
  type ApplyTally,
} from './apply';
import { learnServerTime } from './clock';
import { epochSafePoint, type LogEpoch, type WireEvent } from './protocol';
import { startPageReader, type CheckedPage, type PageReader, type ReaderSpec } from './page-reader';
import type { SyncTransport } from './transport';

const addTally = (into: ApplyTally, more: ApplyTally) => {
  for (const key of Object.keys(more) as (keyof ApplyTally)[]) into[key] += more[key];
};

export interface SyncProgress {
  phase: 'push' | 'pull' | 'files';
  /** Events (or files) handled so far in this phase, and still to go. */
  done: number;
  left: number;
  percent: number;
}

export interface SyncReport {
  pushed: number;
  /** Events of this PC head office refused, taken back (see refused_events for why). */
  refused: number;
  pulled: number;
  tally: ApplyTally;
  /** Pulled pages read and checked ahead on a worker thread (a long catch-up's). */
  readAhead: number;
  filesUploaded: number;
  filesDownloaded: number;
  /** Files named by slips here that head office does not have (yet): asked for again next round. */
  filesMissing: number;
  /** Balances below zero after the merge: shown to people, never silently corrected. */
  negativeStock: { branchId: string; variantId: string; onHand: number; available: number }[];
  finishedAt: number;
}

export interface SyncEngineOptions {
  appVersion?: string;
  pushBatch?: number;
  /** Events asked for per pull page (default 2,000). */
  pullPage?: number;
  /** Per page while at least this many are still to come (default 5,000): a long catch-up
   * commits fewer, larger transactions. */
  catchUpPage?: number;
  /** Events still to pull from which pulled pages leave their checkpoints to a worker thread
   * (default 20,000; see core/db/checkpointer.ts). */
  backgroundCheckpointsFrom?: number;
  /** Events still to pull from which the next pages are read and checked ahead on a worker
   * thread, when the transport allows it (default 20,000; see ./page-reader.ts). */
  readAheadFrom?: number;
  /** Starts the page reader (tests hand over one already started). */
  startReader?: (spec: ReaderSpec) => PageReader;
  /** This PC's own wall clock (uncorrected): the offset from head office is measured with it. */
  now?: () => number;
  onProgress?: (p: SyncProgress) => void;
  /** Told the newest clock stamp pulled, so this device's later stamps sort after it. */
  onRemoteStamp?: (hlc: string) => void;
}

const ofDevice = sql.placeholder('deviceId');
const unpushed = and(eq(eventsTable.deviceId, ofDevice), isNull(eventsTable.serverSeq));
const reads = prepared((orm) => ({
  pendingCount: orm.select({ n: count() }).from(eventsTable).where(unpushed).prepare(),
  pending: orm
    .select({
      id: eventsTable.id,
      type: eventsTable.type,
      schemaVersion: eventsTable.schemaVersion,
      branchId: eventsTable.branchId,
      deviceId: eventsTable.deviceId,
      userId: eventsTable.userId,
      hlc: eventsTable.hlc,
      createdAt: eventsTable.createdAt,
      aggregateId: eventsTable.aggregateId,
      payload: eventsTable.payload,
    })
    .from(eventsTable)
    .where(unpushed)
    .orderBy(asc(eventsTable.seq))
    .limit(sql.placeholder('limit'))
    .prepare(),
  negativeStock: orm
    .select({
      branchId: stockBalances.branchId,
      variantId: stockBalances.variantId,
      onHand: stockBalances.onHand,
      reserved: stockBalances.reserved,
    })
    .from(stockBalances)
    .where(
      or(
        lt(stockBalances.onHand, 0),
        lt(sql`${stockBalances.onHand} - ${stockBalances.reserved}`, 0),
        lt(stockBalances.inTransit, 0),
      ),
    )
    .prepare(),
}));

// Raw SQL: the condition on the events is the caller's; the rows are parsed.
const namingRow = z.object({ type: z.string(), payload: z.string() });

export const syncCursor = (db: Db): number => Number(getMeta(db, 'sync.cursor') ?? 0);

export function pendingCount(db: Db, deviceId: string): number {
  return reads(db).pendingCount.get({ deviceId })?.n ?? 0;
}

/** Events to ask for in the next pull page, knowing how many remain (null: not yet known). */
export function pullLimit(
  remaining: number | null,
  options: Pick<SyncEngineOptions, 'pullPage' | 'catchUpPage'>,
): number {
  const page = options.pullPage ?? 2000;
  const catchUp = Math.max(page, options.catchUpPage ?? 5000);
  return remaining !== null && remaining >= catchUp ? catchUp : page;
}

/** This PC's own events still to push, whose files go first; events applied here. */
export const UPLOAD_WHERE = 'device_id = ? AND server_seq IS NULL';
export const DOWNLOAD_WHERE = "apply_status = 'applied'";

const fileNamingTerm = [...fileNamingTypes]
  .sort()
  .map((t) => `type = '${t.replaceAll("'", "''")}'`)
  .join(' OR ');

/**
 * The query for the events matching `where` that name files. Their types are written as literals,
 * sorted, in the condition of the partial index `events_naming_files` (core/db/schema.ts): SQLite
 * uses a partial index only for a query that repeats its condition, and cannot see bound values.
 */
export function namedFilesSql(where: string): string {
  return `SELECT type, payload FROM events WHERE ${where} AND (${fileNamingTerm})`;
}

/** The files that events matching `where` name, as their types declare (see the registry). */
function namedFiles(db: Db, where: string, ...params: string[]): string[] {
  if (fileNamingTypes.length === 0) return [];
  const rows = parseRows(namingRow, db.sqlite.prepare(namedFilesSql(where)).all(...params));
  const hashes = new Set<string>();
  for (const row of rows) {
    const parsed = eventDef(row.type)?.payload.safeParse(JSON.parse(row.payload));
    if (parsed?.success)
      for (const h of eventDef(row.type)?.files?.(parsed.data) ?? []) hashes.add(h);
  }
  return [...hashes];
}

/** What a pull applied; `readAhead`: how many of its pages the page reader gave. */
export interface Pulled {
  pulled: number;
  tally: ApplyTally;
  readAhead: number;
}

/**
 * Runs the transaction of a pulled page with a commit that does not wait for the disk
 * (synchronous = NORMAL, in WAL mode), then puts the connection's own setting back before anything
 * else can run on it. Such a commit is atomic and ordered like any other; a power cut may take back
 * the last ones, and with each page goes its cursor, so the page is pulled again: head office
 * holds it, and nobody was told anything of it. Every other commit keeps waiting for the disk
 * (FULL), which also makes the pages committed before it durable.
 */
function pulledPageCommit(db: Db, transaction: () => void): void {
  const own = Number(db.sqlite.pragma('synchronous', { simple: true }));
  if (own <= 1) return transaction();
  db.sqlite.pragma('synchronous = NORMAL');
  try {
    transaction();
  } finally {
    db.sqlite.pragma(`synchronous = ${own}`);
  }
}

/** A long catch-up's helpers: checkpoints and the next pages, each on a worker thread. */
interface LongCatchUp {
  checkpointer: Checkpointer | null;
  reader: PageReader | null;
}

/** A turn of the event loop: a request just begun is written to its socket before a long apply. */
const sendsBeforeApplying = () => new Promise((resolve) => setImmediate(resolve));

export class SyncEngine {
  private running: Promise<SyncReport> | null = null;
  private metNewEpoch = false;
  /** This PC's events head office refused and this PC took back, in the round under way. */
  private refused = 0;
  private pulling: Promise<Pulled> | null = null;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly files: FileStore,
    private readonly deviceId: string,
    private readonly transport: SyncTransport,
    private readonly options: SyncEngineOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** One full round; a second call while one runs joins it. */
  sync(): Promise<SyncReport> {
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private progress(phase: SyncProgress['phase'], done: number, left: number) {
    const total = done + left;
    this.options.onProgress?.({
      phase,
      done,
      left,
      percent: total === 0 ? 100 : Math.floor((done * 100) / total),
    });
  }

  private async round(): Promise<SyncReport> {
    let filesUploaded = 0;
    let pushed = 0;
    this.refused = 0;
    let pulled = 0;
    let readAhead = 0;
    const tally = emptyTally();
    // Once more after meeting a new epoch of the log: this PC's own events go back first, and
    // before them the files they name (a restored head office may have lost those).
    do {
      this.metNewEpoch = false;
      filesUploaded += await this.uploadFiles();
      pushed += await this.push();
      const got = await this.pull();
      pulled += got.pulled;
      readAhead += got.readAhead;
      addTally(tally, got.tally);
    } while (this.metNewEpoch);
    const { downloaded: filesDownloaded, missing: filesMissing } = await this.downloadFiles();
    const finishedAt = this.now();
    setMeta(this.db, 'sync.lastAt', String(finishedAt));
    const negativeStock: SyncReport['negativeStock'] = reads(this.db)
      .negativeStock.all()
      .map(({ reserved, ...b }) => ({ ...b, available: b.onHand - reserved }));
    return {
      pushed,
      refused: this.refused,
      pulled,
      tally,
      readAhead,
      filesUploaded,
      filesDownloaded,
      filesMissing,
      negativeStock,
      finishedAt,
    };
  }

  async push(): Promise<number> {
    const batch = this.options.pushBatch ?? 1000;
    const select = reads(this.db).pending;
    let pushed = 0;
    for (;;) {
      const rows = select.all({ deviceId: this.deviceId, limit: batch });
      if (rows.length === 0) return pushed;
      const events: WireEvent[] = rows.map((r) => ({
        ...r,
        payload: JSON.parse(r.payload) as unknown,
      }));
      const left = pendingCount(this.db, this.deviceId) - rows.length;
      const sentAt = this.now();
      const response = await this.transport.push({
        events,
        pending: left,
        appVersion: this.options.appVersion ?? 'unknown',
        maxSchemaVersion: EVENT_SCHEMA_VERSION,
      });
      learnServerTime(this.db, response.serverTime, sentAt, this.now());
      const metNewEpoch = this.meetEpoch(response.epoch);
      const refused = response.refused ?? [];
      this.db.sqlite
        .transaction(() => {
          acknowledge(this.db, response.acks);
          if (refused.length > 0) this.refused += takeBack(this.db, refused, this.now());
        })
        .immediate();
      pushed += response.acks.length;
      this.progress('push', pushed, left);
      // After a new epoch the round starts over: files first, then what is unnumbered now.
      if (metNewEpoch || response.acks.length + refused.length < rows.length) return pushed;
    }
  }

  /**
   * Pulls and applies pages until nothing is left. The next page is asked for before the current
   * one is applied, so the server reads and sends it while this PC writes: a long catch-up costs
   * about the applying alone. A page is applied with its cursor in one transaction, so a page
   * that fails (or a prefetched one never applied) is simply asked for again next time. A call
   * while one runs joins it.
   */
  pull(): Promise<Pulled> {
    this.pulling ??= this.pullPages().finally(() => {
      this.pulling = null;
    });
    return this.pulling;
  }

  private async pullPages(): Promise<Pulled> {
    // Started by the first page of a long catch-up; stopped however the pull ends.
    const aside: LongCatchUp = { checkpointer: null, reader: null };
    try {
      return await this.pullPagesWith((remaining) => {
        if (remaining >= (this.options.backgroundCheckpointsFrom ?? 20_000))
          aside.checkpointer ??= startCheckpointer(this.db);
        if (remaining >= (this.options.readAheadFrom ?? 20_000) && !aside.reader) {
          const spec = this.transport.readAhead?.() ?? null;
          if (spec) aside.reader = (this.options.startReader ?? startPageReader)(spec);
        }
        return aside;
      });
    } finally {
      await Promise.all([aside.checkpointer?.stop(), aside.reader?.stop()]);
    }
  }

  /** The next page: read ahead by the reader, or asked for here when it cannot give it. */
  private async pullAhead(
    reader: PageReader | null,
    after: number,
    limit: number,
  ): Promise<CheckedPage> {
    return (await reader?.pull(after, limit)) ?? this.transport.pull(after, limit);
  }

  private async pullPagesWith(longCatchUp: (remaining: number) => LongCatchUp): Promise<Pulled> {
    const tally = emptyTally();
    let pulled = 0;
    let readAhead = 0;
    let after = syncCursor(this.db);
    const sentAt = this.now();
    let next: Promise<CheckedPage> = this.transport.pull(after, pullLimit(null, this.options));
    let first = true;
    for (;;) {
      const page = await next;
      // The first answer was asked for just now; later ones were fetched ahead of need.
      if (first) learnServerTime(this.db, page.serverTime, sentAt, this.now());
      first = false;
      if (this.meetEpoch(page.epoch)) {
        after = syncCursor(this.db);
        next = this.transport.pull(after, pullLimit(null, this.options));
        continue;
      }
      if (page.cursor <= after && page.events.length === 0) {
        this.progress('pull', pulled, 0);
        return { pulled, tally, readAhead };
      }
      const more = page.remaining > 0;
      const { checkpointer, reader } = longCatchUp(page.remaining);
      if (more) {
        next = this.pullAhead(reader, page.cursor, pullLimit(page.remaining, this.options));
        next.catch(() => undefined); // seen when awaited; unseen if this page fails to apply
        await sendsBeforeApplying();
      }
      // Optimistically first (no savepoint per event, see applyOrdered); a page with a failing
      // step is rolled back whole and applied again the careful way, recording its conflicts.
      const applyPage = (optimistic: boolean) => {
        const pageTally = emptyTally();
        pulledPageCommit(this.db, () =>
          this.db.sqlite
            .transaction(() => {
              if (syncCursor(this.db) !== after)
                throw new Error('sync cursor moved while a page was on its way; sync again');
              applyOrdered(this.db, page.events, pageTally, { optimistic });
              setMeta(this.db, 'sync.cursor', String(page.cursor));
            })
            .immediate(),
        );
        return pageTally;
      };
      let applied: ApplyTally;
      try {
        applied = applyPage(true);
      } catch (error) {
        if (!(error instanceof StepFailed)) throw error;
        applied = applyPage(false);
      }
      await checkpointer?.committed();
      addTally(tally, applied);
      pulled += page.events.length;
      if (page.readAhead) readAhead++;
      after = page.cursor;
      const newest = page.events.reduce((max, e) => (e.hlc > max ? e.hlc : max), '');
      if (newest) this.options.onRemoteStamp?.(newest);
      this.progress('pull', pulled, page.remaining);
      if (!more) return { pulled, tally, readAhead };
    }
  }

  /**
   * Checks the epoch of head office's log in an answer (docs/decisions/0007). The first one seen
   * is kept. A new one means head office was restored from a backup (maybe more than once), and
   * sequence numbers after the safe point (epochSafePoint) may now name other events. In one
   * transaction, every event this PC holds with a number after it is unnumbered (its own are
   * pushed again; the others get their new numbers when pulled again; see unnumberAfter) and the
   * cursor goes back to it at the latest. True when it did so.
   */
  private meetEpoch(epoch: LogEpoch | undefined): boolean {
    if (!epoch) return false;
    const known = getMeta(this.db, 'sync.epoch');
    if (known === epoch.id) return false;
    this.db.sqlite
      .transaction(() => {
        if (known !== undefined) {
          const since = epochSafePoint(epoch, known);
          unnumberAfter(this.db, since);
          if (syncCursor(this.db) > since) setMeta(this.db, 'sync.cursor', String(since));
        }
        setMeta(this.db, 'sync.epoch', epoch.id);
      })
      .immediate();
    if (known === undefined) return false;
    this.metNewEpoch = true;
    return true;
  }

  private async uploadFiles(): Promise<number> {
    const hashes = namedFiles(this.db, UPLOAD_WHERE, this.deviceId);
    let uploaded = 0;
    for (const hash of hashes) {
      if (!this.files.has(hash) || (await this.transport.hasFile(hash))) continue;
      await this.transport.putFile(hash, this.files.get(hash));
      uploaded++;
      this.progress('files', uploaded, hashes.length - uploaded);
    }
    return uploaded;
  }

  /**
   * Fetches the files slips here name and this PC lacks. One head office does not have (its
   * maker has not sent it yet, or sends it again after a restore) is asked for next round; it
   * does not hold up the others.
   */
  private async downloadFiles(): Promise<{ downloaded: number; missing: number }> {
    const hashes = namedFiles(this.db, DOWNLOAD_WHERE);
    const lacking = hashes.filter((hash) => !this.files.has(hash));
    let downloaded = 0;
    let missing = 0;
    for (const hash of lacking) {
      let bytes: Buffer;
      try {
        bytes = await this.transport.getFile(hash);
      } catch (error) {
        if ((error as { status?: unknown }).status !== 404) throw error;
        missing++;
        continue;
      }
      if (sha256(bytes) !== hash) continue; // a damaged download is fetched again next round
      this.files.put(bytes);
      downloaded++;
      this.progress('files', downloaded, lacking.length - downloaded - missing);
    }
    return { downloaded, missing };
  }
}
