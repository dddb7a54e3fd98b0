// A test process stuck in a synchronous call is ended by the stall guard after its limit, with
// its file and its child processes named, and the children ended too; the run goes on and fails.
// A test that moves Date.now an hour is not taken for a stuck one.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
/** Whether a process whose command line has `marker` runs (read from /proc). */
const running = (marker: string) =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .some((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false; // it ended meanwhile
      }
    });

describe('the stall guard', () => {
  it('ends a test process whose event loop is stuck, names it, and the run goes on', async () => {
    const marker = `stall-${randomUUID()}`;
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        'scripts/vitest/fixtures/stall.config.ts',
      ],
      {
        cwd: root,
        env: { ...process.env, FSE_TEST_STALL_LIMIT_S: '3', STALL_MARKER: marker, CI: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((ok) => child.on('close', ok));
    const seconds = (Date.now() - started) / 1000;

    expect(code).not.toBe(0);
    expect(out).toMatch(
      /\[stall-guard\] \S*stall\.fixture\.ts: the test process \d+ has not run its event loop for \d+ s/,
    );
    expect(out).toContain(marker);
    expect(out).toMatch(/after\.fixture\.ts/);
    // A test that only set Date.now an hour off for longer than the limit ran to its end.
    const plain = stripVTControlCharacters(out);
    expect(plain).toMatch(/✓ \S*clock\.fixture\.ts/);
    expect(plain).not.toMatch(/\[stall-guard\] \S*clock\.fixture\.ts/);
    expect(out).toMatch(/Worker exited unexpectedly/);
    // Well before the fixture's 90 s child would have let it go.
    expect(seconds).toBeLessThan(60);
    expect(running(marker)).toBe(false);
  }, 90_000);
});
