// The update feed against electron-updater itself: its generic provider reads the manifest head
// office serves, downloads the installer it names and checks its sha512, exactly as the desktop
// app does. Only the Electron parts are replaced: the app adapter (version, paths) and the HTTP
// request (Node's http instead of Electron's net, under electron-updater's own executor).
// Head office trusts a publisher key made here (./keys.ts is replaced): it offers a manifest only
// with that publisher's signature.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { UpdateDownloadedEvent } from 'electron-updater';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { releaseKey, signRelease } from '../../core/ops/testing/update-keys';
import { http, PASSWORD, startWorld, type World } from '../testing/world';
import { installer, installerName, manifest, sha512, updaterAt } from './testing/node-updater';

// The publisher's key, trusted by head office (its keys file replaced).
const { publisher, keys } = await vi.hoisted(() =>
  import('../../core/ops/testing/update-keys').then((k) => k.publisherKeys()),
);
vi.mock('./keys', () => ({ shippedUpdateKeys: () => keys }));

let w: World;
const logs: Record<string, unknown>[] = [];
let feedUrl: string;
let financeToken: string;

async function upload(name: string, body: Buffer | string, token: string | null = w.adminToken) {
  const response = await fetch(`${feedUrl}/${name}`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/octet-stream',
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The publisher's signature over a manifest and the installer it was made for. */
const signatureOf = (
  version: string,
  text: string,
  bytes: Buffer,
  key = publisher.privateKey,
  manifestName = 'latest-linux.yml',
) =>
  signRelease(key, {
    manifestName,
    manifest: text,
    version,
    files: { [installerName(version)]: bytes },
  });

/** Installer, then signature, then manifest, as the release workflow uploads them. */
async function publish(version: string, bytes = installer(version), manifestBytes = bytes) {
  const text = manifest(version, manifestBytes);
  expect((await upload(installerName(version), bytes)).status).toBe(200);
  expect((await upload('latest-linux.yml.sig', signatureOf(version, text, bytes))).status).toBe(
    200,
  );
  expect((await upload('latest-linux.yml', text)).body).toEqual({
    kind: 'manifest',
    channel: 'latest-linux',
    version,
  });
}

beforeAll(async () => {
  // The manifest's name depends on the CPU (latest-linux-arm64.yml…): fixed to x64 here.
  process.env['TEST_UPDATER_ARCH'] = 'x64';
  w = await startWorld({}, (entry) => logs.push(entry));
  feedUrl = `${w.base}/updates`;
  const login = await http<{ result: { token: string } }>(w.base, 'POST', '/api/auth.login', {
    username: 'finance',
    password: PASSWORD,
  });
  financeToken = login.body.result.token;
});
afterAll(async () => {
  await w?.close();
});
beforeEach(async () => {
  await w.admin('updates.configure', { enabled: true, heldBack: [] });
});

describe('the update feed', () => {
  it('serves a manifest electron-updater accepts; the app downloads the installer and its sha512 checks out', async () => {
    const good = installer('0.2.0');
    await publish('0.2.0', good);

    const updater = updaterAt(feedUrl);
    const downloaded: UpdateDownloadedEvent[] = [];
    updater.on('update-downloaded', (e: UpdateDownloadedEvent) => downloaded.push(e));
    const check = await updater.checkForUpdates();
    expect(check?.isUpdateAvailable).toBe(true);
    expect(check?.updateInfo).toMatchObject({
      version: '0.2.0',
      files: [{ url: installerName('0.2.0'), sha512: sha512(good), size: good.length }],
    });
    const files = await check!.downloadPromise!;
    expect(downloaded.map((e) => e.version)).toEqual(['0.2.0']);
    expect(readFileSync(files[0]!).equals(good)).toBe(true);
  });

  it('refuses a corrupted installer by its hash: no update is offered for install', async () => {
    const good = installer('0.4.0');
    await publish('0.4.0', good);
    // Damaged in this process's local copy after it was uploaded and checked.
    const corrupted = Buffer.from(good);
    corrupted[1000] = corrupted[1000]! ^ 0xff;
    writeFileSync(w.server.updates.blobs.path(sha512(good)), corrupted);

    const updater = updaterAt(feedUrl);
    const events: string[] = [];
    updater.on('update-downloaded', () => events.push('downloaded'));
    updater.on('error', () => events.push('error'));
    const check = await updater.checkForUpdates();
    expect(check?.updateInfo.version).toBe('0.4.0');
    const refused = await check!.downloadPromise!.then(
      () => null,
      (e: { code?: string; message: string }) => e,
    );
    expect(refused?.code).toBe('ERR_CHECKSUM_MISMATCH');
    expect(refused?.message).toContain('sha512 checksum mismatch');
    expect(events).toEqual(['error']);
  });

  it('holds a version back (the previous manifest is served) and turns updates off', async () => {
    await publish('0.5.0');
    await publish('0.6.0');
    const served = async () => {
      const r = await fetch(`${feedUrl}/latest-linux.yml`);
      return { status: r.status, text: await r.text() };
    };
    expect((await served()).text).toMatch(/^version: 0\.6\.0$/m);

    const held = await w.admin('updates.configure', { heldBack: ['0.6.0'] });
    expect(held.channels.find((c) => c.channel === 'latest-linux')).toMatchObject({
      served: '0.5.0',
    });
    expect((await served()).text).toMatch(/^version: 0\.5\.0$/m);
    expect((await updaterAt(feedUrl).checkForUpdates())?.updateInfo.version).toBe('0.5.0');

    await w.admin('updates.configure', { enabled: false });
    expect(await served()).toEqual({ status: 204, text: '' });
    // electron-updater finds nothing to offer: the check fails, and no update is downloaded.
    const off = updaterAt(feedUrl);
    let downloaded = false;
    off.on('update-downloaded', () => (downloaded = true));
    off.on('error', () => undefined);
    const error = await off.checkForUpdates().then(
      () => null,
      (e: { code?: string }) => e,
    );
    expect(error?.code).toBe('ERR_UPDATER_INVALID_UPDATE_INFO');
    expect(downloaded).toBe(false);

    // On again: still held back, so the previous version.
    const on = await w.admin('updates.configure', { enabled: true });
    expect(on).toMatchObject({ enabled: true, heldBack: ['0.6.0'] });
    expect((await served()).text).toMatch(/^version: 0\.5\.0$/m);
  });

  it('takes uploads from admins only, and serves installers in ranges', async () => {
    const bytes = installer('0.7.0');
    expect((await upload(installerName('0.7.0'), bytes, null)).status).toBe(401);
    expect((await upload(installerName('0.7.0'), bytes, 'not-a-session')).status).toBe(401);
    expect((await upload(installerName('0.7.0'), bytes, financeToken)).status).toBe(403);
    expect((await upload('latest-linux.yml', 'not: a manifest\n')).status).toBe(400);
    expect((await upload('..%2Fescape.txt', bytes)).status).toBe(400);
    expect((await fetch(`${feedUrl}/${installerName('0.7.0')}`)).status).toBe(404);

    expect((await upload(installerName('0.7.0'), bytes)).body).toEqual({
      kind: 'file',
      name: installerName('0.7.0'),
      bytes: bytes.length,
      sha512: sha512(bytes),
    });
    const part = await fetch(`${feedUrl}/${installerName('0.7.0')}`, {
      headers: { range: 'bytes=100-199' },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    expect((await fetch(`${feedUrl}/feed.json`)).status).toBe(404);
  });

  it('refuses an upload sent compressed with 415, and stores nothing', async () => {
    const name = installerName('0.7.1');
    for (const encoding of ['gzip', 'br', 'x-unknown']) {
      const r = await fetch(`${feedUrl}/${name}`, {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream',
          'content-encoding': encoding,
          authorization: `Bearer ${w.adminToken}`,
        },
        body: 'garbage',
      });
      expect(r.status, encoding).toBe(415);
      expect(await r.json()).toMatchObject({
        ok: false,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `The body's Content-Encoding "${encoding}" is not supported: send the body as it is, uncompressed.`,
      });
    }
    expect((await fetch(`${feedUrl}/${name}`)).status).toBe(404);
    expect((await w.admin('updates.status', {})).files.map((f) => f.name)).not.toContain(name);
    // Identity is no compression: taken.
    const identity = await fetch(`${feedUrl}/${name}`, {
      method: 'PUT',
      headers: { 'content-encoding': 'identity', authorization: `Bearer ${w.adminToken}` },
      body: 'bytes',
    });
    expect(identity.status).toBe(200);
  });

  it('takes an upload cut off part-way as the client’s doing: no fault logged, no file left', async () => {
    const name = installerName('0.7.2');
    const dir = w.server.updates.dir;
    const partials = () => readdirSync(dir).filter((n) => n.startsWith('.upload-'));
    const socket = connect(w.server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((ready) => socket.once('connect', ready));
    socket.write(
      `PUT /updates/${name} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${w.adminToken}\r\n` +
        `Content-Length: 1000000\r\n\r\n${'x'.repeat(1000)}`,
    );
    // Hung up once the server has begun to write the upload to disk.
    for (let i = 0; i < 100 && partials().length === 0; i++) await sleep(20);
    expect(partials()).toHaveLength(1);
    socket.destroy();
    for (let i = 0; i < 100 && partials().length > 0; i++) await sleep(20);
    expect(partials()).toEqual([]);
    expect(readdirSync(dir)).not.toContain(name);
    expect((await fetch(`${feedUrl}/${name}`)).status).toBe(404);
    expect(logs.filter((e) => e['level'] === 'error')).toEqual([]);
  });

  it('serves a signed manifest an admin dropped in the data folder, and never an unsigned one', async () => {
    const bytes = installer('0.9.0');
    const dir = join(w.server.updates.dir);
    const text = manifest('0.9.0', bytes);
    writeFileSync(join(dir, installerName('0.9.0')), bytes);
    writeFileSync(join(dir, 'latest.yml'), text); // the Windows channel
    const unsigned = await fetch(`${feedUrl}/latest.yml`);
    expect(unsigned.status).toBe(404);
    expect(await unsigned.json()).toEqual({
      ok: false,
      code: 'NOT_FOUND',
      message: 'No update manifest latest.yml.',
      error: { code: 'NOT_FOUND', message: 'No update manifest latest.yml.' },
    });
    expect((await w.admin('updates.status', {})).channels.map((c) => c.channel)).not.toContain(
      'latest',
    );
    writeFileSync(
      join(dir, 'latest.yml.sig'),
      signatureOf('0.9.0', text, bytes, publisher.privateKey, 'latest.yml'),
    );
    const r = await fetch(`${feedUrl}/latest.yml`);
    expect(await r.text()).toMatch(/^version: 0\.9\.0$/m);
    const status = await w.admin('updates.status', {});
    expect(status.channels.find((c) => c.channel === 'latest')).toEqual({
      channel: 'latest',
      versions: ['0.9.0'],
      served: '0.9.0',
    });
    expect(status.files.map((f) => f.name)).toContain(installerName('0.9.0'));
  });
});

describe('signatures on the feed', () => {
  const v = '1.1.0';
  const bytes = installer(v);
  const text = manifest(v, bytes);
  const served = async () => (await fetch(`${feedUrl}/latest-linux.yml`)).text();

  it('refuses a manifest without its signature, and serves it once it is signed', async () => {
    await publish('1.0.0');
    expect((await upload(installerName(v), bytes)).status).toBe(200);
    const unsigned = await upload('latest-linux.yml', text);
    expect(unsigned).toMatchObject({ status: 400, body: { code: 'UNSIGNED_UPDATE' } });
    expect(String(unsigned.body['message'])).toContain('latest-linux.yml.sig');
    expect(await served()).toMatch(/^version: 1\.0\.0$/m);

    expect((await upload('latest-linux.yml.sig', signatureOf(v, text, bytes))).status).toBe(200);
    expect((await upload('latest-linux.yml', text)).status).toBe(200);
    expect(await served()).toMatch(/^version: 1\.1\.0$/m);
    // The signature served is the served manifest's: what the apps check.
    const signature = await fetch(`${feedUrl}/latest-linux.yml.sig`);
    expect(signature.status).toBe(200);
    expect(await signature.text()).toBe(signatureOf(v, text, bytes));
  });

  it('refuses a signature by another key, over other bytes, or naming other installers', async () => {
    const stranger = releaseKey();
    const cases: [string, string, string, RegExp][] = [
      ['another key', text, signatureOf(v, text, bytes, stranger.privateKey), /does not trust/],
      [
        'a changed manifest',
        text.replace('releaseDate', 'releaseNote: x\nreleaseDate'),
        signatureOf(v, text, bytes),
        /not the manifest the publisher signed/,
      ],
      [
        'an installer changed after signing',
        text,
        signatureOf(v, text, Buffer.concat([bytes, Buffer.from([0])])),
        /not the installer that was signed/,
      ],
      [
        'a manifest pointing elsewhere',
        text.replace(`url: ${installerName(v)}`, 'url: https://evil.example/x.deb'),
        signatureOf(
          v,
          text.replace(`url: ${installerName(v)}`, 'url: https://evil.example/x.deb'),
          bytes,
        ),
        /names https:\/\/evil\.example\/x\.deb/,
      ],
      ['a malformed signature', text, '{"keyId":"x"}', /not a signature/],
    ];
    await publish('1.2.0');
    for (const [what, manifestText, signature, message] of cases) {
      expect((await upload(installerName(v), bytes)).status).toBe(200);
      const sig = await upload('latest-linux.yml.sig', signature);
      const answer = sig.status === 200 ? await upload('latest-linux.yml', manifestText) : sig;
      expect(answer.status, what).toBe(400);
      expect(String(answer.body['message']), what).toMatch(message);
      expect(await served(), what).toMatch(/^version: 1\.2\.0$/m);
    }
  });

  it('stops serving a kept manifest that was changed in the store', async () => {
    await publish('1.3.0');
    await publish('1.4.0');
    const store = w.server.hub.store;
    const kept = (await store.updateFeed()).manifests.find((m) => m.version === '1.4.0')!;
    await store.putUpdateManifest(
      { ...kept, text: kept.text.replace(installerName('1.4.0'), 'other.deb') },
      null,
    );
    expect(await served()).toMatch(/^version: 1\.3\.0$/m);
    const status = await w.admin('updates.status', {});
    expect(status.channels.find((c) => c.channel === 'latest-linux')?.versions).not.toContain(
      '1.4.0',
    );
  });
});
