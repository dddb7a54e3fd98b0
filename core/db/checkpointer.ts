// Checkpoints off the writer's thread, for long runs of large commits (a catch-up's pulled pages).
// In WAL mode a commit that leaves the log past wal_autocheckpoint pages copies the log into the
// database file and fsyncs it before it returns: about a sixth of a page's commit, on the one
// thread that also parses and applies the next page. Here a worker thread's own connection does
// those checkpoints (PASSIVE: it never waits for the writer, nor the writer for it) while the
// writer goes on. Commits keep their own durability (synchronous = FULL fsyncs the log at each
// commit); only the copying into the database file moves. SQLite makes a checkpoint safe to cut
// at any point, from whichever connection runs it. If the worker cannot start or fails, the
// writer checkpoints itself again, as before.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './open';

// CommonJS, evaluated in the worker: better-sqlite3 from the path the writer's own code resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
parentPort.on('message', (mode) => {
  if (mode === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  const [row] = db.pragma('wal_checkpoint(' + (mode === 'truncate' ? 'TRUNCATE' : 'PASSIVE') + ')');
  parentPort.postMessage({ log: row.log, checkpointed: row.checkpointed });
});
parentPort.postMessage('ready');
`;

/**
 * Past this many pages in the log, the writer waits for the worker to copy all of it before its
 * next transaction, which then starts the log over. The worker always trails by the commit under
 * way, so without such a pause a long catch-up would never let the log start over, and a first
 * sync of years of history would grow it to the size of the database.
 */
export const LOG_PAGES_BEFORE_PAUSE = 16_384;

export interface Checkpointer {
  /**
   * After each commit: asks for a checkpoint in the background. Resolves at once, or once the
   * log is wholly copied when it has grown past `LOG_PAGES_BEFORE_PAUSE`.
   */
  committed(): Promise<void>;
  /**
   * Copies what is left and truncates the log, stops the worker, and gives the writer its own
   * checkpoints back. Never throws: checkpoints are an optimisation, not a guarantee.
   */
  stop(): Promise<{ checkpoints: number }>;
}

type Answer = 'ready' | { log: number; checkpointed: number };

const inert: Checkpointer = {
  committed: () => Promise.resolve(),
  stop: () => Promise.resolve({ checkpoints: 0 }),
};

/** Starts a checkpointer for `db`'s file; the writer stops checkpointing once it is ready. */
export function startCheckpointer(db: Db, pauseAt = LOG_PAGES_BEFORE_PAUSE): Checkpointer {
  if (db.file === ':memory:' || db.file === '') return inert;
  const writer = db.sqlite;
  const ownLimit = Number(writer.pragma('wal_autocheckpoint', { simple: true }));
  const giveBack = () => {
    if (writer.open) writer.pragma(`wal_autocheckpoint = ${ownLimit}`);
  };
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: db.file,
      },
    });
  } catch {
    return inert;
  }
  // Not unref'd: a pull waiting on the worker's answer must keep the process alive. stop()
  // always ends it.
  let ready = false;
  let failed = false;
  let stopping = false;
  let checkpoints = 0;
  let logPages = 0;
  let answer: ((reply: Answer | null) => void) | null = null;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let started: () => void = () => undefined;
  const readyOrGone = new Promise<void>((resolve) => (started = resolve));
  // An error is followed by the exit: the writer checkpoints itself again, a request waiting on
  // the worker is answered with nothing.
  worker.on('error', () => undefined);
  void exited.then(() => {
    failed = true;
    giveBack();
    answer?.(null);
    started();
  });
  worker.on('message', (message: Answer) => {
    if (message === 'ready') {
      ready = true;
      if (!stopping && writer.open) writer.pragma('wal_autocheckpoint = 0');
      started();
    } else answer?.(message);
  });

  const ask = async (mode: 'passive' | 'truncate') => {
    const reply = await new Promise<Answer | null>((resolve) => {
      answer = resolve;
      worker.postMessage(mode);
    });
    answer = null;
    if (reply && reply !== 'ready') {
      checkpoints++;
      logPages = reply.log;
    }
  };
  // One request at a time is with the worker; commits meanwhile make it run once more after.
  let wanted = false;
  let running: Promise<void> | null = null;
  const pump = async () => {
    while (wanted && !failed) {
      wanted = false;
      await ask('passive');
    }
    running = null;
  };
  /** Resolves after a checkpoint that began after this call. */
  const request = () => {
    wanted = true;
    running ??= pump();
    return running;
  };

  return {
    async committed() {
      if (!ready || failed || stopping) return;
      if (logPages < pauseAt) {
        void request();
        return;
      }
      // The log is long: the worker copies all of it, and the next transaction starts it over.
      await request();
      logPages = 0;
    },
    async stop() {
      if (stopping) return { checkpoints };
      stopping = true;
      try {
        await readyOrGone;
        if (running) await running;
        if (!failed) await ask('truncate');
      } finally {
        giveBack();
        if (!failed) worker.postMessage('close');
        await exited;
      }
      return { checkpoints };
    },
  };
}
