// Pulled pages read ahead on a worker thread, for long catch-ups. The thread that applies pages
// also received and parsed the next one (about 4.8 MB of JSON per 5,000 events) and checked each
// event's payload against its schema and wrote it back as JSON: about a seventh of a catch-up,
// between two transactions or inside them. Here a worker thread asks head office for the page with the
// same HTTP transport (same token, same pinned certificate), checks every event as applying
// would (checkedEvent in ./apply.ts), and hands the page over as one JSON text; the applying thread
// parses it and goes on. The worker is only ahead of the applying thread, never instead of it:
// whenever it is not ready, has failed, or a request of its own fails, the applying thread asks
// head office itself, so errors, epochs and certificates are met there exactly as before.
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckedEvent } from './apply';
import type { PullResponse } from './protocol';

/** What the worker needs to reach head office as this PC: serializable, no callbacks. */
export interface ReaderSpec {
  baseUrl: string;
  token: string;
  pin: string | null;
  nextPin: string | null;
  timeoutMs?: number;
}

/** A page as the worker prepared it: each event checked where it could be. */
export type CheckedPage = Omit<PullResponse, 'events'> & {
  events: CheckedEvent[];
  /** Set on a page the worker gave. */
  readAhead?: true;
};

export interface PageReader {
  /** True once the worker is ready to pull; false if it could not start or has ended. */
  ready: Promise<boolean>;
  /** The page, checked; null when the worker cannot give it (the caller then asks itself). */
  pull(after: number, limit: number): Promise<CheckedPage | null>;
  /** Ends the worker. Never throws. */
  stop(): Promise<void>;
}

/** The worker's entry in the repository, and the name of its bundle beside the core's. */
export const PAGE_READER_SOURCE = 'core/sync/page-reader.worker.ts';
export const PAGE_READER_BUNDLE = 'page-reader.js';

type Answer = 'ready' | { id: number; page: string } | { id: number; failed: string };

/**
 * Where the worker's code is: beside this module in a checkout (TypeScript, run through tsx in the
 * worker), or `page-reader.js` beside the bundle that holds this module (electron/build.ts); or the
 * bundle FSE_PAGE_READER names (the sync benchmark's, built as the app's).
 */
function workerEntry(): { url: URL; source: boolean } {
  const override = process.env['FSE_PAGE_READER'];
  if (override) return { url: pathToFileURL(override), source: false };
  const source = import.meta.url.endsWith('.ts');
  return {
    url: new URL(
      source ? `./${basename(PAGE_READER_SOURCE)}` : `./${PAGE_READER_BUNDLE}`,
      import.meta.url,
    ),
    source,
  };
}

function startWorker(spec: ReaderSpec): Worker {
  const { url, source } = workerEntry();
  if (!source) return new Worker(url, { workerData: spec });
  // From a checkout: the worker registers tsx's loader, then imports its TypeScript entry.
  // (Its ES module build: require.resolve finds the CommonJS one beside it.)
  const tsxApi = createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs');
  const tsx = pathToFileURL(tsxApi).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`,
    { eval: true, workerData: spec },
  );
}

/** Starts a reader; one that cannot start answers null to every pull. */
export function startPageReader(spec: ReaderSpec): PageReader {
  let worker: Worker;
  try {
    worker = startWorker(spec);
  } catch {
    return {
      ready: Promise.resolve(false),
      pull: () => Promise.resolve(null),
      stop: () => Promise.resolve(),
    };
  }
  let ready = false;
  let gone = false;
  let nextId = 0;
  const waiting = new Map<number, (page: CheckedPage | null) => void>();
  let started: (ready: boolean) => void = () => undefined;
  const readyOrGone = new Promise<boolean>((resolve) => (started = resolve));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // An error is followed by the exit: every pull waiting (and every later one) answers null.
  worker.on('error', () => undefined);
  void exited.then(() => {
    gone = true;
    started(false);
    for (const answer of waiting.values()) answer(null);
    waiting.clear();
  });
  worker.on('message', (message: Answer) => {
    if (message === 'ready') {
      ready = true;
      started(true);
      return;
    }
    const answer = waiting.get(message.id);
    waiting.delete(message.id);
    answer?.(
      'page' in message ? { ...(JSON.parse(message.page) as CheckedPage), readAhead: true } : null,
    );
  });
  return {
    ready: readyOrGone,
    pull(after, limit) {
      // Not ready yet: asking now beats waiting for the worker to load.
      if (!ready || gone) return Promise.resolve(null);
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ id, after, limit });
      });
    },
    async stop() {
      // A request under way is abandoned with the thread; its page is asked for again next time.
      await worker.terminate().catch(() => undefined);
      await exited;
    },
  };
}
