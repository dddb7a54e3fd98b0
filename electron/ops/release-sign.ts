// `npm run release:sign`: signs a built release for the apps' update check (docs/RELEASES.md).
// For each update manifest in the folder (latest.yml, latest-linux.yml…), it checks that every
// installer the manifest names is there with the sha512 and size the manifest gives, then writes
// `<manifest>.sig` (core/ops/update-signature.ts) with the publisher's ed25519 key, and checks
// the result as the app will: with the keys in build/update-keys.json. A key the apps do not
// trust is refused here, not discovered on every PC later.
//
//   npm run release:keygen -- <new-private-key.pem>      make a key pair
//   npm run release:sign [-- --dir release] [--key file]  sign (key: FSE_UPDATE_SIGNING_KEY or file)
//   npm run release:sign -- --verify [--dir release]      check the signatures already made
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  isPlainFileName,
  keyIdOf,
  publicKeyTextOf,
  sha512Base64,
  signStatement,
  STATEMENT_FORMAT,
  trustedKeys,
  updateKeysSchema,
  verifyManifestSignature,
  type UpdateKeys,
} from '../../core/ops/update-signature';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const KEYS_FILE = join(root, 'build/update-keys.json');

// electron-updater's own YAML reader (a dependency of it; js-yaml ships no types).
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

/** What electron-builder writes into a manifest, as far as signing needs it. */
const manifestSchema = z.object({
  version: z.string().min(1),
  files: z.array(
    z.object({ url: z.string(), sha512: z.string(), size: z.number().int().optional() }),
  ),
  path: z.string().optional(),
  sha512: z.string().optional(),
});

/** The update manifests of a release folder: YAML files with a version and files. */
export function manifestsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^[a-z][a-z0-9-]*\.yml$/.test(name))
    .filter((name) => {
      try {
        return manifestSchema.safeParse(load(readFileSync(join(dir, name), 'utf8'))).success;
      } catch {
        return false;
      }
    })
    .sort();
}

export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}

export const readKeys = (file = KEYS_FILE): UpdateKeys =>
  updateKeysSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

/** Signs every manifest in `dir`; returns the signature files written. */
export function signRelease(dir: string, privateKey: KeyObject, keys: UpdateKeys): string[] {
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new ReleaseError('The signing key must be an ed25519 private key.');
  const trusted = trustedKeys(keys);
  const id = keyIdOf(privateKey);
  if (!trusted.has(id))
    throw new ReleaseError(
      `Key ${id} is neither the current nor the next key in build/update-keys.json: the apps ` +
        `would refuse this release. Its public key is ${publicKeyTextOf(privateKey)}.`,
    );
  const manifests = manifestsIn(dir);
  if (manifests.length === 0) throw new ReleaseError(`No update manifest (latest*.yml) in ${dir}.`);
  const written: string[] = [];
  for (const name of manifests) {
    const bytes = readFileSync(join(dir, name));
    const manifest = manifestSchema.parse(load(bytes.toString('utf8')));
    const named = new Map<string, string | undefined>();
    for (const f of manifest.files) named.set(f.url, f.sha512);
    if (manifest.path && !named.has(manifest.path)) named.set(manifest.path, manifest.sha512);
    const files = [...named].map(([file, expected]) => {
      if (!isPlainFileName(file))
        throw new ReleaseError(`${name} names ${file}: only files beside it may be named.`);
      const path = join(dir, file);
      if (!existsSync(path))
        throw new ReleaseError(`${name} names ${file}, which is not in ${dir}.`);
      const content = readFileSync(path);
      const sha512 = sha512Base64(content);
      if (expected !== undefined && expected !== sha512)
        throw new ReleaseError(`${file} is not the file ${name} was written for (sha512 differs).`);
      return { name: file, sha512, size: statSync(path).size };
    });
    const signature = signStatement(privateKey, {
      format: STATEMENT_FORMAT,
      version: manifest.version,
      manifest: { name, sha512: sha512Base64(bytes) },
      files,
    });
    const checked = verifyManifestSignature(trusted, name, bytes, signature);
    if (!checked.ok) throw new ReleaseError(`${name}: ${checked.refusal.message}`);
    writeFileSync(join(dir, `${name}.sig`), signature);
    written.push(`${name}.sig`);
  }
  return written;
}

/** Checks the signatures in `dir` as the apps will; the problems found, none when all is well. */
export function verifyRelease(dir: string, keys: UpdateKeys): string[] {
  const trusted = trustedKeys(keys);
  const problems: string[] = [];
  for (const name of manifestsIn(dir)) {
    const sig = join(dir, `${name}.sig`);
    const checked = verifyManifestSignature(
      trusted,
      name,
      readFileSync(join(dir, name)),
      existsSync(sig) ? readFileSync(sig, 'utf8') : null,
    );
    if (!checked.ok) problems.push(`${name}: ${checked.refusal.message}`);
    else
      for (const f of checked.statement.files) {
        const path = join(dir, f.name);
        if (!existsSync(path) || sha512Base64(readFileSync(path)) !== f.sha512)
          problems.push(`${f.name}: not the installer that was signed.`);
      }
  }
  return problems;
}

/** A new key pair: the private key written (owner-only), the public key text returned. */
export function makeKey(privateKeyFile: string): { keyId: string; publicKey: string } {
  if (existsSync(privateKeyFile)) throw new ReleaseError(`${privateKeyFile} exists: not replaced.`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  return { keyId: keyIdOf(publicKey), publicKey: publicKeyTextOf(publicKey) };
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: 'release' },
      key: { type: 'string' },
      keys: { type: 'string', default: KEYS_FILE },
      verify: { type: 'boolean', default: false },
    },
  });
  const [command, target] = positionals;
  if (command === 'keygen') {
    if (!target) throw new ReleaseError('Name the file for the new private key.');
    const made = makeKey(target);
    console.log(`Private key written to ${target}. Keep it secret and backed up.`);
    console.log(`Key id ${made.keyId}; public key for build/update-keys.json:\n${made.publicKey}`);
    return 0;
  }
  if (command !== 'sign') throw new ReleaseError('Use: release-sign.ts keygen <file> | sign');
  const keys = readKeys(values.keys);
  if (values.verify) {
    const problems = verifyRelease(values.dir, keys);
    for (const p of problems) console.error(p);
    if (problems.length === 0) console.log(`Every manifest in ${values.dir} is signed correctly.`);
    return problems.length === 0 ? 0 : 1;
  }
  const pem = values.key ? readFileSync(values.key, 'utf8') : process.env['FSE_UPDATE_SIGNING_KEY'];
  if (!pem)
    throw new ReleaseError(
      'No signing key: set FSE_UPDATE_SIGNING_KEY (PEM) or pass --key <file>.',
    );
  for (const file of signRelease(values.dir, createPrivateKey(pem), keys))
    console.log(`signed: ${join(values.dir, file)}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
