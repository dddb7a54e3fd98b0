// Release signing keys made for a test, shared by the desktop app's tests and head office's:
// a publisher's key pair, the keys file an app or head office trusts, and a release's signature
// as `npm run release:sign` makes it.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  publicKeyTextOf,
  sha512Base64,
  signStatement,
  STATEMENT_FORMAT,
  trustedKeys,
  type UpdateKeys,
} from '../update-signature';

/** A publisher's key pair, made for a test. */
export const releaseKey = () => generateKeyPairSync('ed25519');

/** build/update-keys.json as a test's app or head office trusts it. */
export const keysFile = (current: KeyObject | null, next: KeyObject | null = null): UpdateKeys => ({
  current: current && publicKeyTextOf(current),
  next: next && publicKeyTextOf(next),
});

/**
 * A publisher's current and next key pairs, and the keys trusted: the current key, and the next
 * one as well with `trustNext` (as during a key rotation).
 */
export function publisherKeys(options: { trustNext?: boolean } = {}) {
  const publisher = releaseKey();
  const next = releaseKey();
  const keys = trustedKeys(
    keysFile(publisher.publicKey, options.trustNext ? next.publicKey : null),
  );
  return { publisher, next, keys };
}

/** `<manifest>.sig` as `npm run release:sign` makes it, over the manifest and its installers. */
export function signRelease(
  privateKey: KeyObject,
  release: {
    manifestName: string;
    manifest: string;
    version: string;
    files: Record<string, Buffer>;
  },
): string {
  return signStatement(privateKey, {
    format: STATEMENT_FORMAT,
    version: release.version,
    manifest: { name: release.manifestName, sha512: sha512Base64(release.manifest) },
    files: Object.entries(release.files).map(([name, bytes]) => ({
      name,
      sha512: sha512Base64(bytes),
      size: bytes.length,
    })),
  });
}
