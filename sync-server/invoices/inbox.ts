// Head office's invoice inbox (decision 0033). Every few seconds, in the one server process that
// holds the lease (on a shared database, only the one that folds branch pushes as they come):
// each uploaded invoice whose file has arrived is read (a PC may upload offline; it is read when
// it gets here), and each file dropped into the watched folder is uploaded as the first admin,
// then moved to done/ (or to rejected/, with a note saying why). A file still being written is
// left until its size has stood still for one look.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { z } from 'zod';
import { parseRows } from '../../core/db/rows';
import { DomainError } from '../../core/errors';
import type { Log } from '../../core/ops/log';
import { runAsAdmin } from '../nightly';
import type { HeadOfficeReplica } from '../replica';
import type { LeaseStore } from '../store/leases';

export const INBOX_LEASE = 'invoice-inbox';

const TAKEN = new Set(['.pdf', '.jpg', '.jpeg', '.png']);

export interface InboxOptions {
  replica: HeadOfficeReplica;
  leases: LeaseStore;
  holder: string;
  log: Log;
  /** The watched folder; null: none. */
  folder: string | null;
  pollMs?: number;
}

export interface InboxRound {
  read: number;
  unreadable: number;
  uploaded: number;
  rejected: number;
}

export class InvoiceInbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<InboxRound | null> | null = null;
  /** Sizes seen at the last look, by file name: a file is taken once its size stood still. */
  private sizes = new Map<string, number>();

  constructor(private readonly options: InboxOptions) {}

  start(): void {
    if (this.options.folder) {
      for (const sub of ['done', 'rejected'])
        mkdirSync(join(this.options.folder, sub), { recursive: true });
    }
    this.timer ??= setInterval(() => void this.timedRound(), this.options.pollMs ?? 5_000);
    this.timer.unref();
  }

  /**
   * No more rounds; resolves once the one under way (an invoice being read) has ended and given
   * its lease back, so the server closes its database after it, not under it.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** A round the timer starts: what fails is logged, and the next round tries again. */
  private async timedRound(): Promise<void> {
    try {
      await this.round();
    } catch (error) {
      this.options.log({
        level: 'error',
        msg: 'invoice-inbox: round failed',
        error: String(error),
      });
    }
  }

  /** One look, unless one is running (then that one's result). Null: another process holds it. */
  round(): Promise<InboxRound | null> {
    this.running ??= this.look().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async look(): Promise<InboxRound | null> {
    const { leases, holder, log, replica } = this.options;
    // On a shared database, the process that folds branch pushes as they come reads the inbox:
    // any other would fold every event pushed since its last look (decision 0013).
    if (!replica.foldsEagerly) return null;
    const lease = await leases.acquire(INBOX_LEASE, holder, 10 * 60_000);
    if (!lease) return null;
    const round: InboxRound = { read: 0, unreadable: 0, uploaded: 0, rejected: 0 };
    try {
      // What branches pushed a moment ago and is still waiting to be folded is read next round.
      await replica.catchUpUnlessDue();
      if (this.options.folder) this.takeFolder(this.options.folder, round);
      for (const invoiceId of this.waiting()) {
        try {
          const result = z
            .object({ status: z.enum(['read', 'unreadable']) })
            .nullable()
            .parse(await runAsAdmin(replica, 'invoices.read', { invoiceId }));
          if (result?.status === 'read') round.read++;
          else if (result) round.unreadable++;
        } catch (error) {
          // A file that has not arrived yet is read next time; anything else is logged.
          if (!(error instanceof DomainError && error.code === 'NOT_FOUND'))
            log({
              level: 'error',
              msg: 'invoice-inbox: read failed',
              invoiceId,
              error: String(error),
            });
        }
      }
      if (round.read + round.unreadable + round.uploaded + round.rejected > 0) {
        log({ level: 'info', msg: 'invoice-inbox: round', ...round });
        await replica.catchUp();
      }
      return round;
    } finally {
      await leases.release(lease);
    }
  }

  /** Uploaded invoices whose file is here, oldest first. */
  private waiting(): string[] {
    const { core } = this.options.replica;
    return parseRows(
      z.object({ id: z.string(), fileHash: z.string() }),
      core.db.sqlite
        .prepare(
          `SELECT id, file_hash AS fileHash FROM supplier_invoices
           WHERE status = 'uploaded' AND file_hash IS NOT NULL ORDER BY uploaded_at, id LIMIT 50`,
        )
        .all(),
    )
      .filter((r) => core.files.has(r.fileHash))
      .map((r) => r.id);
  }

  private takeFolder(folder: string, round: InboxRound): void {
    const seen = new Map<string, number>();
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat?.isFile() || name.startsWith('.')) continue;
      seen.set(name, stat.size);
      if (this.sizes.get(name) !== stat.size) continue; // still being written, or new: next look
      if (!TAKEN.has(extname(name).toLowerCase())) {
        this.reject(folder, name, 'Only PDF, JPEG and PNG files are read from this folder.');
        round.rejected++;
        continue;
      }
      try {
        runAsAdmin(this.options.replica, 'invoices.upload', {
          fileName: basename(name),
          contentBase64: readFileSync(path).toString('base64'),
        });
        this.move(folder, name, 'done');
        round.uploaded++;
      } catch (error) {
        // The upload's words name its input (contentBase64: is empty); here it is the file.
        const why = error instanceof Error ? error.message : String(error);
        this.reject(folder, name, why.replace(/^contentBase64: /, 'The file '));
        round.rejected++;
      }
    }
    this.sizes = seen;
  }

  /** Moves a file aside without writing over one of the same name. */
  private move(folder: string, name: string, sub: 'done' | 'rejected'): string {
    let target = join(folder, sub, name);
    for (let n = 2; statSync(target, { throwIfNoEntry: false }); n++)
      target = join(folder, sub, `${basename(name, extname(name))} (${n})${extname(name)}`);
    renameSync(join(folder, name), target);
    return target;
  }

  /**
   * Moves a file to rejected/ with a note beside it saying why. Never throws: one file that
   * cannot be set aside (or noted) does not hold up the rest of the folder.
   */
  private reject(folder: string, name: string, why: string): void {
    this.options.log({ level: 'warn', msg: 'invoice-inbox: file rejected', file: name, why });
    try {
      const target = this.move(folder, name, 'rejected');
      writeFileSync(notePath(target), `${why}\n`);
    } catch (error) {
      this.options.log({
        level: 'error',
        msg: 'invoice-inbox: could not set a file aside',
        file: name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** Longest file name (in UTF-8 bytes) the common file systems take. */
const MAX_NAME_BYTES = 255;

/**
 * The note beside a rejected file: its name and ".txt", shortened to what a file system takes
 * (a name already near the limit would otherwise fail with ENAMETOOLONG).
 */
export function notePath(target: string): string {
  const name = basename(target);
  const room = MAX_NAME_BYTES - Buffer.byteLength('… note.txt');
  if (Buffer.byteLength(`${name}.txt`) <= MAX_NAME_BYTES) return `${target}.txt`;
  let kept = '';
  for (const ch of name) {
    if (Buffer.byteLength(kept + ch) > room) break;
    kept += ch;
  }
  return join(dirname(target), `${kept}… note.txt`);
}
