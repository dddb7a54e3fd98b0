// A receipt printer on a USB or serial port, written through its device file: the same ESC/POS
// bytes as over the network land in the file, a port that is not there leaves the receipt
// waiting with words for the clerk, and the settings name the field that is wrong. (A real
// printer's device file is written the same way; here a file on /dev/shm stands in for it.)
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { devicePath } from './port';
import { decodeEscPos, textLines } from './testing/escpos-decode';

const made: string[] = [];
afterEach(() => {
  for (const f of made.splice(0)) rmSync(f, { force: true });
});

async function sell(w: DemoWorld) {
  return w.as('shop1')('receipts.savePrinter', { kind: 'port', path: port(), paperWidth: 58 });
}

const port = () => {
  const path = `/dev/shm/fse-printer-${randomUUID()}`;
  made.push(path);
  return path;
};

describe('a printer on a USB or serial port', () => {
  it('gets the receipt’s ESC/POS bytes through its device file', async () => {
    const w = await openDemo();
    const path = port();
    await w.as('shop1')('receipts.savePrinter', { kind: 'port', path, paperWidth: 58 });
    const sale = await w.as('shop1')('sales.record', {
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    expect(await w.as('shop1')('receipts.print', { saleId: sale.id })).toEqual({
      printed: true,
      kind: 'port',
      error: null,
    });
    const lines = textLines(decodeEscPos(new Uint8Array(readFileSync(path))));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^Sale +${sale.number}$`)));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(32);
  });

  it('keeps the receipt waiting when the port is not there, telling the clerk what to check', async () => {
    const w = await openDemo();
    const missing = `/dev/shm/fse-no-such-dir-${randomUUID()}/lp0`;
    await w.as('shop1')('receipts.savePrinter', { kind: 'port', path: missing });
    const sale = await w.as('shop1')('sales.record', {
      lines: [{ variantId: w.variant['TS-WHT-M']!, quantity: 1 }],
      payments: [{ method: 'cash' }],
    });
    const outcome = await w.as('shop1')('receipts.print', { saleId: sale.id });
    expect(outcome).toMatchObject({ printed: false, kind: 'port', printer: missing });
    expect(outcome.error).toMatch(/is not there \(is the printer plugged in/);
    expect(existsSync(missing)).toBe(false);
    expect((await w.as('shop1')('receipts.waiting', {})).map((r) => r.documentId)).toEqual([
      sale.id,
    ]);
  });

  it('asks for the port by name, and refuses what is no port', async () => {
    const w = await openDemo();
    const none = await failure(w.as('shop1')('receipts.savePrinter', { kind: 'port' }));
    expect(none).toMatchObject({ code: 'VALIDATION', field: 'path' });
    const wrong = await failure(
      w.as('shop1')('receipts.savePrinter', { kind: 'port', path: '/etc/passwd; rm' }),
    );
    expect(wrong).toMatchObject({ code: 'VALIDATION', field: 'path' });
    expect(wrong.message).toMatch(/like \/dev\/usb\/lp0, \/dev\/ttyUSB0 or COM3/);
    await sell(w);
    expect(await w.as('shop1')('receipts.printer', {})).toMatchObject({ kind: 'port' });
  });

  it('opens a Windows COM port by its device name', () => {
    expect(devicePath('COM3')).toBe('\\\\.\\COM3');
    expect(devicePath(' com12 ')).toBe('\\\\.\\COM12');
    expect(devicePath('/dev/usb/lp0')).toBe('/dev/usb/lp0');
  });
});
