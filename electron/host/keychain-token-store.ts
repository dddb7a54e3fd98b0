// The device token in the desktop app: sealed by the OS keychain (Electron's safeStorage), which
// only the main process can reach. The core's utility process asks it over the message port, so
// this store is asynchronous where the TokenStore interface allows, and keeps the token in memory
// between. The keychain refusing means the token is not stored; it is never written in plain.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../core/errors';
import type { SealOp } from './protocol';
import { EncryptedTokenStore, keyFileCipher, type TokenStore } from './token-store';

/** Asks the main process's keychain; rejects with a DomainError saying what to do. */
export interface Sealer {
  request(op: SealOp, value: string): Promise<string>;
}

export const KEYCHAIN_TOKEN_FILE = 'device-token.keychain';

type Log = (entry: Record<string, unknown>) => void;

export class KeychainTokenStore implements TokenStore {
  private constructor(
    private readonly file: string,
    private readonly sealer: Sealer,
    private token: string | null,
  ) {}

  static async open(dataDir: string, sealer: Sealer, log: Log): Promise<KeychainTokenStore> {
    const file = join(dataDir, KEYCHAIN_TOKEN_FILE);
    if (existsSync(file)) {
      let token: string | null = null;
      try {
        token = await sealer.request('decrypt', readFileSync(file).toString('base64'));
      } catch (error) {
        log({
          level: 'error',
          msg: 'the device token could not be read; sync stays off',
          error: message(error),
        });
      }
      return new KeychainTokenStore(file, sealer, token);
    }
    // A PC that ran in web mode first has its token under web mode's key file: move it into
    // the keychain (web mode keeps its own copy, which it needs to run again).
    const store = new KeychainTokenStore(file, sealer, webModeToken(dataDir, log));
    const token = store.token;
    if (token)
      await store.save(token).catch((error: unknown) =>
        log({
          level: 'warn',
          msg: 'the web-mode device token was not moved into the keychain',
          error: message(error),
        }),
      );
    return store;
  }

  load(): string | null {
    return this.token;
  }

  async checkCanSave(): Promise<void> {
    await this.sealer.request('check', '');
  }

  async save(token: string): Promise<void> {
    const sealed = Buffer.from(await this.sealer.request('encrypt', token), 'base64');
    if (sealed.length === 0)
      throw new DomainError(
        'INVALID_STATE',
        'The keychain gave back nothing; the token was not stored.',
      );
    writeFileSync(this.file, sealed, { mode: 0o600 });
    this.token = token;
  }

  clear(): void {
    rmSync(this.file, { force: true });
    this.token = null;
  }
}

function webModeToken(dataDir: string, log: Log): string | null {
  if (!existsSync(join(dataDir, 'device-token.bin')) || !existsSync(join(dataDir, 'web-mode.key')))
    return null;
  try {
    return new EncryptedTokenStore(dataDir, keyFileCipher(dataDir)).load();
  } catch (error) {
    log({
      level: 'warn',
      msg: 'the web-mode device token could not be read',
      error: message(error),
    });
    return null;
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
