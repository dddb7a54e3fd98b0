// Wrong passwords at head office are counted per person and per address they came from, and per
// person from every address together with a higher limit (core/auth/sessions.ts, decision 0038):
// one address guessing, a shop PC's say, locks only itself out, and cannot tell a real username
// from a made-up one by the answers. Calls come from real loopback addresses (127.0.0.x).
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILED_ANYWHERE, MAX_FAILED_LOGINS } from '../core/auth/sessions';
import { http, PASSWORD, startWorld, type World } from './testing/world';

let w: World;
const agents: Agent[] = [];

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w.close();
  await Promise.all(agents.map((a) => a.close()));
});

interface Answer {
  status: number;
  code: string | null;
  message: string | null;
}

/** A caller at one loopback address (the server listens on 127.0.0.1 and hears any 127.x). */
function from(address: string) {
  const agent = new Agent({ localAddress: address });
  agents.push(agent);
  return async (name: string, input: unknown, token?: string): Promise<Answer> => {
    const response = await undiciFetch(`${w.base}/api/${name}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(input),
      dispatcher: agent,
    });
    const body = (await response.json()) as { error?: { code: string; message: string } };
    return {
      status: response.status,
      code: body.error?.code ?? null,
      message: body.error?.message ?? null,
    };
  };
}

const guesses = async (caller: ReturnType<typeof from>, username: string, n: number) => {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i++)
    answers.push(await caller('auth.login', { username, password: `wrong-guess-${i}` }));
  return answers;
};

describe('wrong passwords at head office', () => {
  it('lock one address out of an account, while the person signs in from another', async () => {
    const attacker = from('127.0.0.2');
    const answers = await guesses(attacker, 'admin', MAX_FAILED_LOGINS);
    expect(answers.map((a) => a.code)).toEqual([
      ...Array<string>(MAX_FAILED_LOGINS - 1).fill('LOGIN_FAILED'),
      'ACCOUNT_LOCKED',
    ]);
    // The right password from the guessing address is refused while the lock lasts...
    expect((await attacker('auth.login', { username: 'admin', password: PASSWORD })).code).toBe(
      'ACCOUNT_LOCKED',
    );
    // ...and the admin at another address signs in, and sees the account marked locked.
    const admin = from('127.0.0.3');
    const signedIn = await http<{ result: { token: string } }>(w.base, 'POST', '/api/auth.login', {
      username: 'admin',
      password: PASSWORD,
    });
    expect(signedIn.status).toBe(200);
    expect((await admin('auth.login', { username: 'admin', password: PASSWORD })).status).toBe(200);
    const users = await http<{ result: { username: string; locked: number }[] }>(
      w.base,
      'POST',
      '/api/users.list',
      {},
      signedIn.body.result.token,
    );
    expect(users.body.result.find((u) => u.username === 'admin')?.locked).toBe(1);
  });

  it('answer a username no one has as they answer a real one, lock included', async () => {
    const real = await guesses(from('127.0.0.4'), 'shop1', MAX_FAILED_LOGINS + 1);
    const madeUp = await guesses(from('127.0.0.5'), 'no-such-clerk', MAX_FAILED_LOGINS + 1);
    expect(real.map((a) => a.code)).toEqual([
      ...Array<string>(MAX_FAILED_LOGINS - 1).fill('LOGIN_FAILED'),
      'ACCOUNT_LOCKED',
      'ACCOUNT_LOCKED',
    ]);
    expect(madeUp).toEqual(real);
    // The real clerk at another address is not locked out.
    expect(
      (await from('127.0.0.6')('auth.login', { username: 'shop1', password: PASSWORD })).status,
    ).toBe(200);
  });

  it('from many addresses together lock the account everywhere, until an admin unlocks it', async () => {
    const places = Math.ceil(MAX_FAILED_ANYWHERE / MAX_FAILED_LOGINS);
    const codes: (string | null)[] = [];
    for (let p = 0; p < places; p++)
      for (const a of await guesses(from(`127.0.1.${p + 1}`), 'finance', MAX_FAILED_LOGINS))
        codes.push(a.code);
    // Each address is locked by its own fifth; the last one also reaches the limit of all.
    expect(codes.filter((c) => c === 'ACCOUNT_LOCKED')).toHaveLength(places);
    const elsewhere = from('127.0.2.1');
    expect((await elsewhere('auth.login', { username: 'finance', password: PASSWORD })).code).toBe(
      'ACCOUNT_LOCKED',
    );
    const list = await http<{ result: { id: string; username: string }[] }>(
      w.base,
      'POST',
      '/api/users.list',
      {},
      w.adminToken,
    );
    const finance = list.body.result.find((u) => u.username === 'finance')!;
    const unlocked = await http(
      w.base,
      'POST',
      '/api/users.update',
      { id: finance.id, unlock: true },
      w.adminToken,
    );
    expect(unlocked.status).toBe(200);
    expect(
      (await elsewhere('auth.login', { username: 'finance', password: PASSWORD })).status,
    ).toBe(200);
    // The unlock forgot every address's count: the first guessing address starts again at one.
    expect(
      (await guesses(from('127.0.1.1'), 'finance', MAX_FAILED_LOGINS - 1)).map((a) => a.code),
    ).toEqual(Array<string>(MAX_FAILED_LOGINS - 1).fill('LOGIN_FAILED'));
  });

  it('one short of the limit from every address leaves the account open to the right password', async () => {
    const places = Math.floor((MAX_FAILED_ANYWHERE - 1) / (MAX_FAILED_LOGINS - 1));
    for (let p = 0; p < places; p++)
      expect(
        (await guesses(from(`127.0.3.${p + 1}`), 'shop2', MAX_FAILED_LOGINS - 1)).map(
          (a) => a.code,
        ),
      ).toEqual(Array<string>(MAX_FAILED_LOGINS - 1).fill('LOGIN_FAILED'));
    expect(
      (await from('127.0.3.200')('auth.login', { username: 'shop2', password: PASSWORD })).status,
    ).toBe(200);
  });
});
