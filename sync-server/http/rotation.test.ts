/* eslint-disable @typescript-eslint/no-restricted-imports --
   an end-to-end test of a certificate switch: the desktop host (electron/) against head office */
// Head office replaces its certificate (decision 0014): a PC online through the switch follows
// the signed announcement; a PC offline through it comes back with a one-time re-pin code; no PC
// accepts a certificate head office did not announce, or a code for any other certificate.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeta } from '../../core/branches/device';
import { BranchCore } from '../../core/runtime';
import { enrollDevice } from '../../core/sync/enroll';
import { pendingCount, SyncEngine } from '../../core/sync/engine';
import { HttpSyncTransport, readServerFingerprint } from '../../core/sync/http';
import {
  loadPins,
  makeRepinCode,
  NEXT_CERTIFICATE_HEADER,
  repinWithCode,
  savePins,
  signAnnouncement,
  verifyAnnouncement,
} from '../../core/sync/pins';
import { SyncUnavailable } from '../../core/sync/transport';
import type { DesktopHost } from '../../electron/host/desktop-host';
import { desktopHostAt } from '../../electron/testing/desktop-host';
import { hashToken } from '../hub';
import { createSelfSignedCertificate } from './self-signed';
import { call, PASSWORD, startHeadOffice, type HeadOffice } from './testing/head-office';
import { readConfig, startServer, type ServerConfig } from '../main';
import { serverConfig } from './testing/head-office';

/** A certificate and key in files, as an admin would hand them to --tls-cert/--tls-next-cert. */
function certificateFiles(): { certFile: string; keyFile: string; fingerprint: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fse-next-tls-'));
  const made = createSelfSignedCertificate(['127.0.0.1', 'localhost']);
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, made.certPem);
  writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
  return { certFile, keyFile, fingerprint: new X509Certificate(made.certPem).fingerprint256 };
}

/**
 * A PC at the level of the core: its transport is built from what the database keeps before
 * every sync (as the app does when it starts), so what it learned must have been kept.
 */
interface CorePc {
  core: BranchCore;
  deviceId: string;
  token: string;
  sync(): Promise<{ pushed: number }>;
  placeOrder(): Promise<string>;
}

let ho: HeadOffice;
let original: string;
/** The certificate head office presents, kept across the restarts of every test. */
let serving: ServerConfig['tls'] = 'self-signed';
const restart = async (tls: ServerConfig['tls'], tlsNext: ServerConfig['tlsNext'] = null) => {
  serving = tls;
  await ho.restart({ tls, tlsNext });
};
const closing: (() => void)[] = [];
beforeAll(async () => {
  ho = await startHeadOffice();
  original = ho.server.fingerprint256!;
}, 60_000);
afterAll(async () => {
  for (const close of closing) close();
  await ho?.close();
});

async function enrollCorePc(): Promise<CorePc> {
  const core = new BranchCore(mkdtempSync(join(tmpdir(), 'fse-rotating-pc-')));
  closing.push(() => core.close());
  const enrolled = await enrollDevice(core.db, new HttpSyncTransport({ baseUrl: ho.server.url }), {
    serverUrl: ho.server.url,
    code: await ho.enrollmentCode(),
    deviceName: 'Shop PC',
  });
  let session: string | null = null;
  return {
    core,
    deviceId: enrolled.deviceId,
    token: enrolled.token,
    async sync() {
      const pins = loadPins(core.db);
      const transport = new HttpSyncTransport({
        baseUrl: getMeta(core.db, 'sync.server')!,
        token: enrolled.token,
        pin: pins?.current ?? null,
        nextPin: pins?.next ?? null,
        onPinsChange: (changed) => savePins(core.db, changed),
      });
      const engine = new SyncEngine(core.db, core.files, enrolled.deviceId, transport, {
        onRemoteStamp: (hlc) => core.context().clock.receive(hlc),
      });
      return engine.sync();
    },
    async placeOrder() {
      session ??= (await core.call('auth.login', { username: 'shop1', password: PASSWORD })).token;
      return (
        await core.call(
          'orders.place',
          { lines: [{ variantId: ho.variantId, quantity: 1 }] },
          session,
        )
      ).id;
    },
  };
}

/** A PC as the desktop app runs it, whose clerk enters the re-pin code on Sync & devices. */
async function enrollDesktop(): Promise<DesktopHost> {
  const { host } = await desktopHostAt(ho.server.url, await ho.enrollmentCode(), 'Till');
  closing.push(() => host.close());
  return host;
}

const serverEventIds = async () =>
  new Set((await ho.server.hub.store.pull(null, 0, 100_000)).events.map((e) => e.id));

const failure = (work: Promise<unknown>) =>
  work.then(
    () => null,
    (e: unknown) => e,
  );

describe('replacing head office’s certificate', () => {
  it('keeps an online PC syncing through the announcement, and brings an offline one back with a re-pin code', async () => {
    const online = await enrollCorePc();
    const offline = await enrollDesktop();
    const clerk = async () =>
      (await offline.core.call('auth.login', { username: 'shop1', password: PASSWORD })).token;
    await online.sync();
    expect(loadPins(online.core.db)).toEqual({ current: original, next: null });

    // The offline PC goes on selling with no connection while head office changes certificate.
    const offlineOrder = (
      await offline.core.call(
        'orders.place',
        { lines: [{ variantId: ho.variantId, quantity: 3 }] },
        await clerk(),
      )
    ).id;

    // 1. The admin adds the next certificate; head office announces it, signed with the current key.
    const next = certificateFiles();
    await restart(serving, { certFile: next.certFile, keyFile: next.keyFile });
    expect(ho.server.fingerprint256).toBe(original);
    const health = await call<{ tls: { fingerprint256: string; nextFingerprint256?: string } }>(
      ho.server.url,
      'GET',
      '/health',
    );
    expect(health.body.tls).toEqual({
      fingerprint256: original,
      nextFingerprint256: next.fingerprint,
    });

    const beforeSwitch = await online.placeOrder();
    expect((await online.sync()).pushed).toBe(1);
    expect(loadPins(online.core.db)).toEqual({ current: original, next: next.fingerprint });

    // 2. The switch: head office now presents the announced certificate.
    await restart({ certFile: next.certFile, keyFile: next.keyFile });
    expect(ho.server.fingerprint256).toBe(next.fingerprint);
    const afterSwitch = await online.placeOrder();
    expect((await online.sync()).pushed).toBe(1);
    // Seen in use, the new certificate is the only one it accepts from now on.
    expect(loadPins(online.core.db)).toEqual({ current: next.fingerprint, next: null });
    const placed = (orderId: string) =>
      ho.server.replica.core.db.sqlite.prepare('SELECT 1 FROM orders WHERE id = ?').get(orderId);
    await ho.server.replica.catchUp();
    expect(placed(beforeSwitch)).toBeTruthy();
    expect(placed(afterSwitch)).toBeTruthy();

    // The old certificate is never accepted again, even though the PC once pinned it.
    await restart('self-signed');
    expect(ho.server.fingerprint256).toBe(original);
    await online.placeOrder();
    expect(await failure(online.sync())).toMatchObject({ code: 'CERTIFICATE_CHANGED' });
    expect(pendingCount(online.core.db, online.deviceId)).toBe(1);
    await restart({ certFile: next.certFile, keyFile: next.keyFile });

    // 3. The PC that was offline never saw the announcement: it refuses the new certificate ...
    const refused = await failure(offline.syncNow());
    expect(refused).toBeInstanceOf(SyncUnavailable);
    expect(refused).toMatchObject({ code: 'CERTIFICATE_CHANGED' });
    expect((refused as Error).message).toMatch(/never announced it.*re-pin code/);
    expect(offline.status()).toMatchObject({ pending: 1, serverFingerprint: original });

    // ... until the admin reads out a re-pin code made for it, and its clerk types it in.
    const device = offline.core.context().device!;
    const repin = (await ho.admin('devices.repinCode', { deviceId: device.id })) as {
      code: string;
      fingerprint: string;
    };
    expect(repin.fingerprint).toBe(next.fingerprint);
    expect(repin.code).toMatch(/^[0-9A-F]{4}(-[0-9A-Z]{4}){4}$/);
    const answer = await offline.core.call('sync.repin', { code: repin.code }, await clerk());
    expect(answer).toEqual({ fingerprint: next.fingerprint });
    expect(offline.status()).toMatchObject({
      pending: 0,
      serverFingerprint: next.fingerprint,
      lastError: null,
    });
    await ho.server.replica.catchUp();
    expect(placed(offlineOrder)).toBeTruthy();

    // The same code a second time is refused, in words that say what to do.
    await expect(
      offline.core.call('sync.repin', { code: repin.code }, await clerk()),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(
        /used already, and each works once\. Ask the admin for a new one/,
      ),
    });

    // And the online PC's waiting order goes through with the new certificate back.
    expect((await online.sync()).pushed).toBe(1);
  }, 120_000);

  it('refuses a certificate head office did not announce, even while another one is announced', async () => {
    const pc = await enrollCorePc();
    const current = ho.server.fingerprint256!;
    const announced = certificateFiles();
    const own = serving;
    await pc.sync();
    // Announce one certificate ...
    await restart(own, { certFile: announced.certFile, keyFile: announced.keyFile });
    await pc.sync();
    expect(loadPins(pc.core.db)).toEqual({ current, next: announced.fingerprint });

    // ... and present another.
    const other = certificateFiles();
    await restart({ certFile: other.certFile, keyFile: other.keyFile });
    await pc.placeOrder();
    const before = await serverEventIds();
    const refused = await failure(pc.sync());
    expect(refused).toMatchObject({ code: 'CERTIFICATE_CHANGED' });
    expect(await serverEventIds()).toEqual(before);
    expect(loadPins(pc.core.db)).toEqual({ current, next: announced.fingerprint });

    // A re-pin code cannot be made to cover it either: head office's code names its own
    // certificate, and the PC checks it against the one it is shown.
    await restart(own);
    const { code } = (await ho.admin('devices.repinCode', { deviceId: pc.deviceId })) as {
      code: string;
    };
    await restart({ certFile: other.certFile, keyFile: other.keyFile });
    const presented = (await readServerFingerprint(ho.server.url))!;
    expect(presented).toBe(other.fingerprint);
    expect(() =>
      repinWithCode(pc.core.db, { code, deviceId: pc.deviceId, token: pc.token, presented }),
    ).toThrow(/is for a certificate starting .*, but the server presents/);
    expect(loadPins(pc.core.db)).toEqual({ current, next: announced.fingerprint });
    await restart(own);
  }, 120_000);

  it('takes an announcement only when the current certificate’s key signed it', async () => {
    const a = createSelfSignedCertificate(['127.0.0.1']);
    const aFingerprint = new X509Certificate(a.certPem).fingerprint256;
    const b = certificateFiles();
    const stranger = createSelfSignedCertificate(['127.0.0.1']);
    let header = '';
    const server: HttpsServer = createHttpsServer(
      { cert: a.certPem, key: a.keyPem },
      (_req, res) => {
        res.setHeader(NEXT_CERTIFICATE_HEADER, header);
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true,"result":null}');
      },
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const address = server.address();
    const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const transport = new HttpSyncTransport({ baseUrl: url, pin: aFingerprint });
      // Signed by another key (someone who knows only the fingerprints): ignored.
      header = signAnnouncement(createPrivateKey(stranger.keyPem), aFingerprint, b.fingerprint);
      await transport.callOperation('x', {});
      expect(transport.announced).toBeNull();
      // Garbage: ignored.
      header = `${b.fingerprint};not-a-signature`;
      await transport.callOperation('x', {});
      expect(transport.announced).toBeNull();
      // Signed by the pinned certificate's own key: taken.
      header = signAnnouncement(createPrivateKey(a.keyPem), aFingerprint, b.fingerprint);
      await transport.callOperation('x', {});
      expect(transport.announced).toBe(b.fingerprint);
      expect(transport.pinned).toBe(aFingerprint);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('refuses a wrong, replayed, other-PC or impostor-certificate re-pin code, changing nothing', async () => {
    const pc = await enrollCorePc();
    const neighbour = await enrollCorePc();
    const pinsBefore = loadPins(pc.core.db);
    const fingerprint = (await readServerFingerprint(ho.server.url))!;
    const code = (await ho.admin('devices.repinCode', { deviceId: pc.deviceId })) as {
      code: string;
    };
    const tries =
      (typed: string, presented = fingerprint, who = pc) =>
      () =>
        repinWithCode(who.core.db, {
          code: typed,
          deviceId: who.deviceId,
          token: who.token,
          presented,
        });

    // One character changed in the code: wrong.
    const last = code.code.at(-1) === 'Z' ? 'Y' : 'Z';
    expect(tries(code.code.slice(0, -1) + last)).toThrow(
      /does not match this PC and the certificate/,
    );
    // Not a code at all.
    expect(tries('1234')).toThrow(/has 20 letters and digits/);
    // Made for another PC.
    expect(tries(code.code, fingerprint, neighbour)).toThrow(/does not match this PC/);
    expect(loadPins(pc.core.db)).toEqual(pinsBefore);

    // An impostor in the middle presents its own certificate: the genuine code does not cover it.
    const impostorCert = createSelfSignedCertificate(['127.0.0.1']);
    const impostor = createTlsServer(
      { cert: impostorCert.certPem, key: impostorCert.keyPem },
      (s) => s.on('error', () => undefined),
    );
    await new Promise<void>((ok) => impostor.listen(0, '127.0.0.1', ok));
    const address = impostor.address();
    try {
      const seen = (await readServerFingerprint(
        `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
      ))!;
      expect(tries(code.code, seen)).toThrow(/is for a certificate starting/);
      // Even one with the same first four digits would need the device's secret to match: the
      // code's checksum covers the whole fingerprint.
      const lookalike = `${fingerprint.slice(0, 6)}${seen.slice(6)}`;
      expect(tries(code.code, lookalike)).toThrow(/does not match this PC and the certificate/);
    } finally {
      impostor.close();
    }
    expect(loadPins(pc.core.db)).toEqual(pinsBefore);

    // The genuine code works once (lower case and spaces are fine), then never again.
    expect(tries(code.code.toLowerCase().replace(/-/g, ' '))()).toEqual({
      current: fingerprint,
      next: null,
    });
    expect(tries(code.code)).toThrow(/used already/);

    // Head office makes the same code from the token's hash that the PC derives from the token.
    const device = await ho.server.hub.store.device(pc.deviceId);
    expect(device?.tokenHash).toBe(hashToken(pc.token));
    expect(makeRepinCode(device!.tokenHash!, pc.deviceId, fingerprint)).toMatch(
      new RegExp(`^${fingerprint.replace(/:/g, '').slice(0, 4)}-`),
    );
  });

  it('takes the next certificate from the command line, or makes a self-signed one, and announces it', async () => {
    expect(readConfig(['--tls-next-cert', 'n.pem', '--tls-next-key', 'n.key'], {}).tlsNext).toEqual(
      { certFile: expect.stringMatching(/n\.pem$/), keyFile: expect.stringMatching(/n\.key$/) },
    );
    expect(readConfig(['--tls-next-self-signed'], {}).tlsNext).toBe('self-signed');
    expect(readConfig([], {}).tlsNext).toBeNull();
    expect(() => readConfig(['--tls-next-cert', 'n.pem'], {})).toThrow(/go together/);
    expect(() => readConfig(['--tls-next-self-signed', '--insecure-http'], {})).toThrow(
      /plain HTTP/,
    );

    const dataDir = mkdtempSync(join(tmpdir(), 'fse-next-self-signed-'));
    const server = await startServer(
      serverConfig(dataDir, { tlsNext: 'self-signed' }),
      () => undefined,
    );
    try {
      expect(existsSync(join(dataDir, 'tls/next/key.pem'))).toBe(true);
      const next = new X509Certificate(readFileSync(join(dataDir, 'tls/next/cert.pem')));
      expect(server.nextFingerprint256).toBe(next.fingerprint256);
      const current = new X509Certificate(readFileSync(join(dataDir, 'tls/cert.pem')));
      const answer = await call(server.url, 'GET', '/health');
      expect(
        verifyAnnouncement(
          answer.headers.get(NEXT_CERTIFICATE_HEADER),
          current.fingerprint256,
          current.publicKey,
        ),
      ).toBe(next.fingerprint256);
    } finally {
      await server.close();
    }
    // Announcing the certificate already in use is a mistake, said at start.
    await expect(
      startServer(
        serverConfig(dataDir, {
          tlsNext: {
            certFile: join(dataDir, 'tls/cert.pem'),
            keyFile: join(dataDir, 'tls/key.pem'),
          },
        }),
        () => undefined,
      ),
    ).rejects.toThrow(/is the certificate the server presents now/);
  });
});
