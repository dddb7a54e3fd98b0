import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMeta } from '../../core/db/meta';
import { BranchCore } from '../../core/runtime';
import { enrollDevice } from '../../core/sync/enroll';
import { pendingCount, SyncEngine } from '../../core/sync/engine';
import { HttpSyncTransport } from '../../core/sync/http';
import { startPageReader } from '../../core/sync/page-reader';
import { SyncUnavailable } from '../../core/sync/transport';
import { createSelfSignedCertificate } from './self-signed';
import { call, PASSWORD, startHeadOffice, type HeadOffice } from './testing/head-office';

const meta = (core: BranchCore, key: string) => getMeta(core.db, key) ?? null;

/** A branch PC as the desktop app builds it: transport from the kept address, token and pin. */
interface Pc {
  core: BranchCore;
  transport: HttpSyncTransport;
  engine: SyncEngine;
  deviceId: string;
  placeOrder(): Promise<string>;
}

let ho: HeadOffice;
const pcs: BranchCore[] = [];
beforeAll(async () => {
  ho = await startHeadOffice();
});
afterAll(async () => {
  for (const core of pcs) core.close();
  await ho.close();
});

async function enrollPc(
  expectedFingerprint?: string,
): Promise<Pc & { fingerprint: string | null }> {
  const core = new BranchCore(mkdtempSync(join(tmpdir(), 'fse-pinned-pc-')));
  pcs.push(core);
  const enrolled = await enrollDevice(core.db, new HttpSyncTransport({ baseUrl: ho.server.url }), {
    serverUrl: ho.server.url,
    code: await ho.enrollmentCode(),
    deviceName: 'Shop PC',
    expectedFingerprint: expectedFingerprint ?? null,
  });
  const transport = new HttpSyncTransport({
    baseUrl: meta(core, 'sync.server')!,
    token: enrolled.token,
    pin: meta(core, 'sync.pin'),
  });
  const engine = new SyncEngine(core.db, core.files, enrolled.deviceId, transport, {
    onRemoteStamp: (hlc) => core.context().clock.receive(hlc),
  });
  let session: string | null = null;
  return {
    core,
    transport,
    engine,
    deviceId: enrolled.deviceId,
    fingerprint: enrolled.fingerprint,
    async placeOrder() {
      session ??= (await core.call('auth.login', { username: 'shop1', password: PASSWORD })).token;
      const placed = await core.call(
        'orders.place',
        { lines: [{ variantId: ho.variantId, quantity: 2 }] },
        session,
      );
      return placed.id;
    },
  };
}

const serverEventIds = async () =>
  new Set((await ho.server.hub.store.pull(null, 0, 10_000)).events.map((e) => e.id));

/** A TLS server with a certificate of its own, keeping every byte a client sends it. */
async function startImpostor() {
  const other = createSelfSignedCertificate(['127.0.0.1']);
  const received: Buffer[] = [];
  const impostor = createTlsServer({ cert: other.certPem, key: other.keyPem }, (socket) => {
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((ok) => impostor.listen(0, '127.0.0.1', ok));
  const address = impostor.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, received, impostor };
}

describe('certificate pinning between a branch PC and head office', () => {
  it('pins the certificate at enrollment over HTTPS, syncs, and refuses the server once its certificate changed', async () => {
    const pc = await enrollPc();
    const original = ho.server.fingerprint256;
    expect(original).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(pc.fingerprint).toBe(original);
    expect(meta(pc.core, 'sync.pin')).toBe(original);

    await pc.engine.sync();
    await pc.placeOrder();
    expect(pendingCount(pc.core.db, pc.deviceId)).toBe(1);
    expect((await pc.engine.sync()).pushed).toBe(1);
    expect(pendingCount(pc.core.db, pc.deviceId)).toBe(0);

    // The server comes back with another certificate (its tls/ folder lost, or an impostor).
    const kept = mkdtempSync(join(tmpdir(), 'fse-kept-tls-'));
    cpSync(join(ho.dataDir, 'tls'), kept, { recursive: true });
    rmSync(join(ho.dataDir, 'tls'), { recursive: true });
    await ho.restart();
    expect(ho.server.fingerprint256).not.toBe(original);

    await pc.placeOrder();
    const before = await serverEventIds();
    const refused = await pc.engine.sync().then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(SyncUnavailable);
    expect((refused as SyncUnavailable).code).toBe('CERTIFICATE_CHANGED');
    expect((refused as Error).message).toMatch(
      /presented a different certificate than when this PC enrolled.*ask the admin; if the server's certificate was replaced on purpose, enter the re-pin code the admin makes for this PC/,
    );
    expect(pendingCount(pc.core.db, pc.deviceId)).toBe(1);
    expect(await serverEventIds()).toEqual(before);

    // With its own certificate back, the same PC syncs its waiting order.
    rmSync(join(ho.dataDir, 'tls'), { recursive: true });
    cpSync(kept, join(ho.dataDir, 'tls'), { recursive: true });
    await ho.restart();
    expect(ho.server.fingerprint256).toBe(original);
    expect((await pc.engine.sync()).pushed).toBe(1);
    expect(pendingCount(pc.core.db, pc.deviceId)).toBe(0);
  });

  it('reads pages ahead on a worker thread from the pinned server only, sending nothing to another', async () => {
    const pc = await enrollPc();
    await pc.engine.sync();
    await pc.placeOrder();
    await pc.engine.sync();
    const spec = pc.transport.readAhead();
    expect(spec).toMatchObject({ pin: ho.server.fingerprint256 });
    const reader = startPageReader(spec!);
    try {
      expect(await reader.ready).toBe(true);
      const page = await reader.pull(0, 1_000);
      const placed = page?.events.find((e) => e.type === 'order.placed');
      expect(placed?.checked?.kind).toBe('parsed');
      expect(page?.readAhead).toBe(true);
    } finally {
      await reader.stop();
    }
    // Stopped, it gives nothing: the PC asks itself.
    expect(await reader.pull(0, 1_000)).toBeNull();

    const { port, received, impostor } = await startImpostor();
    const misled = startPageReader({ ...spec!, baseUrl: `https://127.0.0.1:${port}` });
    try {
      expect(await misled.ready).toBe(true);
      expect(await misled.pull(0, 1_000)).toBeNull();
      expect(Buffer.concat(received).length).toBe(0);
    } finally {
      await misled.stop();
      impostor.close();
    }
  });

  it('sends not one byte, so not the device token, to a server with another certificate', async () => {
    const { port, received, impostor } = await startImpostor();
    try {
      const transport = new HttpSyncTransport({
        baseUrl: `https://127.0.0.1:${port}`,
        token: 'secret-device-token',
        pin: ho.server.fingerprint256,
      });
      await expect(transport.pull(0, 10)).rejects.toMatchObject({ code: 'CERTIFICATE_CHANGED' });
      expect(Buffer.concat(received).length).toBe(0);
    } finally {
      impostor.close();
    }
  });

  it('checks the fingerprint the admin read out before spending the enrollment code', async () => {
    const code = await ho.enrollmentCode();
    const core = new BranchCore(mkdtempSync(join(tmpdir(), 'fse-pinned-pc-')));
    pcs.push(core);
    const wrong = 'AB'.repeat(32);
    await expect(
      enrollDevice(core.db, new HttpSyncTransport({ baseUrl: ho.server.url }), {
        serverUrl: ho.server.url,
        code,
        deviceName: 'Shop PC',
        expectedFingerprint: wrong,
      }),
    ).rejects.toMatchObject({ code: 'CERTIFICATE_MISMATCH' });
    expect(meta(core, 'sync.server')).toBeNull();

    // Read out with lower case and without colons is the same fingerprint; the code still works.
    const typed = ho.server.fingerprint256!.replace(/:/g, '').toLowerCase();
    const enrolled = await enrollDevice(
      core.db,
      new HttpSyncTransport({ baseUrl: ho.server.url }),
      { serverUrl: ho.server.url, code, deviceName: 'Shop PC', expectedFingerprint: typed },
    );
    expect(enrolled.fingerprint).toBe(ho.server.fingerprint256);
    expect(meta(core, 'sync.pin')).toBe(ho.server.fingerprint256);
  });

  it("reports the fingerprint in /health, and sends a pinned PC's requests to no http address", async () => {
    const health = await call<{ tls?: { fingerprint256: string } }>(
      ho.server.url,
      'GET',
      '/health',
    );
    expect(health.body.tls?.fingerprint256).toBe(ho.server.fingerprint256);
    const downgraded = new HttpSyncTransport({
      baseUrl: ho.server.url.replace('https:', 'http:'),
      token: 'x',
      pin: ho.server.fingerprint256,
    });
    await expect(downgraded.pull(0, 1)).rejects.toMatchObject({ code: 'CERTIFICATE_CHANGED' });
  });
});
