// The release signature's format and checks, with keys made here. The PC's whole check runs in
// electron/ops/update-verify.test.ts, head office's in sync-server/updates/feed.test.ts.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  keyIdOf,
  publicKeyTextOf,
  sha512Base64,
  signStatement,
  STATEMENT_FORMAT,
  trustedKeys,
  verifyManifestSignature,
  type Statement,
} from './update-signature';

const key = generateKeyPairSync('ed25519');
const keys = trustedKeys({ current: publicKeyTextOf(key.publicKey), next: null });
const manifest = Buffer.from('version: 1.0.0\nfiles:\n  - url: app-1.0.0.exe\n');
const statement: Statement = {
  format: STATEMENT_FORMAT,
  version: '1.0.0',
  manifest: { name: 'latest.yml', sha512: sha512Base64(manifest) },
  files: [{ name: 'app-1.0.0.exe', sha512: sha512Base64('exe'), size: 3 }],
};

describe('the release signature', () => {
  it('verifies what was signed, and names the key by its id', () => {
    const signed = signStatement(key.privateKey, statement);
    expect(JSON.parse(signed)).toMatchObject({ keyId: keyIdOf(key.publicKey) });
    expect(keyIdOf(key.privateKey)).toBe(keyIdOf(key.publicKey));
    expect(verifyManifestSignature(keys, 'latest.yml', manifest, signed)).toEqual({
      ok: true,
      statement,
    });
  });

  it('refuses a signature made for another manifest name or other bytes', () => {
    const signed = signStatement(key.privateKey, statement);
    const code = (name: string, bytes: Buffer) => {
      const v = verifyManifestSignature(keys, name, bytes, signed);
      return v.ok ? 'ok' : v.refusal.code;
    };
    expect(code('latest-linux.yml', manifest)).toBe('MANIFEST_CHANGED');
    expect(code('latest.yml', Buffer.concat([manifest, Buffer.from(' ')]))).toBe(
      'MANIFEST_CHANGED',
    );
  });

  it('refuses a validly signed text that is not an update statement', () => {
    const text = JSON.stringify({ ...statement, format: 'something else' });
    const forged = JSON.stringify({
      keyId: keyIdOf(key.publicKey),
      statement: text,
      signature: sign(null, Buffer.from(text), key.privateKey).toString('base64'),
    });
    const v = verifyManifestSignature(keys, 'latest.yml', manifest, forged);
    expect(v.ok ? 'ok' : v.refusal.code).toBe('SIGNATURE_MALFORMED');
  });

  it('signs only plain file names, and only with ed25519', () => {
    expect(() =>
      signStatement(key.privateKey, {
        ...statement,
        files: [{ name: 'https://evil.example/a.exe', sha512: sha512Base64('x'), size: 1 }],
      }),
    ).toThrow();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => signStatement(rsa.privateKey, statement)).toThrow(/ed25519/);
    expect(trustedKeys({ current: publicKeyTextOf(rsa.publicKey), next: 'not a key' }).size).toBe(
      0,
    );
  });
});
