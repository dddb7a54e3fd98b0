// Reading every page a PC would pull (the engine's page sizes) without applying any: what it
// takes to serve them, over HTTP from the bench or straight from the hub in the server process.
import { pullLimit } from '../../core/sync/engine';

export interface PullRun {
  events: number;
  pages: number;
  seconds: number;
}

type Page = { events: unknown[]; cursor: number; remaining: number };

export async function servePages(
  pull: (after: number, limit: number) => Promise<Page>,
  after: number,
): Promise<PullRun> {
  let cursor = after;
  let events = 0;
  let pages = 0;
  let left: number | null = null;
  const start = performance.now();
  for (;;) {
    const page = await pull(cursor, pullLimit(left, {}));
    events += page.events.length;
    pages++;
    cursor = page.cursor;
    left = page.remaining;
    if (page.remaining === 0) break;
  }
  return { events, pages, seconds: (performance.now() - start) / 1000 };
}
