// Logs rotate by size and keep N files; a crash leaves a report file behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RotatingLog } from './log';

const here = dirname(fileURLToPath(import.meta.url));
const temp = () => mkdtempSync(join(tmpdir(), 'fse-ops-'));
const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the rotating log', () => {
  it('writes one JSON object per line, rotates by size and keeps exactly N files', () => {
    const dir = temp();
    const log = new RotatingLog({ dir, name: 'server', maxBytes: 1_000, keep: 3, now: () => 0 });
    for (let i = 0; i < 200; i++) log.write({ level: 'info', msg: 'tick', i, pad: 'x'.repeat(50) });
    log.close();

    expect(readdirSync(dir).sort()).toEqual(['server.1.log', 'server.2.log', 'server.log']);
    const current = lines(join(dir, 'server.log'));
    const previous = lines(join(dir, 'server.1.log'));
    const oldest = lines(join(dir, 'server.2.log'));
    for (const file of ['server.log', 'server.1.log', 'server.2.log'])
      expect(readFileSync(join(dir, file)).length).toBeLessThanOrEqual(1_000);
    // Newest last, nothing lost between the kept files: one run of consecutive numbers.
    const numbers = [...oldest, ...previous, ...current].map((l) => l['i']);
    expect(numbers).toEqual(numbers.map((_, k) => 199 - numbers.length + 1 + k));
    expect(current.at(-1)).toMatchObject({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'tick',
      i: 199,
    });
  });

  it('goes on appending after a restart, and writes errors with their stack', () => {
    const dir = temp();
    new RotatingLog({ dir, name: 'desktop' }).write({ msg: 'first run' });
    const again = new RotatingLog({ dir, name: 'desktop' });
    again.write({ level: 'error', msg: 'failed', error: new Error('disk full') });
    again.close();
    const written = lines(join(dir, 'desktop.log'));
    expect(written.map((l) => l['msg'])).toEqual(['first run', 'failed']);
    expect(written[1]!['error']).toMatchObject({ message: 'disk full', name: 'Error' });
    expect(String((written[1]!['error'] as { stack: string }).stack)).toContain('ops.test.ts');
  });
});

describe('a crash', () => {
  it('writes a report for an unhandled rejection and for the exception that ends the process', () => {
    const dir = temp();
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(here, 'testing/crash-child.ts'), dir],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.status).toBe(1);
    const reports = readdirSync(join(dir, 'crash-reports')).map(
      (f) =>
        JSON.parse(readFileSync(join(dir, 'crash-reports', f), 'utf8')) as {
          kind: string;
          appVersion: string;
          error: { message: string; stack: string };
        },
    );
    expect(reports.map((r) => [r.kind, r.error.message]).sort()).toEqual(
      [
        ['unhandledRejection', 'nobody awaited this'],
        ['uncaughtException', 'boom in a timer'],
      ].sort(),
    );
    expect(
      reports.every((r) => r.appVersion === '9.9.9' && r.error.stack.includes('crash-child')),
    ).toBe(true);
    const logged = lines(join(dir, 'logs', 'child.log')).map((l) => [l['level'], l['msg']]);
    expect(logged).toEqual([
      ['info', 'started'],
      ['error', 'unhandled rejection'],
      ['fatal', 'crashed'],
    ]);
  });
});
