// A crash writes a report file in the data folder before the process ends, so the admin can
// send it (or read it) even when the console was never seen.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './log';

export type CrashKind = 'uncaughtException' | 'unhandledRejection';

export interface CrashReportOptions {
  dir: string;
  appVersion: string;
  /** Which process: `server`, `desktop-core`, `desktop-main`. */
  component: string;
  now?: () => number;
}

const describe = (error: unknown) =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack ?? null }
    : { name: typeof error, message: String(error), stack: null };

/** Writes `crash-<time>-<pid>.json` and returns its path. Never throws. */
export function writeCrashReport(
  options: CrashReportOptions,
  kind: CrashKind,
  error: unknown,
): string | null {
  const now = (options.now ?? Date.now)();
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const file = join(options.dir, `crash-${stamp}-${process.pid}.json`);
  const report = {
    kind,
    time: new Date(now).toISOString(),
    component: options.component,
    appVersion: options.appVersion,
    error: describe(error),
    pid: process.pid,
    platform: process.platform,
    arch: process.arch,
    versions: process.versions,
    uptimeSeconds: Math.round(process.uptime()),
    memory: process.memoryUsage(),
  };
  try {
    mkdirSync(options.dir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    return file;
  } catch {
    return null;
  }
}

export interface ProcessLike {
  on(event: 'uncaughtException', listener: (error: unknown) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (error: unknown) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/**
 * An uncaught exception leaves the process in an unknown state: report, log, exit(1) (the
 * service manager or the desktop app starts it again). An unhandled rejection is reported and
 * logged, and the process goes on: it is almost always a missed `await` on failed I/O.
 */
export function installCrashReports(
  options: CrashReportOptions & {
    log: Log;
    exit?: (code: number) => void;
    proc?: ProcessLike;
  },
): () => void {
  const proc: ProcessLike = options.proc ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onException = (error: unknown) => {
    const report = writeCrashReport(options, 'uncaughtException', error);
    options.log({ level: 'fatal', msg: 'crashed', kind: 'uncaughtException', error, report });
    exit(1);
  };
  const onRejection = (reason: unknown) => {
    const report = writeCrashReport(options, 'unhandledRejection', reason);
    options.log({ level: 'error', msg: 'unhandled rejection', error: reason, report });
  };
  proc.on('uncaughtException', onException);
  proc.on('unhandledRejection', onRejection);
  return () => {
    proc.off('uncaughtException', onException);
    proc.off('unhandledRejection', onRejection);
  };
}
