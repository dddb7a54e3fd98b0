// The device token: what lets this PC sync. Kept encrypted: with Electron's safeStorage (the
// OS keychain / DPAPI) in the desktop app; in web mode, where there is no Electron, with a
// key file readable only by this user, beside the data (weaker, and said so in the README).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Cipher {
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export interface TokenStore {
  load(): string | null;
  /** May finish later: in the desktop app the keychain lives in another process. */
  save(token: string): void | Promise<void>;
  clear(): void;
  /** Throws (with what to do) when a token could not be stored now, before a code is spent on it. */
  checkCanSave?(): void | Promise<void>;
}

export class EncryptedTokenStore implements TokenStore {
  private readonly file: string;
  constructor(
    dataDir: string,
    private readonly cipher: Cipher,
  ) {
    this.file = join(dataDir, 'device-token.bin');
  }
  load(): string | null {
    return existsSync(this.file) ? this.cipher.decrypt(readFileSync(this.file)) : null;
  }
  save(token: string): void {
    writeFileSync(this.file, this.cipher.encrypt(token), { mode: 0o600 });
  }
  clear(): void {
    rmSync(this.file, { force: true });
  }
}

/** AES-256-GCM with a per-install key file (mode 0600), for web mode only. */
export function keyFileCipher(dataDir: string): Cipher {
  const keyFile = join(dataDir, 'web-mode.key');
  if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  const key = readFileSync(keyFile);
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}
