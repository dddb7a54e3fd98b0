// A PC losing power, for the crash tests: a child process (a script under core/testing/) does
// acknowledged work in a loop, printing one id per acknowledgement, and is killed with SIGKILL
// once it has printed `killAfter` of them. Returns every id it acknowledged.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export function ackedUntilKilled(
  script: string,
  args: readonly string[],
  killAfter: number,
): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acked: string[] = [];
  let buffered = '';
  return new Promise<string[]>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      acked.push(...lines);
      if (acked.length >= killAfter && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL'
        ? resolve(acked)
        : reject(new Error(`child exited without being killed (${signal})`)),
    );
  });
}
