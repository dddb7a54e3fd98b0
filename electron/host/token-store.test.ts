import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreClient } from '../main/core-client';
import { KEYCHAIN_TOKEN_FILE } from './keychain-token-store';
import { fakeKeychain, LinkedCore } from './testing/linked-core';
import { EncryptedTokenStore, keyFileCipher } from './token-store';

const TOKEN = 'dev_7Qm2-very-secret-device-token';
const temp = () => mkdtempSync(join(tmpdir(), 'fse-tokens-'));
const posix = process.platform !== 'win32';

describe('the web-mode token store (key file)', () => {
  it('keeps the token encrypted on disk and reads it back, also in a later run', () => {
    const dir = temp();
    new EncryptedTokenStore(dir, keyFileCipher(dir)).save(TOKEN);
    const bytes = readFileSync(join(dir, 'device-token.bin'));
    expect(bytes.toString('latin1')).not.toContain(TOKEN);
    expect(bytes.toString('latin1')).not.toContain(Buffer.from(TOKEN).toString('base64'));
    expect(new EncryptedTokenStore(dir, keyFileCipher(dir)).load()).toBe(TOKEN);
  });

  it.runIf(posix)('makes the key file and the token file readable by this user only', () => {
    const dir = temp();
    new EncryptedTokenStore(dir, keyFileCipher(dir)).save(TOKEN);
    expect(statSync(join(dir, 'web-mode.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'device-token.bin')).mode & 0o777).toBe(0o600);
  });

  it.runIf(posix)('tightens a key file another program loosened', async () => {
    const dir = temp();
    keyFileCipher(dir);
    const { chmodSync } = await import('node:fs');
    chmodSync(join(dir, 'web-mode.key'), 0o644);
    keyFileCipher(dir);
    expect(statSync(join(dir, 'web-mode.key')).mode & 0o777).toBe(0o600);
  });

  it('refuses a token file that was tampered with, and one sealed with another key', () => {
    const dir = temp();
    const store = new EncryptedTokenStore(dir, keyFileCipher(dir));
    store.save(TOKEN);
    const file = join(dir, 'device-token.bin');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(file, bytes);
    expect(() => store.load()).toThrow();
    const other = temp();
    writeFileSync(join(other, 'device-token.bin'), readFileSync(file));
    expect(() => new EncryptedTokenStore(other, keyFileCipher(other)).load()).toThrow();
  });

  it('forgets the token on clear', () => {
    const dir = temp();
    const store = new EncryptedTokenStore(dir, keyFileCipher(dir));
    store.save(TOKEN);
    store.clear();
    expect(store.load()).toBeNull();
  });
});

describe('the desktop token store (the keychain, through the main process)', () => {
  const clients: CoreClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  async function openCore(dir: string, keychain = fakeKeychain()) {
    let core: LinkedCore | null = null;
    const client = new CoreClient({
      fork: () => (core = new LinkedCore(dir)),
      safeStorage: keychain,
    });
    clients.push(client);
    client.start();
    await core!.ready;
    return { client, tokens: core!.tokens! };
  }

  it('stores the token sealed by the keychain, never as text, and reads it back after a restart', async () => {
    const dir = temp();
    const keychain = fakeKeychain();
    const first = await openCore(dir, keychain);
    await first.tokens.save(TOKEN);
    expect(first.tokens.load()).toBe(TOKEN);
    const bytes = readFileSync(join(dir, KEYCHAIN_TOKEN_FILE));
    expect(bytes.toString('latin1')).not.toContain(TOKEN);
    if (posix) expect(statSync(join(dir, KEYCHAIN_TOKEN_FILE)).mode & 0o777).toBe(0o600);
    await first.client.close();

    const second = await openCore(dir, keychain);
    expect(second.tokens.load()).toBe(TOKEN);
  });

  it('does not store the token at all when the keychain is unavailable, and says why', async () => {
    const dir = temp();
    const { tokens } = await openCore(dir, fakeKeychain(false));
    await expect(Promise.resolve(tokens.save(TOKEN))).rejects.toThrow(
      /secure storage .* not available.*was not stored/,
    );
    expect(existsSync(join(dir, KEYCHAIN_TOKEN_FILE))).toBe(false);
    expect(tokens.load()).toBeNull();
  });

  it('moves a token from web mode into the keychain the first time the desktop app runs', async () => {
    const dir = temp();
    new EncryptedTokenStore(dir, keyFileCipher(dir)).save(TOKEN);
    const { tokens } = await openCore(dir);
    expect(tokens.load()).toBe(TOKEN);
    expect(existsSync(join(dir, KEYCHAIN_TOKEN_FILE))).toBe(true);
  });

  it('starts unenrolled, and says so in the log, when the keychain cannot read the token', async () => {
    const dir = temp();
    const first = await openCore(dir);
    await first.tokens.save(TOKEN);
    await first.client.close();
    const { tokens } = await openCore(dir, fakeKeychain(false));
    expect(tokens.load()).toBeNull();
    expect(existsSync(join(dir, KEYCHAIN_TOKEN_FILE))).toBe(true);
  });
});
