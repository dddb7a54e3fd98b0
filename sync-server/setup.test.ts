// Head office's first run through the API: whatever sequence of setup calls comes in (twice, at
// once, to two processes, with bad input, cut short by a failing store, the replica set up
// alone), the server ends either not set up with setup still open, or wholly set up: its admin
// signs in, creates an enrollment code, and a PC enrolls with it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  api,
  body,
  closeAll,
  expectWhole,
  fresh,
  health,
  newAdmin,
  raceSetups,
  signIn,
  type Refusal,
} from './testing/first-run';
import { http } from './testing/world';

afterEach(closeAll);

describe("head office's first run", () => {
  it('starts not set up, says it is head office, and leads its bare address to the console', async () => {
    const server = await fresh();
    expect(await health(server.url)).toBe(false);
    const status = await api(server.url, 'setup.status', {});
    expect(status.body).toMatchObject({
      ok: true,
      result: { initialized: false, headOffice: true },
    });
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    await expectWhole(server.url, []);
  });

  it('refuses bad input naming the field, through either door, and stays open for setup', async () => {
    const server = await fresh();
    const a = newAdmin();
    const cases: [unknown, string, RegExp][] = [
      [body(a, { branch: { code: 'hq 1', name: 'X' } }), 'branch.code', /capital letters/],
      [body(a, { branch: { code: 'HQ', name: '' } }), 'branch.name', /empty/],
      [body(a, { branch: { code: 'HQ', name: 'X', kind: 'shop' } }), 'branch.kind', /Branches/],
      [
        body(a, { admin: { username: 'a b', displayName: 'A', password: 'long-enough' } }),
        'admin.username',
        /letters, digits/,
      ],
      [
        body(a, { admin: { username: 'boss', displayName: 'A', password: 'short' } }),
        'admin.password',
        /at least 8 characters/,
      ],
      [{}, 'branch', /./],
      [[], '', /expected object/],
    ];
    for (const [input, field, message] of cases)
      for (const door of ['/setup', '/api/setup.initialize']) {
        const r = await http<Refusal>(server.url, 'POST', door, input);
        expect(r.status, `${door} ${field}`).toBe(400);
        expect(r.body.error.code).toBe('VALIDATION');
        const issue = r.body.error.issues?.find((i) => i.field === field);
        expect(issue?.message, `${door} ${JSON.stringify(r.body)}`).toMatch(message);
      }
    // The demo company (public passwords) is never loaded here, and says what to do instead.
    const demo = await http<Refusal>(server.url, 'POST', '/api/setup.loadDemo', {});
    expect(demo.status).toBe(403);
    expect(demo.body.error.message).toMatch(/Create the head-office admin instead/);
    expect(await signIn(server.url, { username: 'admin', password: 'demo1234' })).toBeNull();
    await expectWhole(server.url, [a]);
  });

  it('answers a second setup, by either door, with "set up already, sign in"', async () => {
    const server = await fresh();
    const first = newAdmin();
    expect((await http(server.url, 'POST', '/setup', body(first))).status).toBe(200);
    const viaConsole = await http<Refusal>(
      server.url,
      'POST',
      '/api/setup.initialize',
      body(newAdmin(), { branch: { code: 'HQ', name: 'Other', kind: 'head_office' } }),
    );
    expect(viaConsole.status).toBe(409);
    expect(viaConsole.body.error.code).toBe('ALREADY_SET_UP');
    // Even with input it would refuse: to a set-up head office, "sign in" is what helps.
    const bad = await http<Refusal>(server.url, 'POST', '/api/setup.initialize', {});
    expect(bad.body.error.code).toBe('ALREADY_SET_UP');
    expect(await expectWhole(server.url, [first])).toBe(first);
  });

  it('of setups sent at once, makes one head office and tells the rest to sign in', async () => {
    const server = await fresh();
    const admins = Array.from({ length: 4 }, newAdmin);
    const answers = await Promise.all(
      admins.map((a, i) =>
        http<unknown>(
          server.url,
          'POST',
          i % 2 ? '/setup' : '/api/setup.initialize',
          body(a, i % 2 ? {} : { deviceName: 'Head-office server' }),
        ),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const winner = admins[answers.findIndex((r) => r.status === 200)]!;
    expect(await expectWhole(server.url, admins)).toBe(winner);
    const branches = await api<{ kind: string }[]>(
      server.url,
      'branches.list',
      {},
      (await signIn(server.url, winner))!,
    );
    expect(branches.body.ok && branches.body.result.map((b) => b.kind)).toEqual(['head_office']);
  });

  it('with two server processes on one store, setups sent to both at once make one head office', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'fse-setup-store-'));
    const a = await fresh({ sqliteStoreDir: storeDir });
    const b = await fresh({ sqliteStoreDir: storeDir });
    const { winner, tried } = await raceSetups(a, b);
    // Each process's console signs the one admin in, and both can enroll PCs.
    expect(await expectWhole(a.url, tried)).toBe(winner);
    expect(await expectWhole(b.url, tried)).toBe(winner);
    expect(await a.hub.store.headOfficeBranch()).toBe(await b.hub.store.headOfficeBranch());
  });

  it('a process started before another set head office up follows it at its next call', async () => {
    const storeDir = mkdtempSync(join(tmpdir(), 'fse-setup-store-'));
    const a = await fresh({ sqliteStoreDir: storeDir });
    const b = await fresh({ sqliteStoreDir: storeDir });
    const admin = newAdmin();
    expect((await http(a.url, 'POST', '/setup', body(admin))).status).toBe(200);
    expect(b.replica.ready).toBe(false);
    const status = await api<{ initialized: boolean }>(b.url, 'setup.status', {});
    expect(status.body).toMatchObject({ ok: true, result: { initialized: true } });
    expect(await expectWhole(b.url, [admin])).toBe(admin);
  });

  it('a setup cut short after the replica was written is finished at the next call', async () => {
    const server = await fresh();
    const store = server.hub.store;
    const claim = store.claimHeadOffice.bind(store);
    // The store's transaction fails at its end, after the replica was written inside it.
    store.claimHeadOffice = async (make) => {
      await claim(() => {
        make();
        throw new Error('connection to the store lost');
      }).catch(() => undefined);
      throw new Error('connection to the store lost');
    };
    const admin = newAdmin();
    const cut = await http<Refusal>(server.url, 'POST', '/setup', body(admin));
    expect(cut.status).toBe(500);
    expect(cut.body.error.message).toMatch(/try again/);
    expect(server.replica.ready).toBe(false);
    store.claimHeadOffice = claim;
    // Trying again finds the admin made: it is recorded now, and the answer says to sign in.
    const retry = await http<Refusal>(server.url, 'POST', '/setup', body(admin));
    expect(retry.status).toBe(409);
    expect(retry.body.error.message).toMatch(/Sign in/);
    expect(await expectWhole(server.url, [admin])).toBe(admin);
  });

  it('a store that fails before anything is written leaves setup open', async () => {
    const server = await fresh();
    const store = server.hub.store;
    const claim = store.claimHeadOffice.bind(store);
    store.claimHeadOffice = () => Promise.reject(new Error('the store is not answering'));
    const admin = newAdmin();
    expect((await http(server.url, 'POST', '/api/setup.initialize', body(admin))).status).toBe(500);
    store.claimHeadOffice = claim;
    expect(await signIn(server.url, admin)).toBeNull();
    const whole = await expectWhole(server.url, [admin]);
    expect(whole).not.toBe(admin);
  });

  it('a replica set up on its own (the old trap) is taken up at the next console call', async () => {
    const server = await fresh();
    const admin = newAdmin();
    // What "Start a new company here" once did through /api: the replica alone, the log untold.
    await server.replica.core.call('setup.initialize', {
      branch: { code: 'HQ', name: 'Head Office', kind: 'head_office' },
      admin: { username: admin.username, displayName: 'Admin', password: admin.password },
      deviceName: 'Head-office server',
    });
    expect(await server.hub.store.headOfficeBranch()).toBeNull();
    expect(await expectWhole(server.url, [admin])).toBe(admin);
    expect(await server.hub.store.headOfficeBranch()).not.toBeNull();
  });

  it('says in words what to do when the log has not taken a new branch, or head office fails', async () => {
    const server = await fresh();
    const admin = newAdmin();
    await http(server.url, 'POST', '/setup', body(admin));
    const token = (await signIn(server.url, admin))!;
    const store = server.hub.store;
    const ingest = store.ingest.bind(store);
    store.ingest = () => Promise.reject(new Error('disk full'));
    try {
      const shop = await api<{ id: string }>(
        server.url,
        'branches.create',
        { code: 'SH01', name: 'Shop One', kind: 'shop' },
        token,
      );
      if (!shop.body.ok) throw new Error(JSON.stringify(shop.body));
      const refused = await api(
        server.url,
        'devices.enrollmentCode',
        { branchId: shop.body.result.id },
        token,
      );
      expect(refused.body).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      expect(!refused.body.ok && refused.body.error.message).toMatch(
        /has not recorded this branch in its log yet \(.*disk full.*\)\. Try again in a minute/,
      );
      store.ingest = ingest;
      const code = await api(
        server.url,
        'devices.enrollmentCode',
        { branchId: shop.body.result.id },
        token,
      );
      expect(code.body.ok, JSON.stringify(code.body)).toBe(true);
    } finally {
      store.ingest = ingest;
    }
    // A fault of head office's own names where to look, not "tell your admin".
    const devices = server.replica.core.services.headOffice!;
    const list = devices.devices.bind(devices);
    devices.devices = () => Promise.reject(new Error('unexpected'));
    try {
      const failed = await api(server.url, 'devices.list', {}, token);
      expect(failed.status).toBe(500);
      expect(!failed.body.ok && failed.body.error.message).toMatch(
        /Head office failed to do this \(devices\.list\).*server's log/,
      );
    } finally {
      devices.devices = list;
    }
  });
});
