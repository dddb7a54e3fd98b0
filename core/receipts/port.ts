// Receipt bytes to a printer on a USB or serial port, through the device file the operating
// system gives it: /dev/usb/lp0 (a USB receipt printer on Linux), /dev/ttyUSB0 or /dev/ttyS0 (a
// serial one, its speed set once with `stty -F /dev/ttyUSB0 9600`), or COM3 on Windows (its
// speed set with `mode COM3 BAUD=9600`; written as \\.\COM3). The same ESC/POS bytes as over the
// network (escpos.ts). Only the network is tested against a printer here (docs/PRINTERS.md);
// this writes the bytes to the path, and a printer that is unplugged fails the write.
import { open } from 'node:fs/promises';
import { DomainError } from '../errors';

const afterAdvice = 'the sale is recorded and the receipt can be printed again from the sales list';

/** Windows' COM ports as a path Node opens: COM3 → \\.\COM3; anything else unchanged. */
export const devicePath = (port: string): string =>
  /^COM\d+$/i.test(port.trim()) ? `\\\\.\\${port.trim().toUpperCase()}` : port.trim();

function why(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'is not there (is the printer plugged in and switched on?)';
    case 'EACCES':
    case 'EPERM':
      return 'may not be written by this user (on Linux, add the user to the lp or dialout group)';
    case 'EBUSY':
      return 'is in use by another program';
    default:
      return `could not be written (${error.code ?? error.message})`;
  }
}

/** Writes the bytes to the port; resolves once the operating system took them all. */
export async function printToPort(
  port: string,
  bytes: Uint8Array,
  options: { timeoutMs: number },
): Promise<void> {
  const path = devicePath(port);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DomainError(
            'UNAVAILABLE',
            `printer on ${port} did not take the receipt: check it is on and has paper; ${afterAdvice}`,
            { printer: port },
          ),
        ),
      options.timeoutMs,
    );
  });
  const write = (async () => {
    const file = await open(path, 'w');
    try {
      await file.write(bytes);
    } finally {
      await file.close();
    }
  })();
  try {
    await Promise.race([write, timeout]);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError(
      'UNAVAILABLE',
      `printer on ${port} ${why(error as NodeJS.ErrnoException)}: ${afterAdvice}`,
      { printer: port },
    );
  } finally {
    clearTimeout(timer);
  }
}
