// Structured logs: one JSON object per line, in the data folder, rotated by size. `name.log`
// is being written; `name.1.log` is the one before it, and so on; `keep` files in all.
// Writes are synchronous, so the lines before a crash are on disk when the report is written.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export type LogEntry = Record<string, unknown>;
export type Log = (entry: LogEntry) => void;

export interface RotatingLogOptions {
  dir: string;
  /** File name without `.log`: `server`, `desktop`, `main`. */
  name: string;
  /** Rotate before a line would take the file past this size. 5 MB by default. */
  maxBytes?: number;
  /** How many files to keep, the one being written included. 5 by default. */
  keep?: number;
  now?: () => number;
}

/** Errors as their message and stack (JSON.stringify makes them `{}`); bigints as text. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error)
    return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function formatLine(entry: LogEntry, now: number): string {
  const line = { time: new Date(now).toISOString(), ...entry };
  try {
    return `${JSON.stringify(line, replacer)}\n`;
  } catch {
    // A circular object: still say what happened.
    return `${JSON.stringify({ time: line.time, level: entry['level'], msg: String(entry['msg']), unserializable: true })}\n`;
  }
}

export class RotatingLog {
  private fd: number | null = null;
  private size = 0;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => number;
  readonly file: string;

  constructor(private readonly options: RotatingLogOptions) {
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = Math.max(1, options.keep ?? 5);
    this.now = options.now ?? Date.now;
    this.file = join(options.dir, `${options.name}.log`);
  }

  private rotated(n: number): string {
    return join(this.options.dir, `${this.options.name}.${n}.log`);
  }

  private open(): number {
    if (this.fd === null) {
      mkdirSync(this.options.dir, { recursive: true });
      this.fd = openSync(this.file, 'a');
      this.size = statSync(this.file).size;
    }
    return this.fd;
  }

  private rotate(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    if (this.keep === 1) {
      rmSync(this.file, { force: true });
      return;
    }
    rmSync(this.rotated(this.keep - 1), { force: true });
    for (let n = this.keep - 2; n >= 1; n--)
      if (existsSync(this.rotated(n))) renameSync(this.rotated(n), this.rotated(n + 1));
    renameSync(this.file, this.rotated(1));
  }

  write(entry: LogEntry): void {
    const line = formatLine(entry, this.now());
    const bytes = Buffer.byteLength(line);
    try {
      this.open();
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      const fd = this.open();
      writeSync(fd, line);
      this.size += bytes;
    } catch (error) {
      // A full or read-only disk must not stop the app: say so where someone may see it.
      process.stderr.write(`log write failed (${String(error)}): ${line}`);
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** A log function that writes to the rotating file and, when given, to another log too. */
export function fileLog(options: RotatingLogOptions, also?: Log): Log & { file: RotatingLog } {
  const file = new RotatingLog(options);
  const log = (entry: LogEntry) => {
    file.write(entry);
    also?.(entry);
  };
  return Object.assign(log, { file });
}
