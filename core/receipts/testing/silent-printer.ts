// A printer that never answers: its address is there, but a connection to it never completes,
// as with a printer switched off behind a switch that drops what it sends. On loopback a port
// that nobody listens on refuses at once, and a listening Node server accepts at once, so the
// listener is a child process stopped by SIGSTOP (POSIX only) whose one-place accept queue is
// filled first: the kernel drops every further SYN and the sender waits for its timeout.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';

export interface SilentPrinter {
  port: number;
  close(): Promise<void>;
}

const listener = `const s = require('node:net').createServer(() => {});
s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => process.stdout.write(s.address().port + '\\n'));`;

export async function startSilentPrinter(): Promise<SilentPrinter> {
  const child = spawn(process.execPath, ['-e', listener], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  child.kill('SIGSTOP');
  const fillers: Socket[] = [];
  for (let i = 0; i < 4; i++)
    fillers.push(connect({ host: '127.0.0.1', port }).on('error', () => undefined));
  // Long enough for the kernel to complete the handshakes that fill the queue.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    port,
    close: async () => {
      for (const f of fillers) f.destroy();
      child.kill('SIGKILL');
      await new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null
          ? resolve(undefined)
          : child.once('exit', resolve),
      );
    },
  };
}
