import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors';
import type { ToCore } from '../host/protocol';
import { fakeKeychain, LinkedCore } from '../host/testing/linked-core';
import { CoreClient, type CoreClientOptions, type UtilityProcessLike } from './core-client';

class FakeProcess extends EventEmitter implements UtilityProcessLike {
  readonly posted: ToCore[] = [];
  killed = false;
  postMessage(message: ToCore): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  answer(id: number, result: unknown): void {
    this.emit('message', { type: 'result', id, answer: { ok: true, result } });
  }
  lastId(): number {
    const last = this.posted.at(-1);
    if (!last || !('id' in last)) throw new Error('nothing sent');
    return last.id;
  }
}

const clients: CoreClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close(50)));
});

function withFakes(options: Partial<CoreClientOptions> = {}) {
  const forks: FakeProcess[] = [];
  const logs: Record<string, unknown>[] = [];
  const client = new CoreClient({
    fork: () => {
      const p = new FakeProcess();
      forks.push(p);
      return p;
    },
    safeStorage: fakeKeychain(),
    log: (e) => logs.push(e),
    restartDelayMs: 0,
    ...options,
  });
  clients.push(client);
  client.start();
  return { client, forks, logs };
}

describe('the core client', () => {
  it('fails in-flight calls with a clear error when the core crashes, and starts it again', async () => {
    const { client, forks } = withFakes();
    const inFlight = client.call('orders.place', { lines: [] }, 'tok');
    expect(forks[0]!.posted).toEqual([
      { type: 'call', id: 1, name: 'orders.place', input: { lines: [] }, sessionToken: 'tok' },
    ]);
    forks[0]!.emit('exit', 134);
    const answer = await inFlight;
    expect(answer.ok).toBe(false);
    if (!answer.ok) {
      expect(answer.error.code).toBe('INTERNAL');
      expect(answer.error.message).toMatch(/stopped unexpectedly \(exit code 134\)/);
      expect(answer.error.message).toMatch(/check whether your last change was saved/);
    }
    await expect.poll(() => forks.length).toBe(2);
    const next = client.call('orders.list', {});
    forks[1]!.answer(forks[1]!.lastId(), ['an order']);
    expect(await next).toEqual({ ok: true, result: ['an order'] });
  });

  it('sends calls made while the core restarts to the new one', async () => {
    const { client, forks } = withFakes({ restartDelayMs: 30 });
    forks[0]!.emit('exit', 1);
    const waiting = client.call('stock.list', {});
    expect(forks).toHaveLength(1);
    await expect.poll(() => forks.length).toBe(2);
    expect(forks[1]!.posted).toMatchObject([{ type: 'call', name: 'stock.list' }]);
    forks[1]!.answer(forks[1]!.lastId(), 'ok');
    expect(await waiting).toEqual({ ok: true, result: 'ok' });
  });

  it('stops restarting a core that keeps crashing, and says what to do', async () => {
    const { client, forks } = withFakes({ maxCrashes: 2 });
    for (let i = 0; i < 3; i++) {
      await expect.poll(() => forks.length).toBe(i + 1);
      forks[i]!.emit('exit', 1);
    }
    const answer = await client.call('orders.list', {});
    expect(answer).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/keeps stopping.*open it again/) },
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(forks).toHaveLength(3);
  });

  it('tries again when the core cannot even be started', async () => {
    let attempts = 0;
    const forks: FakeProcess[] = [];
    const client = new CoreClient({
      fork: () => {
        if (++attempts === 1) throw new Error('spawn failed');
        const p = new FakeProcess();
        forks.push(p);
        return p;
      },
      safeStorage: fakeKeychain(),
      restartDelayMs: 0,
    });
    clients.push(client);
    client.start();
    const answer = client.call('orders.list', {});
    await expect.poll(() => forks.length).toBe(1);
    forks[0]!.answer(forks[0]!.lastId(), 'ok');
    expect(await answer).toEqual({ ok: true, result: 'ok' });
  });

  it('ignores answers from a dead core and messages that do not fit', async () => {
    const { client, forks, logs } = withFakes();
    const first = client.call('orders.list', {});
    const old = forks[0]!;
    old.emit('exit', 1);
    await first;
    await expect.poll(() => forks.length).toBe(2);
    const second = client.call('orders.list', {});
    old.answer(forks[1]!.lastId(), 'from the dead');
    forks[1]!.emit('message', { type: 'result', id: 'x' });
    forks[1]!.emit('message', 'junk');
    forks[1]!.answer(forks[1]!.lastId(), 'alive');
    expect(await second).toEqual({ ok: true, result: 'alive' });
    expect(
      logs.filter((l) => l['msg'] === 'dropped a malformed message from the core'),
    ).toHaveLength(2);
  });

  it('closes the core cleanly, and stops one that does not close in time', async () => {
    const { client, forks } = withFakes();
    const closing = client.close(1_000);
    expect(forks[0]!.posted).toEqual([{ type: 'shutdown' }]);
    forks[0]!.emit('exit', 0);
    await closing;
    expect(forks[0]!.killed).toBe(false);
    expect(await client.call('orders.list', {})).toMatchObject({
      ok: false,
      error: { message: 'The app is closing.' },
    });

    const stuck = withFakes();
    await stuck.client.close(20);
    expect(stuck.forks[0]!.killed).toBe(true);
    stuck.forks[0]!.emit('exit', 143);
    expect(stuck.forks).toHaveLength(1);
  });
});

describe('the keychain, served to the core', () => {
  const ask = async (keychain: ReturnType<typeof fakeKeychain>, op: string, value: string) => {
    const { forks } = withFakes({ safeStorage: keychain });
    forks[0]!.emit('message', { type: 'seal', id: 7, op, value });
    return forks[0]!.posted.at(-1);
  };

  it('refuses to store the token when safeStorage is unavailable, never in plain text, and says why', async () => {
    const keychain = fakeKeychain(false);
    const reply = await ask(keychain, 'encrypt', 'device-token-123');
    expect(reply).toEqual({
      type: 'seal.reply',
      id: 7,
      reply: {
        ok: false,
        message: expect.stringMatching(
          /secure storage .* not available.*never kept in plain text.*was not stored/,
        ),
      },
    });
    expect(JSON.stringify(reply)).not.toContain('device-token-123');
    expect(keychain.used).toBe(0);
  });

  it('refuses Linux’s basic_text backend, whose key every copy of the app knows', async () => {
    const reply = await ask(fakeKeychain(true, 'basic_text'), 'check', '');
    expect(reply).toMatchObject({
      reply: { ok: false, message: expect.stringMatching(/No keyring/) },
    });
    expect(await ask(fakeKeychain(true, 'gnome_libsecret'), 'check', '')).toMatchObject({
      reply: { ok: true },
    });
  });

  it('encrypts and decrypts with safeStorage when it is there', async () => {
    const keychain = fakeKeychain();
    const sealed = await ask(keychain, 'encrypt', 'device-token-123');
    if (sealed?.type !== 'seal.reply' || !sealed.reply.ok)
      throw new Error('expected a sealed token');
    expect(Buffer.from(sealed.reply.value, 'base64').toString('latin1')).not.toContain(
      'device-token-123',
    );
    expect(await ask(keychain, 'decrypt', sealed.reply.value)).toMatchObject({
      reply: { ok: true, value: 'device-token-123' },
    });
  });
});

describe('the client and the utility process’s service together', () => {
  const temp = () => mkdtempSync(join(tmpdir(), 'fse-core-'));
  const linked = (
    dataDir: string,
    keychain = fakeKeychain(),
    options: Partial<CoreClientOptions> = {},
  ) => {
    const cores: LinkedCore[] = [];
    const client = new CoreClient({
      fork: () => {
        const core = new LinkedCore(dataDir);
        cores.push(core);
        return core;
      },
      safeStorage: keychain,
      restartDelayMs: 0,
      ...options,
    });
    clients.push(client);
    client.start();
    return { client, cores };
  };

  it('runs the contract over the protocol: demo company, sign-in, orders', async () => {
    const { client } = linked(temp());
    expect(await client.call('setup.loadDemo', {})).toMatchObject({ ok: true });
    const login = await client.call('auth.login', { username: 'shop1', password: 'demo1234' });
    if (!login.ok) throw new Error(login.error.message);
    const token = (login.result as { token: string }).token;
    expect(await client.call('orders.list', {}, token)).toMatchObject({
      ok: true,
      result: expect.anything(),
    });
    expect(await client.call('orders.list', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses to enroll, before the code is spent, when the keychain cannot keep the token', async () => {
    const dir = temp();
    const { client } = linked(dir, fakeKeychain(false));
    const answer = await client.call('sync.enroll', {
      serverUrl: 'http://127.0.0.1:9',
      code: 'ABCD-EFGH-JKLM',
      deviceName: 'Till 1',
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE', message: expect.stringMatching(/secure storage/) },
    });
    expect(readdirSync(dir).filter((f) => f.startsWith('device-token'))).toEqual([]);
  });

  it('tells main when the core cannot open its data, and answers every call with why', async () => {
    const failures: string[] = [];
    const client = new CoreClient({
      fork: () =>
        new LinkedCore(temp(), () => {
          throw new DomainError(
            'DATABASE_TOO_NEW',
            'This database was written by a newer version of the app.',
          );
        }),
      safeStorage: fakeKeychain(),
      onStartupFailure: (e) => failures.push(e.code),
    });
    clients.push(client);
    client.start();
    expect(await client.call('orders.list', {})).toMatchObject({
      ok: false,
      error: { code: 'DATABASE_TOO_NEW' },
    });
    expect(failures).toEqual(['DATABASE_TOO_NEW']);
  });

  it('closes the database when the app quits', async () => {
    const dir = temp();
    const { client, cores } = linked(dir);
    await client.call('setup.status', {});
    const host = await cores[0]!.ready;
    await client.close();
    await expect(Promise.resolve(host!.call('setup.status', {}))).rejects.toThrow(/not open/);
    expect(existsSync(join(dir, 'branch.sqlite'))).toBe(true);
  });
});
