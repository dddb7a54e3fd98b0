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
import {
  DAY_MS,
  feedUrl,
  pinnedCertificateCheck,
  UpdateController,
  type UpdaterLike,
} from './updater';

type Listener = (arg: never) => void;

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
afterEach(() => vi.useRealTimers());

describe('the update decisions', () => {
  it('download in the background but never install on quit; the feed is head office’s /updates', async () => {
    const { updater, calls } = fakeUpdater();
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
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
    new UpdateController({
      updater,
      currentVersion: '0.1.0',
      feed: enrolled,
      ask: async ({ version }) => {
        asked.push(version);
        return answers.shift()!;
      },
      log: quiet,
    });
    updater.emit('update-downloaded', { version: '0.2.0' });
    await vi.waitFor(() => expect(asked).toEqual(['0.2.0']));
    updater.emit('update-downloaded', { version: '0.2.0' }); // declined: not asked again this run
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual([]);
    updater.emit('update-downloaded', { version: '0.3.0' });
    await vi.waitFor(() => expect(calls).toEqual(['install silent=false run=true']));
    expect(asked).toEqual(['0.2.0', '0.3.0']);
  });

  it('take "no manifest" as no update, and log other failures', async () => {
    const logged: Record<string, unknown>[] = [];
    const failing = (code: string) =>
      new UpdateController({
        updater: fakeUpdater(() => Promise.reject(Object.assign(new Error(code), { code })))
          .updater,
        currentVersion: '0.1.0',
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
    expect((await put(installerName('0.2.0'), bytes)).status).toBe(200);
    expect((await put('latest-linux.yml', manifest('0.2.0', bytes))).status).toBe(200);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('check, download and verify in the background, then ask; install on yes', async () => {
    const updater = updaterAt(`${w.base}/updates`);
    const installs: string[] = [];
    updater.quitAndInstall = (silent?: boolean, run?: boolean) =>
      void installs.push(`silent=${silent} run=${run}`);
    const asked: { version: string; current: string }[] = [];
    const c = new UpdateController({
      updater,
      currentVersion: '0.1.0',
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
    expect(feedUrl(w.base)).toBe(`${w.base}/updates`);
  });
});
