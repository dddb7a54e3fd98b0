/* eslint-disable @typescript-eslint/no-restricted-imports --
   The release fixtures are the ones head office's feed tests use (sync-server/updates/testing). */
// `npm run release:sign` on a release folder made here, with keys made here: what it signs is
// what the app's check accepts, and it refuses to sign what the app would refuse.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keysFile, releaseKey } from '../../core/ops/testing/update-keys';
import { trustedKeys, verifyManifestSignature } from '../../core/ops/update-signature';
import { installer, installerName, manifest } from '../../sync-server/updates/testing/node-updater';
import { manifestsIn, signRelease, verifyRelease } from './release-sign';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function releaseDir(version = '0.2.0') {
  const dir = mkdtempSync(join(tmpdir(), 'fse-release-'));
  const bytes = installer(version);
  writeFileSync(join(dir, installerName(version)), bytes);
  writeFileSync(join(dir, 'latest-linux.yml'), manifest(version, bytes));
  // electron-builder leaves this beside the manifests; it is not one.
  writeFileSync(join(dir, 'builder-debug.yml'), 'x64:\n  firstOrDefaultFilePatterns: []\n');
  return dir;
}

const key = releaseKey();

describe('signing a release', () => {
  it('signs each manifest so that the app’s check accepts it', () => {
    const dir = releaseDir();
    expect(manifestsIn(dir)).toEqual(['latest-linux.yml']);
    expect(signRelease(dir, key.privateKey, keysFile(null, key.publicKey))).toEqual([
      'latest-linux.yml.sig',
    ]);
    const checked = verifyManifestSignature(
      trustedKeys(keysFile(key.publicKey)),
      'latest-linux.yml',
      readFileSync(join(dir, 'latest-linux.yml')),
      readFileSync(join(dir, 'latest-linux.yml.sig'), 'utf8'),
    );
    expect(checked).toMatchObject({
      ok: true,
      statement: {
        version: '0.2.0',
        files: [{ name: installerName('0.2.0'), size: installer('0.2.0').length }],
      },
    });
    expect(verifyRelease(dir, keysFile(key.publicKey))).toEqual([]);
  });

  it('refuses a key the apps do not trust, an installer that is not the manifest’s, a file elsewhere', () => {
    const other = releaseKey();
    expect(() => signRelease(releaseDir(), other.privateKey, keysFile(key.publicKey))).toThrow(
      /neither the current nor the next key/,
    );
    const changed = releaseDir();
    writeFileSync(join(changed, installerName('0.2.0')), installer('0.2.1'));
    expect(() => signRelease(changed, key.privateKey, keysFile(key.publicKey))).toThrow(
      /sha512 differs/,
    );
    const elsewhere = releaseDir();
    const text = readFileSync(join(elsewhere, 'latest-linux.yml'), 'utf8');
    writeFileSync(
      join(elsewhere, 'latest-linux.yml'),
      text.replace(/url: (\S+)/, 'url: https://evil.example/$1'),
    );
    expect(() => signRelease(elsewhere, key.privateKey, keysFile(key.publicKey))).toThrow(
      /only files beside it/,
    );
    expect(() =>
      signRelease(
        releaseDir(),
        generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
        keysFile(key.publicKey),
      ),
    ).toThrow(/ed25519/);
  });

  it('works from the command line: keygen, sign with the key file, verify, and catch a change', () => {
    const dir = releaseDir();
    const keyFile = join(dir, 'publisher.pem');
    const run = (...args: string[]) =>
      spawnSync('npx', ['tsx', 'electron/ops/release-sign.ts', ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, FSE_UPDATE_SIGNING_KEY: '' },
      });
    const made = run('keygen', keyFile);
    expect(made.status, made.stderr).toBe(0);
    const publicKey = /public key for build\/update-keys.json:\n(\S+)/.exec(made.stdout)![1]!;
    expect(run('keygen', keyFile).status).toBe(1); // never overwrites a key
    const keys = join(dir, 'keys.json');
    writeFileSync(keys, JSON.stringify({ current: publicKey, next: null }));

    const signed = run('sign', '--dir', dir, '--key', keyFile, '--keys', keys);
    expect(signed.status, signed.stderr).toBe(0);
    expect(signed.stdout).toContain('latest-linux.yml.sig');
    expect(run('sign', '--verify', '--dir', dir, '--keys', keys).status).toBe(0);
    writeFileSync(join(dir, installerName('0.2.0')), installer('0.2.1'));
    const caught = run('sign', '--verify', '--dir', dir, '--keys', keys);
    expect(caught.status).toBe(1);
    expect(caught.stderr).toContain('not the installer that was signed');
    const keyless = run('sign', '--dir', dir, '--keys', keys);
    expect(keyless.status).toBe(1);
    expect(keyless.stderr).toContain('FSE_UPDATE_SIGNING_KEY');
  }, 60_000);

  it('ships a keys file the build accepts', () => {
    expect(() =>
      JSON.parse(readFileSync(join(root, 'build/update-keys.json'), 'utf8')),
    ).not.toThrow();
  });
});
