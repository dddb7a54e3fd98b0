// Printers that fail: each failure is the one DomainError the counter shows, naming the printer's
// address and saying the sale is kept and the receipt can be printed again.
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { printOverTcp } from './tcp';
import {
  closedPort,
  startTestPrinter,
  type Behaviour,
  type TestPrinter,
} from './testing/test-printer';

const printers: TestPrinter[] = [];
afterEach(async () => {
  await Promise.all(printers.splice(0).map((p) => p.close()));
});

async function printer(behaviour: Behaviour) {
  const p = await startTestPrinter(behaviour);
  printers.push(p);
  return p;
}

// More than the loopback's socket buffers hold, so a printer that stops reading stops the send.
const longJob = new Uint8Array(32 * 1024 * 1024).fill(0x41);

async function failureOf(port: number, bytes: Uint8Array, timeoutMs = 2_000): Promise<DomainError> {
  const error: unknown = await printOverTcp('127.0.0.1', port, bytes, { timeoutMs }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  if (!(error instanceof DomainError)) throw new Error('expected a DomainError');
  expect(error.code).toBe('UNAVAILABLE');
  expect(error.message).toContain(`printer at 127.0.0.1:${port} `);
  expect(error.message).toContain('the sale is recorded and the receipt can be printed again');
  expect(error.details['printer']).toBe(`127.0.0.1:${port}`);
  return error;
}

describe('printing over TCP', () => {
  it('delivers every byte, in order', async () => {
    const p = await printer('prints');
    const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) % 256);
    await printOverTcp('127.0.0.1', p.port, bytes, { timeoutMs: 5_000 });
    expect(Buffer.compare(await p.job(0), Buffer.from(bytes))).toBe(0);
  });

  it('says so when the printer refuses the connection', async () => {
    const port = await closedPort();
    const error = await failureOf(port, Uint8Array.of(0x1b, 0x40));
    expect(error.message).toMatch(/refused the connection/);
  });

  it('gives up on a printer that stops taking the receipt (off line, out of paper)', async () => {
    const p = await printer('stalls');
    const started = Date.now();
    const error = await failureOf(p.port, longJob, 300);
    expect(error.message).toMatch(/did not answer: check it is on/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says so when the printer drops the connection mid-receipt', async () => {
    const p = await printer('drops');
    const error = await failureOf(p.port, longJob);
    expect(error.message).toMatch(/closed the connection before the receipt was sent/);
  });

  it('says so when the printer’s port is not a port at all', async () => {
    const error = await failureOf(70_000, Uint8Array.of(0));
    expect(error.message).toMatch(/check the printer's address in the settings/);
  });

  it('names an IPv6 printer’s address in brackets', async () => {
    const port = await closedPort();
    const error: unknown = await printOverTcp('::1', port, Uint8Array.of(0), {
      timeoutMs: 1_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error instanceof DomainError && error.message).toContain(`printer at [::1]:${port} `);
  });
});
