// Test printers on a real TCP port of this machine (port 0: the system picks a free one), each
// behaving like one printer a shop may have: one that prints, one that stops taking paper
// (reads nothing, so the connection stalls), one that drops the connection mid-receipt.
import { createServer, type Server, type Socket } from 'node:net';

export type Behaviour = 'prints' | 'stalls' | 'drops';

export interface TestPrinter {
  port: number;
  /** The bytes of the n-th connection (from 0), once the sender has finished it. */
  job(n?: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startTestPrinter(behaviour: Behaviour = 'prints'): Promise<TestPrinter> {
  const sockets = new Set<Socket>();
  const jobs: { promise: Promise<Buffer>; resolve: (bytes: Buffer) => void }[] = [];
  const job = (n: number) => {
    while (jobs.length <= n) {
      let resolve: (bytes: Buffer) => void = () => undefined;
      const promise = new Promise<Buffer>((r) => (resolve = r));
      jobs.push({ promise, resolve });
    }
    return jobs[n]!;
  };
  let connections = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (behaviour === 'stalls') {
      socket.pause();
      return;
    }
    if (behaviour === 'drops') {
      socket.once('data', () => socket.resetAndDestroy());
      return;
    }
    const done = job(connections++);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      done.resolve(Buffer.concat(chunks));
      socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return {
    port: address.port,
    job: (n = 0) => job(n).promise,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}
