// The worker thread of ./page-reader.ts: pulls the pages it is asked for with this PC's own HTTP
// transport and checks each event as applying would, off the thread that applies them.
import { parentPort, workerData } from 'node:worker_threads';
import { checkedEvent, type CheckedEvent } from './apply';
import { HttpSyncTransport } from './http';
import type { ReaderSpec } from './page-reader';

const port = parentPort;
if (!port) throw new Error('page-reader.worker runs as a worker thread of page-reader.ts');
const spec = workerData as ReaderSpec;
// Certificate announcements and switches are met by the PC's own transport at its next request;
// this one only holds the connection to the pins it was given.
const transport = new HttpSyncTransport(spec);

port.on('message', ({ id, after, limit }: { id: number; after: number; limit: number }) => {
  transport.pull(after, limit).then(
    (page) => {
      const events: CheckedEvent[] = page.events.map(checkedEvent);
      port.postMessage({ id, page: JSON.stringify({ ...page, events }) });
    },
    (error: unknown) =>
      port.postMessage({ id, failed: error instanceof Error ? error.message : String(error) }),
  );
});
port.postMessage('ready');
