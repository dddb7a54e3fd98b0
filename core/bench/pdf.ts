// The order sheet renderer, loaded at run time: core/pdf/documents.ts is written in parallel,
// so the benchmark waits (polling) for it to appear and import cleanly instead of failing.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrderDetail } from '../orders/queries';

export type RenderOrderSheet = (
  order: OrderDetail,
  opts?: { company?: string; currency?: string },
) => Promise<Buffer>;

const documentsFile = fileURLToPath(new URL('../pdf/documents.ts', import.meta.url));

/** The renderer, or the reason it could not be loaded within `waitSeconds`. */
export async function loadRenderOrderSheet(
  waitSeconds: number,
  log: (line: string) => void,
): Promise<{ render: RenderOrderSheet } | { missing: string }> {
  const deadline = Date.now() + waitSeconds * 1000;
  let reason = `${documentsFile} does not exist`;
  let announced = false;
  for (;;) {
    if (existsSync(documentsFile)) {
      try {
        // A query string defeats the module cache so a retry sees the file as it is now.
        const mod = (await import(
          `${pathToFileURL(documentsFile).href}?t=${Date.now()}`
        )) as Record<string, unknown>;
        const render = mod['renderOrderSheet'];
        if (typeof render === 'function') return { render: render as RenderOrderSheet };
        reason = 'core/pdf/documents.ts does not export renderOrderSheet yet';
      } catch (error) {
        reason = `core/pdf/documents.ts does not load yet: ${(error as Error).message}`;
      }
    }
    if (Date.now() >= deadline) return { missing: reason };
    if (!announced) {
      log(`  pdf: waiting up to ${waitSeconds} s for renderOrderSheet (${reason})`);
      announced = true;
    }
    await sleep(15_000);
  }
}
