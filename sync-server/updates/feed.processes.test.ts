// One update feed for two head-office server processes on one store, as behind a load balancer
// without session affinity: on one real PostgreSQL database, and on one SQLite store file. Each
// process has its own data folder (so its own local copies of installers): what one took in, the
// other serves; what the admin set through one holds through the other; a sign-in ended through
// one is refused through the other. And a new manifest for a version already served replaces it,
// so downloads after the replacement pass their checksum.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signRelease } from '../../core/ops/testing/update-keys';
import { startServer } from '../main';
import { startTestPostgres, type TestPostgres } from '../store/testing/postgres';
import { http, PASSWORD, startWorld, type World } from '../testing/world';
import { installer, installerName, manifest, sha512, updaterAt } from './testing/node-updater';

// The publisher's key, trusted by head office (its keys file replaced).
const { publisher, keys } = await vi.hoisted(() =>
  import('../../core/ops/testing/update-keys').then((k) => k.publisherKeys()),
);
vi.mock('./keys', () => ({ shippedUpdateKeys: () => keys }));

interface Answer {
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}

async function upload(base: string, name: string, body: Buffer | string, token: string) {
  const response = await fetch(`${base}/updates/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Installer, signature, manifest through `base`, as the release workflow uploads them. */
async function publish(base: string, token: string, version: string, bytes = installer(version)) {
  const text = manifest(version, bytes);
  const signature = signRelease(publisher.privateKey, {
    manifestName: 'latest-linux.yml',
    manifest: text,
    version,
    files: { [installerName(version)]: bytes },
  });
  expect((await upload(base, installerName(version), bytes, token)).status).toBe(200);
  expect((await upload(base, 'latest-linux.yml.sig', signature, token)).status).toBe(200);
  const kept = await upload(base, 'latest-linux.yml', text, token);
  expect(kept.body).toEqual({ kind: 'manifest', channel: 'latest-linux', version });
}

const served = async (base: string) => {
  const r = await fetch(`${base}/updates/latest-linux.yml`);
  return { status: r.status, text: await r.text() };
};

/** electron-updater through `base`: the version it offers and the bytes it downloads and checks. */
async function download(base: string) {
  const check = await updaterAt(`${base}/updates`).checkForUpdates();
  const files = await check!.downloadPromise!;
  return { version: check!.updateInfo.version, bytes: readFileSync(files[0]!) };
}

const call = (base: string, name: string, input: unknown, token: string) =>
  http<Answer>(base, 'POST', `/api/${name}`, input, token);

describe.each(['sqlite', 'postgres'] as const)(
  'one update feed for two server processes on %s',
  (kind) => {
    let pg: TestPostgres | null = null;
    let w: World;
    let second: Awaited<ReturnType<typeof startServer>>;
    let A: string;
    let B: string;
    let databaseUrl: string | null;
    let firstDataDir: string;

    beforeAll(async () => {
      process.env['TEST_UPDATER_ARCH'] = 'x64';
      const dataDir = (firstDataDir = mkdtempSync(join(tmpdir(), 'fse-feed-a-')));
      databaseUrl =
        kind === 'postgres'
          ? await (pg = await startTestPostgres()).createDatabase('feed_two_processes')
          : null;
      w = await startWorld({ dataDir, databaseUrl });
      second = await startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir: mkdtempSync(join(tmpdir(), 'fse-feed-b-')),
          databaseUrl,
          // The SQLite store of the first process: one store file, two processes.
          ...(kind === 'sqlite' && { sqliteStoreDir: join(dataDir, 'store') }),
        },
        () => undefined,
      );
      A = w.base;
      B = second.url;
    }, 180_000);
    afterAll(async () => {
      await second?.close();
      await w?.close();
      await pg?.stop();
    });

    it('serves through B what was uploaded through A; electron-updater downloads it and its sha512 checks out', async () => {
      const bytes = installer('2.0.0');
      await publish(A, w.adminToken, '2.0.0', bytes);
      expect((await served(B)).text).toMatch(/^version: 2\.0\.0$/m);
      expect(await (await fetch(`${B}/updates/latest-linux.yml.sig`)).text()).toContain('"keyId"');
      // B has no copy of its own yet: it takes the installer from the store.
      const got = await download(B);
      expect(got.version).toBe('2.0.0');
      expect(got.bytes.equals(bytes)).toBe(true);
      const status = await call(B, 'updates.status', {}, w.adminToken);
      expect(status.body.result).toMatchObject({
        channels: [{ channel: 'latest-linux', versions: ['2.0.0'], served: '2.0.0' }],
      });
    });

    it('holds a version back and turns updates off through A, and B serves accordingly', async () => {
      await publish(B, w.adminToken, '2.1.0');
      expect((await served(A)).text).toMatch(/^version: 2\.1\.0$/m);
      await w.admin('updates.configure', { heldBack: ['2.1.0'] });
      expect((await served(B)).text).toMatch(/^version: 2\.0\.0$/m);
      expect((await download(B)).version).toBe('2.0.0');
      await w.admin('updates.configure', { enabled: false });
      expect(await served(B)).toEqual({ status: 204, text: '' });
      const seen = await call(B, 'updates.status', {}, w.adminToken);
      expect(seen.body.result).toMatchObject({ enabled: false, heldBack: ['2.1.0'] });
      // And back, through B: A serves the newest again.
      expect(
        (await call(B, 'updates.configure', { enabled: true, heldBack: [] }, w.adminToken)).status,
      ).toBe(200);
      expect((await served(A)).text).toMatch(/^version: 2\.1\.0$/m);
    });

    it('replaces the manifest of a version already served: downloads before, during and after pass their checksum', async () => {
      const first = installer('2.2.0');
      await publish(A, w.adminToken, '2.2.0', first);
      expect((await download(B)).bytes.equals(first)).toBe(true);
      // The same version rebuilt: a new installer under the same name, then its own signature
      // and manifest, through the other process.
      const rebuilt = Buffer.concat([first, Buffer.from('rebuilt')]);
      expect((await upload(B, installerName('2.2.0'), rebuilt, w.adminToken)).status).toBe(200);
      // Until its manifest comes, the served manifest's installer is the one downloaded.
      expect((await download(A)).bytes.equals(first)).toBe(true);
      await publish(B, w.adminToken, '2.2.0', rebuilt);
      for (const base of [A, B]) {
        expect((await served(base)).text).toContain(sha512(rebuilt));
        const got = await download(base);
        expect(got.version).toBe('2.2.0');
        expect(got.bytes.equals(rebuilt)).toBe(true);
      }
      const status = await call(A, 'updates.status', {}, w.adminToken);
      expect(status.body.result).toMatchObject({
        channels: [{ channel: 'latest-linux', versions: ['2.0.0', '2.1.0', '2.2.0'] }],
      });
    });

    it('takes in the feed an earlier server kept in its own folder, for every process', async () => {
      // The layout before the feed moved to the store: installers in <data>/updates/, each kept
      // manifest under manifests/<channel>/<version>.yml with its signature beside it.
      const dataDir = mkdtempSync(join(tmpdir(), 'fse-feed-c-'));
      const folder = join(dataDir, 'updates');
      const bytes = installer('2.3.0');
      const text = manifest('2.3.0', bytes);
      mkdirSync(join(folder, 'manifests', 'latest-linux'), { recursive: true });
      writeFileSync(join(folder, installerName('2.3.0')), bytes);
      writeFileSync(join(folder, 'manifests', 'latest-linux', '2.3.0.yml'), text);
      writeFileSync(
        join(folder, 'manifests', 'latest-linux', '2.3.0.yml.sig'),
        signRelease(publisher.privateKey, {
          manifestName: 'latest-linux.yml',
          manifest: text,
          version: '2.3.0',
          files: { [installerName('2.3.0')]: bytes },
        }),
      );
      const third = await startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir,
          databaseUrl,
          ...(kind === 'sqlite' && { sqliteStoreDir: join(firstDataDir, 'store') }),
        },
        () => undefined,
      );
      try {
        expect((await served(third.url)).text).toMatch(/^version: 2\.3\.0$/m);
        const got = await download(A);
        expect(got.version).toBe('2.3.0');
        expect(got.bytes.equals(bytes)).toBe(true);
      } finally {
        await third.close();
      }
    });

    it('refuses an upload through B with a sign-in signed out through A', async () => {
      const login = await call(A, 'auth.login', { username: 'admin', password: PASSWORD }, '');
      const token = String(login.body.result!['token']);
      // Used through B first, so B holds its own copy of the sign-in.
      expect((await upload(B, 'notes.txt', 'one', token)).status).toBe(200);
      expect((await call(A, 'auth.logout', {}, token)).status).toBe(200);
      const refused = await upload(B, 'notes.txt', 'two', token);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(String(refused.body['message'])).toMatch(/signed out.*upload updates/i);
    });

    it('refuses an upload through B with a sign-in opened before a password change through A', async () => {
      const before = String(
        (await call(B, 'auth.login', { username: 'admin', password: PASSWORD }, '')).body.result![
          'token'
        ],
      );
      expect((await upload(B, 'notes.txt', 'three', before)).status).toBe(200);
      const changed = await call(
        A,
        'auth.changePassword',
        { currentPassword: PASSWORD, newPassword: `${PASSWORD}-2` },
        w.adminToken,
      );
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      for (const base of [A, B]) {
        const refused = await upload(base, 'notes.txt', 'four', before);
        expect(refused.status, base).toBe(401);
        expect(String(refused.body['message'])).toMatch(/upload updates/);
      }
      // The sign-in the change opened uploads through either.
      const after = String(changed.body.result!['token']);
      expect((await upload(B, 'notes.txt', 'five', after)).status).toBe(200);
    });
  },
);
