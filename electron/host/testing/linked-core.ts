// The main process's CoreClient and the utility process's serveCore, joined in one process: a
// stand-in for Electron's UtilityProcess that copies every message (structured clone), as the
// real port does, and runs a real DesktopHost on a temp folder.
import { EventEmitter } from 'node:events';
import type { SafeStorageLike, UtilityProcessLike } from '../../main/core-client';
import { DesktopHost } from '../desktop-host';
import type { ToCore } from '../protocol';
import { serveCore, type CoreHost } from '../service';
import type { TokenStore } from '../token-store';

export class LinkedCore extends EventEmitter implements UtilityProcessLike {
  tokens: TokenStore | null = null;
  readonly ready: Promise<CoreHost | null>;
  private alive = true;
  private readonly toCore: ((event: { data: unknown }) => void)[] = [];

  constructor(dataDir: string, openHost?: (tokens: TokenStore) => CoreHost) {
    super();
    const served = serveCore({
      dataDir,
      port: {
        postMessage: (message) => {
          const copy = structuredClone(message);
          setImmediate(() => this.alive && this.emit('message', copy));
        },
        on: (_event, listener) => this.toCore.push(listener),
      },
      openHost: (tokens) => {
        this.tokens = tokens;
        return (
          openHost?.(tokens) ??
          new DesktopHost({ dataDir, appVersion: 'test', tokens, syncIntervalMs: 0 })
        );
      },
      exit: (code) => this.die(code),
    });
    this.ready = served.ready;
  }

  postMessage(message: ToCore): void {
    const copy = structuredClone(message);
    setImmediate(() => {
      for (const listener of this.toCore) listener({ data: copy });
    });
  }

  kill(): boolean {
    void this.ready.then((host) => host?.close());
    this.die(143);
    return true;
  }

  private die(code: number): void {
    if (!this.alive) return;
    this.alive = false;
    setImmediate(() => this.emit('exit', code));
  }
}

/** A keychain that "encrypts" by XOR, so tests can see the token is not on disk as text. */
export function fakeKeychain(
  available = true,
  backend?: string,
): SafeStorageLike & { used: number } {
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  const keychain = {
    used: 0,
    isEncryptionAvailable: () => available,
    encryptString: (plain: string) => {
      keychain.used++;
      return flip(Buffer.from(`sealed:${plain}`));
    },
    decryptString: (sealed: Buffer) => {
      keychain.used++;
      return flip(sealed)
        .toString('utf8')
        .replace(/^sealed:/, '');
    },
    ...(backend !== undefined && { getSelectedStorageBackend: () => backend }),
  };
  return keychain;
}
