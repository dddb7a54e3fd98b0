// Receipt bytes to a network receipt printer: a raw TCP connection to its port 9100 (what Epson,
// Star and the unbranded printers all listen on). A printer that is off, unplugged or out of
// paper must not cost the sale: the sale is already recorded when this runs, so every failure
// becomes one DomainError that tells the clerk what to check and that the receipt can be
// printed again from the sales list. (A printer that runs out of paper part-way through a
// receipt small enough for its buffer has taken the bytes and reports nothing on this port;
// the clerk sees the short receipt and reprints it.)
import { connect, type Socket } from 'node:net';
import { DomainError } from '../errors';

export interface TcpOptions {
  /** How long the printer may stay silent (connecting, or taking the bytes) before giving up. */
  timeoutMs: number;
}

const afterAdvice = 'the sale is recorded and the receipt can be printed again from the sales list';
const advice = `check it is on, connected and has paper; ${afterAdvice}`;

function why(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'refused the connection';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'closed the connection before the receipt was sent';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'could not be found on the network';
    default:
      return `could not be reached (${error.code ?? error.message})`;
  }
}

/**
 * Sends the bytes and resolves once they have all been handed to the network; the printer
 * reports nothing back on this port, so "printed" is as much as can be known.
 */
export function printOverTcp(
  host: string,
  port: number,
  bytes: Uint8Array,
  options: TcpOptions,
): Promise<void> {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    let socket: Socket;
    try {
      socket = connect({ host, port });
    } catch (error) {
      // A port out of range or a host that is no address: the printer's settings are wrong.
      const message = error instanceof Error ? error.message : String(error);
      reject(
        new DomainError(
          'UNAVAILABLE',
          `printer at ${address} could not be reached (${message}): check the printer's address in the settings; ${afterAdvice}`,
          { printer: address },
        ),
      );
      return;
    }
    const fail = (what: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(
        new DomainError('UNAVAILABLE', `printer at ${address} ${what}: ${advice}`, {
          printer: address,
        }),
      );
    };
    socket.setTimeout(options.timeoutMs, () => {
      // After the bytes are out, a printer that keeps the connection open is let go of.
      if (settled) socket.destroy();
      else fail('did not answer');
    });
    socket.on('error', (error) => fail(why(error)));
    socket.on('close', () => fail('closed the connection before the receipt was sent'));
    // Some printers answer status bytes; reading them lets the printer's own close be seen.
    socket.resume();
    socket.once('connect', () => {
      socket.end(bytes, () => {
        if (settled) return;
        settled = true;
        resolve();
        // The printer closes its side when it has read everything; closing ours now could
        // reset the connection before the last bytes arrive. Nothing waits on it meanwhile.
        socket.unref();
      });
    });
  });
}
