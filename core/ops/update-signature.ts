// Signed releases. Head office serves app updates, but must not be able to make a PC run code the
// publisher did not sign: an admin account or the server itself could otherwise push anything to
// every PC. So each update manifest (latest.yml, latest-linux.yml…) comes with a detached
// ed25519 signature, `<manifest>.sig`, over a small statement: the manifest's own sha512 and the
// name, sha512 and size of every installer it names. The app checks it with the public keys it
// ships (build/update-keys.json: the current key and the next one, so a key can be rolled), and
// head office checks it too before it offers a manifest. Shared here by the desktop app
// (electron/ops), head office's feed (sync-server/updates) and the signing script.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { UpdateRefusalCode } from '../errors';

export const STATEMENT_FORMAT = 'factory-shop-erp update signature 1';

/** An installer or manifest name as the feed serves it: one plain name, no folder, no address. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
export const isPlainFileName = (name: string) => PLAIN_NAME.test(name) && !name.includes('..');

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const plainName = z.string().refine(isPlainFileName, 'must be a plain file name');
const sha512 = base64.length(88, 'must be a sha512 in base64');

/** A public key as build/update-keys.json holds it: the base64 body of its PEM (SPKI). */
const publicKeyText = base64.max(200);
export const updateKeysSchema = z.object({
  current: publicKeyText.nullable(),
  next: publicKeyText.nullable(),
});
export type UpdateKeys = z.infer<typeof updateKeysSchema>;

export const statementSchema = z.object({
  format: z.literal(STATEMENT_FORMAT),
  version: z.string().min(1).max(64),
  manifest: z.object({ name: plainName, sha512 }),
  files: z
    .array(z.object({ name: plainName, sha512, size: z.number().int().nonnegative() }))
    .min(1)
    .max(50),
});
export type Statement = z.infer<typeof statementSchema>;

/** `<manifest>.sig`: the statement exactly as signed, which key signed it, and the signature. */
export const signatureFileSchema = z.object({
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  statement: z
    .string()
    .min(1)
    .max(64 * 1024),
  signature: base64.max(200),
});

export const sha512Base64 = (bytes: Uint8Array | string) =>
  createHash('sha512').update(bytes).digest('base64');

/** The text build/update-keys.json holds for a key (private or public): its SPKI in base64. */
export const publicKeyTextOf = (key: KeyObject): string =>
  (key.type === 'private' ? createPublicKey(key) : key)
    .export({ type: 'spki', format: 'der' })
    .toString('base64');

/** A key's id: the start of the sha256 of its public key, so the .sig names which key signed. */
export const keyIdOf = (key: KeyObject): string =>
  createHash('sha256')
    .update(Buffer.from(publicKeyTextOf(key), 'base64'))
    .digest('hex')
    .slice(0, 16);

function ed25519PublicKey(text: string): KeyObject {
  const key = createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an ed25519 key');
  return key;
}

/** The keys an update may be signed with, by id. A key that does not parse is left out. */
export function trustedKeys(keys: UpdateKeys): Map<string, KeyObject> {
  const trusted = new Map<string, KeyObject>();
  for (const text of [keys.current, keys.next])
    if (text)
      try {
        const key = ed25519PublicKey(text);
        trusted.set(keyIdOf(key), key);
      } catch {
        // Left out: a release signed with it is refused, as it would be with no key at all.
      }
  return trusted;
}

/** The `<manifest>.sig` text for a statement, signed with an ed25519 private key. */
export function signStatement(privateKey: KeyObject, statement: Statement): string {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('The key must be ed25519.');
  const text = JSON.stringify(statementSchema.parse(statement));
  const signature = sign(null, Buffer.from(text), privateKey).toString('base64');
  return `${JSON.stringify({ keyId: keyIdOf(privateKey), statement: text, signature }, null, 2)}\n`;
}

export interface UpdateRefusal {
  /** Why (core/errors.ts's `updateRefusalCodes`). Each has words for the person and the admin. */
  code: UpdateRefusalCode;
  message: string;
}

export type Verified = { ok: true; statement: Statement } | { ok: false; refusal: UpdateRefusal };

const refused = (code: UpdateRefusalCode, message: string): Verified => ({
  ok: false,
  refusal: { code, message },
});

/**
 * Checks `<manifest>.sig` (null: there is none) against the manifest's bytes: signed by a trusted
 * key, over a statement naming this manifest with exactly these bytes, and naming only plain
 * file names (installers on the same feed, nowhere else).
 */
export function verifyManifestSignature(
  keys: Map<string, KeyObject>,
  manifestName: string,
  manifest: Uint8Array,
  signatureText: string | null,
): Verified {
  if (keys.size === 0)
    return refused('NO_TRUSTED_KEY', 'This build of the app trusts no update key.');
  if (signatureText === null)
    return refused('SIGNATURE_MISSING', `The update has no signature (${manifestName}.sig).`);
  let file: z.infer<typeof signatureFileSchema>;
  try {
    file = signatureFileSchema.parse(JSON.parse(signatureText));
  } catch {
    return refused('SIGNATURE_MALFORMED', `${manifestName}.sig is not an update signature.`);
  }
  const key = keys.get(file.keyId);
  if (!key)
    return refused(
      'UNKNOWN_KEY',
      `The update is signed with key ${file.keyId}, which this app does not trust.`,
    );
  if (!verify(null, Buffer.from(file.statement), key, Buffer.from(file.signature, 'base64')))
    return refused('SIGNATURE_INVALID', 'The update’s signature does not match: it was altered.');
  let statement: Statement;
  try {
    statement = statementSchema.parse(JSON.parse(file.statement));
  } catch {
    return refused('SIGNATURE_MALFORMED', `${manifestName}.sig signs no update statement.`);
  }
  if (
    statement.manifest.name !== manifestName ||
    statement.manifest.sha512 !== sha512Base64(manifest)
  )
    return refused(
      'MANIFEST_CHANGED',
      `${manifestName} is not the manifest the publisher signed: it was changed or swapped.`,
    );
  return { ok: true, statement };
}
