/* eslint-disable @typescript-eslint/no-restricted-imports --
   The update decisions against electron-updater and a real head-office feed (sync-server/). */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  installer,
  installerName,
  manifest,
  updaterAt,
} from '../../sync-server/updates/testing/node-updater';
import { startWorld, type World } from '../../sync-server/testing/world';
import { signRelease } from '../../core/ops/testing/update-keys';
import { STATEMENT_FORMAT } from '../../core/ops/update-signature';
import {
  channelFileName,
  verifyDownloadedUpdate,
  type DownloadedUpdate,
  type VerifyOutcome,
} from './update-verify';
import {
  DAY_MS,
  feedUrl,
  pinnedCertificateCheck,
  UpdateController,
  type UpdaterLike,
} from './updater';

type Listener = (arg: never) => void;

// The publisher's key, trusted by the app here and by head office (its keys file replaced).
const { publisher, keys } = await vi.hoisted(() =>
  import('../../core/ops/testing/update-keys').then((k) => k.publisherKeys()),
);
vi.mock('../../sync-server/updates/keys', () => ({ shippedUpdateKeys: () => keys }));

const downloaded = (version: string): DownloadedUpdate => ({
  version,
  downloadedFile: `/tmp/cache/factory-shop-erp_${version}_amd64.deb`,
  files: [{ url: `factory-shop-erp_${version}_amd64.deb`, sha512: 'x', size: 1 }],
});

/** electron-updater's surface, recording what the controller does with it. */
function fakeUpdater(check: () => Promise<unknown> = async () => null) {
  const listeners = new Map<string, Listener[]>();
  const calls: string[] = [];
  const updater: UpdaterLike & { emit(event: string, arg: unknown): void } = {
    autoDownload: false,
    autoInstallOnAppQuit: true,
    autoRunAppAfterInstall: false,
    setFeedURL: (o) => void calls.push(`feed ${o.provider} ${o.url}`),
    checkForUpdates: () => {
      calls.push('check');
      return check();
    },
    quitAndInstall: (silent, run) => void calls.push(`install silent=${silent} run=${run}`),
    on: (event: string, listener: Listener) =>
      listeners.set(event, [...(listeners.get(event) ?? []), listener]),
    emit: (event, arg) => listeners.get(event)?.forEach((l) => l(arg as never)),
  };
  return { updater, calls };
}

const enrolled = async () => ({ serverUrl: 'https://erp.example.lan:8443/', fingerprint: null });
const quiet = () => undefined;
/** Every download verified (./update-verify.test.ts tests the verification itself). */
const trusting = {
  verify: async (): Promise<VerifyOutcome> => ({
    kind: 'verified',
    statement: {
      format: STATEMENT_FORMAT,
      version: '0.2.0',
      manifest: { name: 'latest-linux.yml', sha512: 'x' },
      files: [],
    },
  }),
  refused: () => undefined,
};
afterEach(() => vi.useRealTimers());

describe('the update decisions', () => {
  it('download in the background but never install on quit; the feed is head office’s /updates', async () => {
    const { updater, calls } = fakeUpdater();
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
      ...trusting,
      feed: enrolled,
      ask: async () => false,
      log: quiet,
    });
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: false });
    await c.check();
    await c.check();
    expect(calls).toEqual(['feed generic https://erp.example.lan:8443/updates', 'check', 'check']);
  });

  it('check nothing on a PC not enrolled with a head office', async () => {
    const { updater, calls } = fakeUpdater();
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
      ...trusting,
      feed: async () => null,
      ask: async () => true,
      log: quiet,
    });
    expect(await c.check()).toBe('not-enrolled');
    expect(calls).toEqual([]);
  });

  it('check soon after start and then daily', async () => {
    vi.useFakeTimers();
    const { updater, calls } = fakeUpdater();
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
      ...trusting,
      feed: enrolled,
      ask: async () => false,
      log: quiet,
      firstCheckAfterMs: 30_000,
    });
    c.start();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(calls.filter((x) => x === 'check')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.filter((x) => x === 'check')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2 * DAY_MS);
    expect(calls.filter((x) => x === 'check')).toHaveLength(3);
    c.stop();
  });

  it('install a downloaded version only when the person agrees, and ask once per run', async () => {
    const { updater, calls } = fakeUpdater();
    const answers = [false, true];
    const asked: string[] = [];
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
      ...trusting,
      feed: enrolled,
      ask: async ({ version }) => {
        asked.push(version);
        return answers.shift()!;
      },
      log: quiet,
    });
    await c.check();
    const installs = () => calls.filter((x) => x.startsWith('install'));
    updater.emit('update-downloaded', downloaded('0.2.0'));
    await vi.waitFor(() => expect(asked).toEqual(['0.2.0']));
    updater.emit('update-downloaded', downloaded('0.2.0')); // declined: not asked again this run
    await new Promise((r) => setTimeout(r, 10));
    expect(installs()).toEqual([]);
    updater.emit('update-downloaded', downloaded('0.3.0'));
    await vi.waitFor(() => expect(installs()).toEqual(['install silent=false run=true']));
    expect(asked).toEqual(['0.2.0', '0.3.0']);
  });

  it('take "no manifest" as no update, and log other failures', async () => {
    const logged: Record<string, unknown>[] = [];
    const failing = (code: string) =>
      new UpdateController({
        updater: fakeUpdater(() => Promise.reject(Object.assign(new Error(code), { code })))
          .updater,
        currentVersion: '0.1.0',
        ...trusting,
        feed: enrolled,
        ask: async () => false,
        log: (e) => void logged.push(e),
      });
    expect(await failing('ERR_UPDATER_CHANNEL_FILE_NOT_FOUND').check()).toBe('no-update');
    expect(await failing('ERR_UPDATER_INVALID_UPDATE_INFO').check()).toBe('no-update');
    expect(await failing('ECONNREFUSED').check()).toBe('failed');
    expect(logged.map((e) => e['level'])).toEqual(['info', 'info', 'warn']);
  });

  it("trust head office's own certificate by its pinned fingerprint, and leave other hosts to Chromium", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-cert-'));
    const pem = join(dir, 'cert.pem');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      pem,
      '-days',
      '1',
      '-subj',
      '/CN=erp.example.lan',
    ]);
    expect(made.status).toBe(0);
    const data = readFileSync(pem, 'utf8');
    const fingerprint = new X509Certificate(data).fingerprint256;
    const check = pinnedCertificateCheck({
      serverUrl: 'https://erp.example.lan:8443',
      fingerprint,
    });
    expect(check({ hostname: 'erp.example.lan', certificate: { data } })).toBe(0);
    const other = pinnedCertificateCheck({
      serverUrl: 'https://erp.example.lan:8443',
      fingerprint: fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00'),
    });
    expect(other({ hostname: 'erp.example.lan', certificate: { data } })).toBe(-2);
    expect(check({ hostname: 'github.com', certificate: { data } })).toBe(-3);
    expect(
      pinnedCertificateCheck({ serverUrl: 'https://erp.example.lan', fingerprint: null })({
        hostname: 'erp.example.lan',
        certificate: { data },
      }),
    ).toBe(-3);
  });
});

describe('what is verified before the person is asked', () => {
  const refusal = { code: 'SIGNATURE_INVALID' as const, message: 'altered' };

  it('refuse what verification refuses: nothing asked, nothing installed, told once per version', async () => {
    const { updater, calls } = fakeUpdater();
    const refused: { version: string; refusal: unknown }[] = [];
    const asked: string[] = [];
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
      feed: enrolled,
      verify: async () => ({ kind: 'refused', refusal }),
      refused: (r) => void refused.push(r),
      ask: async ({ version }) => {
        asked.push(version);
        return true;
      },
      log: quiet,
    });
    await c.check();
    updater.emit('update-downloaded', downloaded('0.2.0'));
    updater.emit('update-downloaded', downloaded('0.2.0')); // the cached file, at the next check
    await vi.waitFor(() => expect(refused).toEqual([{ version: '0.2.0', refusal }]));
    await new Promise((r) => setTimeout(r, 10));
    expect(refused).toHaveLength(1);
    expect(asked).toEqual([]);
    expect(calls.filter((x) => x.startsWith('install'))).toEqual([]);
  });

  it('leave for later what cannot be decided now (the feed moved on), without a refusal', async () => {
    const { updater, calls } = fakeUpdater();
    const refused: unknown[] = [];
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
      feed: enrolled,
      verify: async () => ({ kind: 'later', reason: 'the feed now offers 0.3.0' }),
      refused: (r) => void refused.push(r),
      ask: async () => true,
      log: quiet,
    });
    await c.check();
    updater.emit('update-downloaded', downloaded('0.2.0'));
    await new Promise((r) => setTimeout(r, 10));
    expect(refused).toEqual([]);
    expect(calls.filter((x) => x.startsWith('install'))).toEqual([]);
  });

  it('refuse an installer electron-updater found not signed by the Windows publisher', async () => {
    const { updater } = fakeUpdater();
    const refused: { version: string; refusal: { code: string } }[] = [];
    new UpdateController({
      updater,
      currentVersion: '0.1.0',
      feed: enrolled,
      verify: trusting.verify,
      refused: (r) => void refused.push(r),
      ask: async () => true,
      log: quiet,
    });
    updater.emit('error', new Error('ECONNRESET'));
    updater.emit(
      'error',
      Object.assign(
        new Error('New version 0.2.0 is not signed by the application owner: publisherNames: X'),
        { code: 'ERR_UPDATER_INVALID_SIGNATURE' },
      ),
    );
    expect(refused).toEqual([
      { version: '0.2.0', refusal: expect.objectContaining({ code: 'PUBLISHER_MISMATCH' }) },
    ]);
  });
});

describe('against electron-updater and a real head-office feed', () => {
  let w: World;
  beforeAll(async () => {
    process.env['TEST_UPDATER_ARCH'] = 'x64';
    w = await startWorld();
    const put = (name: string, body: Buffer | string) =>
      fetch(`${w.base}/updates/${name}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${w.adminToken}` },
        body,
      });
    const bytes = installer('0.2.0');
    const text = manifest('0.2.0', bytes);
    const files = { [installerName('0.2.0')]: bytes };
    const signature = signRelease(publisher.privateKey, {
      manifestName: 'latest-linux.yml',
      manifest: text,
      version: '0.2.0',
      files,
    });
    expect((await put(installerName('0.2.0'), bytes)).status).toBe(200);
    expect((await put('latest-linux.yml.sig', signature)).status).toBe(200);
    expect((await put('latest-linux.yml', text)).status).toBe(200);
  });
  afterAll(async () => {
    await w?.close();
  });

  it("check, download, verify the publisher's signature in the background, then ask; install on yes", async () => {
    const updater = updaterAt(`${w.base}/updates`);
    const installs: string[] = [];
    updater.quitAndInstall = (silent?: boolean, run?: boolean) =>
      void installs.push(`silent=${silent} run=${run}`);
    const asked: { version: string; current: string }[] = [];
    const verified: string[] = [];
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
      // As updater-electron.ts wires it, with the app's keys and the feed over HTTP.
      verify: (update, feed) =>
        verifyDownloadedUpdate(
          {
            keys,
            channelFile: channelFileName('linux', 'x64'),
            fetchFeedFile: async (name) => {
              const r = await fetch(`${feedUrl(feed.serverUrl)}/${name}`);
              return r.status === 200 ? Buffer.from(await r.arrayBuffer()) : null;
            },
          },
          update,
        ),
      refused: (r) => expect.fail(`refused: ${JSON.stringify(r)}`),
      verified: (v) => void verified.push(v),
      feed: async () => ({ serverUrl: w.base, fingerprint: null }),
      ask: async (offer) => {
        asked.push(offer);
        return true;
      },
      log: quiet,
    });
    expect(await c.check()).toBe('checked');
    await vi.waitFor(() => expect(installs).toEqual(['silent=false run=true']), {
      timeout: 10_000,
    });
    expect(asked).toEqual([{ version: '0.2.0', current: '0.1.0' }]);
    expect(verified).toEqual(['0.2.0']);
    expect(feedUrl(w.base)).toBe(`${w.base}/updates`);
  });
});
