/* eslint-disable @typescript-eslint/no-restricted-imports --
   electron-updater as the app runs it (sync-server/updates/testing), against a feed made here. */
// The verification between download and install, against a head office that has been taken
// over: a plain HTTP server here serves whatever the test puts on it, and electron-updater's own
// Linux updater downloads from it as the installed app would. Keys are made by the test.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UpdateDownloadedEvent } from 'electron-updater';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  keysFile,
  publisherKeys,
  releaseKey,
  signRelease,
} from '../../core/ops/testing/update-keys';
import { keyIdOf, publicKeyTextOf, type Statement } from '../../core/ops/update-signature';
import {
  installer,
  installerName,
  manifest,
  sha512,
  updaterAt,
} from '../../sync-server/updates/testing/node-updater';
import {
  clearUpdateRefusal,
  lastUpdateRefusal,
  recordUpdateRefusal,
  REFUSAL_FILE,
} from './update-refusal';
import { channelFileName, loadShippedKeys, verifyDownloadedUpdate } from './update-verify';
import { feedUrl, UpdateController } from './updater';

const V = '0.2.0';
const NAME = installerName(V);
const MANIFEST = 'latest-linux.yml';

/** A feed at /updates/ that serves exactly what is in `files`; `hits` records what was asked. */
function fakeFeed() {
  const files = new Map<string, Buffer>();
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const name = decodeURIComponent(path.replace(/^\/updates\//, ''));
    hits.push(name);
    const body = files.get(name);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  return {
    files,
    hits,
    server,
    /** Head office's address, as a PC knows it; the feed is its /updates. */
    base: () => {
      const address = server.address();
      return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    },
  };
}

const { publisher, next: nextKey, keys: appKeys } = publisherKeys({ trustNext: true });
const stranger = releaseKey();
const feed = fakeFeed();
const elsewhere = fakeFeed();

/** What the publisher releases: installer, manifest, signature. */
function release(key: KeyObject = publisher.privateKey, bytes = installer(V)) {
  const text = manifest(V, bytes);
  const sig = signRelease(key, {
    manifestName: MANIFEST,
    manifest: text,
    version: V,
    files: { [NAME]: bytes },
  });
  return { bytes, text, sig };
}

function put(r: { bytes: Buffer; text: string; sig: string | null }) {
  feed.files.clear();
  feed.files.set(NAME, r.bytes);
  feed.files.set(MANIFEST, Buffer.from(r.text));
  if (r.sig !== null) feed.files.set(`${MANIFEST}.sig`, Buffer.from(r.sig));
}

/** electron-updater checks and downloads; what it reports as downloaded, or its error. */
async function download(): Promise<UpdateDownloadedEvent> {
  const updater = updaterAt(feedUrl(feed.base()));
  let event: UpdateDownloadedEvent | null = null;
  updater.on('update-downloaded', (e: UpdateDownloadedEvent) => (event = e));
  const check = await updater.checkForUpdates();
  await check!.downloadPromise;
  return event!;
}

/** As updater-electron.ts fetches from the feed (there over the updater's Electron session). */
const fetchFeedFile = async (name: string) => {
  const r = await fetch(`${feedUrl(feed.base())}/${name}`);
  return r.status === 200 ? Buffer.from(await r.arrayBuffer()) : null;
};

const verify = (update: UpdateDownloadedEvent, keys = appKeys) =>
  verifyDownloadedUpdate({ keys, channelFile: MANIFEST, fetchFeedFile }, update);

beforeAll(async () => {
  process.env['TEST_UPDATER_ARCH'] = 'x64';
  for (const f of [feed, elsewhere])
    await new Promise<void>((ok) => f.server.listen(0, '127.0.0.1', () => ok()));
});
afterAll(async () => {
  for (const f of [feed, elsewhere]) await new Promise((ok) => f.server.close(ok));
});
beforeEach(() => {
  feed.hits.length = 0;
  elsewhere.hits.length = 0;
});

describe('an update is installed only as the publisher signed it', () => {
  it('accepts a correctly signed update, and one signed with the next key', async () => {
    put(release());
    expect(await verify(await download())).toMatchObject({
      kind: 'verified',
      statement: { version: V, files: [{ name: NAME, size: installer(V).length }] },
    });
    put(release(nextKey.privateKey));
    expect((await verify(await download())).kind).toBe('verified');
    expect(feed.hits).toContain(`${MANIFEST}.sig`);
  });

  it('refuses a changed byte: in the installer (with a manifest rewritten to match), or in the signed statement', async () => {
    const good = release();
    const changed = Buffer.from(good.bytes);
    changed[5000] = changed[5000]! ^ 1;
    // electron-updater's own sha512 check passes: the manifest was rewritten for the new bytes.
    put({ ...good, bytes: changed, text: manifest(V, changed) });
    expect(await verify(await download())).toMatchObject({
      kind: 'refused',
      refusal: { code: 'MANIFEST_CHANGED' },
    });
    // The statement edited to name the changed installer and manifest: its signature fails.
    const forged = JSON.parse(good.sig) as { statement: string };
    const statement = JSON.parse(forged.statement) as Statement;
    const text = manifest(V, changed);
    statement.files[0]!.sha512 = sha512(changed);
    statement.manifest.sha512 = sha512(Buffer.from(text));
    put({
      bytes: changed,
      text,
      sig: JSON.stringify({ ...forged, statement: JSON.stringify(statement) }),
    });
    expect((await verify(await download())) as object).toMatchObject({
      refusal: { code: 'SIGNATURE_INVALID' },
    });
  });

  it('refuses a downloaded file changed on this PC after the download', async () => {
    put(release());
    const update = await download();
    const bytes = readFileSync(update.downloadedFile);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(update.downloadedFile, bytes);
    expect(await verify(update)).toMatchObject({ refusal: { code: 'FILE_CHANGED' } });
  });

  it('refuses a wrong key, and a signature that claims a trusted key it was not made with', async () => {
    put(release(stranger.privateKey));
    expect(await verify(await download())).toMatchObject({ refusal: { code: 'UNKNOWN_KEY' } });
    const claimed = JSON.parse(release(stranger.privateKey).sig) as Record<string, string>;
    claimed['keyId'] = (JSON.parse(release().sig) as Record<string, string>)['keyId']!;
    put({ ...release(), sig: JSON.stringify(claimed) });
    expect(await verify(await download())).toMatchObject({
      refusal: { code: 'SIGNATURE_INVALID' },
    });
  });

  it('refuses a missing or malformed signature, and everything when the app trusts no key', async () => {
    put({ ...release(), sig: null });
    const update = await download();
    expect(await verify(update)).toMatchObject({ refusal: { code: 'SIGNATURE_MISSING' } });
    put({ ...release(), sig: 'not json' });
    expect(await verify(update)).toMatchObject({ refusal: { code: 'SIGNATURE_MALFORMED' } });
    put(release());
    expect(await verify(update, new Map())).toMatchObject({
      refusal: { code: 'NO_TRUSTED_KEY' },
    });
  });

  it('refuses a manifest pointing at a file elsewhere, even with the publisher’s own bytes', async () => {
    const good = release();
    elsewhere.files.set(NAME, good.bytes);
    const text = good.text.replace(`url: ${NAME}`, `url: ${feedUrl(elsewhere.base())}/${NAME}`);
    put({ ...good, text });
    const update = await download();
    expect(elsewhere.hits).toEqual([NAME]); // electron-updater did fetch it from there
    expect(await verify(update)).toMatchObject({ refusal: { code: 'FILE_ELSEWHERE' } });
  });

  it('decides later when head office has moved on to another version since the download', async () => {
    put(release());
    const update = await download();
    const newer = installer('0.3.0');
    const text = manifest('0.3.0', newer);
    feed.files.set(MANIFEST, Buffer.from(text));
    feed.files.set(
      `${MANIFEST}.sig`,
      Buffer.from(
        signRelease(publisher.privateKey, {
          manifestName: MANIFEST,
          manifest: text,
          version: '0.3.0',
          files: { [installerName('0.3.0')]: newer },
        }),
      ),
    );
    expect(await verify(update)).toMatchObject({ kind: 'later' });
  });

  it('through the controller: the person is told, nothing is offered or installed', async () => {
    put({ ...release(stranger.privateKey) });
    const updater = updaterAt(feedUrl(feed.base()));
    const installs: string[] = [];
    updater.quitAndInstall = () => void installs.push('install');
    const refused: { version: string; refusal: { code: string } }[] = [];
    const asked: string[] = [];
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
      feed: async () => ({ serverUrl: feed.base(), fingerprint: null }),
      verify: (update) =>
        verifyDownloadedUpdate({ keys: appKeys, channelFile: MANIFEST, fetchFeedFile }, update),
      refused: (r) => void refused.push(r),
      ask: async ({ version }) => {
        asked.push(version);
        return true;
      },
      log: () => undefined,
    });
    expect(await c.check()).toBe('checked');
    await vi.waitFor(() => expect(refused).toHaveLength(1), { timeout: 10_000 });
    expect(refused[0]).toMatchObject({ version: V, refusal: { code: 'UNKNOWN_KEY' } });
    expect(asked).toEqual([]);
    expect(installs).toEqual([]);
  });
});

describe('the keys and the record of a refusal', () => {
  it('reads the keys shipped in the app; a missing or broken file trusts none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-keys-'));
    const logged: unknown[] = [];
    const log = (e: Record<string, unknown>) => void logged.push(e['msg']);
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(keysFile(publisher.publicKey)));
    expect([...loadShippedKeys(join(dir, 'ok.json'), log).keys()]).toEqual([
      keyIdOf(publisher.publicKey),
    ]);
    // Not ed25519: left out, so nothing is trusted.
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    writeFileSync(
      join(dir, 'rsa.json'),
      JSON.stringify({ current: publicKeyTextOf(rsa), next: null }),
    );
    expect(loadShippedKeys(join(dir, 'rsa.json'), log).size).toBe(0);
    expect(loadShippedKeys(join(dir, 'missing.json'), log).size).toBe(0);
    expect(logged).toHaveLength(2);
    expect(channelFileName('win32', 'x64')).toBe('latest.yml');
    expect(channelFileName('linux', 'arm64')).toBe('latest-linux-arm64.yml');
  });

  it('keeps the last refusal in the data folder until an update is verified', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-refusal-'));
    expect(lastUpdateRefusal(dir)).toBeNull();
    const record = { version: V, code: 'UNKNOWN_KEY', message: 'signed by a stranger', at: 1 };
    recordUpdateRefusal(dir, record);
    expect(lastUpdateRefusal(dir)).toEqual(record);
    writeFileSync(join(dir, REFUSAL_FILE), '{"version": 5}');
    expect(lastUpdateRefusal(dir)).toBeNull();
    recordUpdateRefusal(dir, record);
    clearUpdateRefusal(dir);
    expect(lastUpdateRefusal(dir)).toBeNull();
  });
});
