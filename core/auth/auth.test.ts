import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../db/schema';
import { DEMO_PASSWORD } from '../demo/seed';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { verifyPassword } from './password';
import { LOCKOUT_MS, MAX_FAILED_LOGINS, SESSION_TTL_MS } from './sessions';

const HOUR = 60 * 60 * 1000;

/** A demo world whose clock the test moves by hand. */
async function worldWithClock() {
  const clock = { now: Date.now() };
  const world = await openDemo({ now: () => clock.now });
  return { world, clock };
}

const login = (world: DemoWorld, username: string, password = DEMO_PASSWORD) =>
  world.core.call('auth.login', { username, password });

const me = (world: DemoWorld, token: string) => world.core.call('auth.me', {}, token);

const userRow = (world: DemoWorld, username: string) => {
  const [row] = world.core.db.orm
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.username, username))
    .all();
  if (!row) throw new Error(`no user ${username}`);
  return row;
};

const storedHash = (world: DemoWorld, username: string) => userRow(world, username).passwordHash;

const userId = (world: DemoWorld, username: string) => userRow(world, username).id;

async function failLogins(world: DemoWorld, username: string, times: number) {
  const errors = [];
  for (let i = 0; i < times; i++)
    errors.push(await failure(login(world, username, 'wrong password')));
  return errors;
}

describe('password storage', () => {
  it('stores scrypt with at least OWASP parameters and a per-user salt', async () => {
    const world = await openDemo();
    const hashes = ['admin', 'shop1', 'shop2'].map((u) => storedHash(world, u));
    for (const stored of hashes) {
      const [scheme, n, r, p, salt, key] = stored.split('$');
      expect(scheme).toBe('scrypt');
      expect(Number(n)).toBeGreaterThanOrEqual(2 ** 17);
      expect(Number(r)).toBeGreaterThanOrEqual(8);
      expect(Number(p)).toBeGreaterThanOrEqual(1);
      expect(Buffer.from(salt ?? '', 'base64').length).toBeGreaterThanOrEqual(16);
      expect(Buffer.from(key ?? '', 'base64').length).toBeGreaterThanOrEqual(32);
      expect(stored).not.toContain(DEMO_PASSWORD);
      expect(await verifyPassword(DEMO_PASSWORD, stored)).toBe(true);
      expect(await verifyPassword(`${DEMO_PASSWORD}x`, stored)).toBe(false);
    }
    // Every demo user has the same password, yet no two hashes or salts are alike.
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(new Set(hashes.map((h) => h.split('$')[4])).size).toBe(hashes.length);
  });
});

describe('login', () => {
  it('returns a token that auth.me accepts, naming the person', async () => {
    const world = await openDemo();
    const session = await login(world, 'shop1');
    expect(session.userId).toBe(userId(world, 'shop1'));
    expect(session.role).toBe('shop_clerk');
    const actor = await me(world, session.token);
    expect(actor).toMatchObject({
      userId: session.userId,
      username: 'shop1',
      branchId: world.branch.SH01,
    });
    // The token itself is not stored, only its hash.
    const stored = world.core.db.orm.select({ tokenHash: sessions.tokenHash }).from(sessions).all();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.some((s) => s.tokenHash === session.token)).toBe(false);
  });

  it('accepts the username in any case', async () => {
    const world = await openDemo();
    expect((await login(world, 'Shop1')).userId).toBe(userId(world, 'shop1'));
  });

  it('refuses a wrong password and an unknown username with the same message', async () => {
    const world = await openDemo();
    const wrong = await failure(login(world, 'shop1', 'not the password'));
    expect(wrong.code).toBe('LOGIN_FAILED');
    expect(wrong.field).toBe('password');
    const unknown = await failure(login(world, 'nobody', DEMO_PASSWORD));
    expect(unknown.code).toBe('LOGIN_FAILED');
    expect(unknown.field).toBe('password');
    expect(unknown.message).toBe(wrong.message);
  });

  it('locks the account after five wrong passwords, even against the right one', async () => {
    const { world, clock } = await worldWithClock();
    const errors = await failLogins(world, 'shop1', MAX_FAILED_LOGINS);
    expect(MAX_FAILED_LOGINS).toBe(5);
    expect(errors.slice(0, -1).map((e) => e.code)).toEqual(
      Array(MAX_FAILED_LOGINS - 1).fill('LOGIN_FAILED'),
    );
    expect(errors.at(-1)?.code).toBe('ACCOUNT_LOCKED');
    clock.now += LOCKOUT_MS - 1000;
    expect((await failure(login(world, 'shop1'))).code).toBe('ACCOUNT_LOCKED');
    // Other accounts are not affected.
    expect((await login(world, 'shop2')).role).toBe('shop_clerk');
    const listed = await world.as('admin')('users.list', {});
    expect(listed.find((u) => u.username === 'shop1')?.locked).toBe(1);
  });

  it('counts each of several wrong passwords checked at the same time toward the lockout', async () => {
    const world = await openDemo();
    // The checks run off the main thread side by side; each is counted on the account as it is
    // when its check ends, so none is lost to another.
    const errors = await Promise.all(
      Array.from({ length: MAX_FAILED_LOGINS }, () =>
        failure(login(world, 'shop1', 'wrong password')),
      ),
    );
    expect(errors.map((e) => e.code).sort()).toEqual(
      ['ACCOUNT_LOCKED', ...Array<string>(MAX_FAILED_LOGINS - 1).fill('LOGIN_FAILED')].sort(),
    );
    expect((await failure(login(world, 'shop1'))).code).toBe('ACCOUNT_LOCKED');
  });

  it('lets the person in again once the 15 minutes are over', async () => {
    const { world, clock } = await worldWithClock();
    await failLogins(world, 'shop1', MAX_FAILED_LOGINS);
    expect(LOCKOUT_MS).toBe(15 * 60 * 1000);
    clock.now += LOCKOUT_MS;
    const session = await login(world, 'shop1');
    expect((await me(world, session.token)).username).toBe('shop1');
    // The count starts afresh: one wrong password does not lock again.
    expect((await failure(login(world, 'shop1', 'wrong password'))).code).toBe('LOGIN_FAILED');
  });

  it('counts wrong passwords afresh after a successful login', async () => {
    const world = await openDemo();
    await failLogins(world, 'shop1', MAX_FAILED_LOGINS - 1);
    await login(world, 'shop1');
    const errors = await failLogins(world, 'shop1', MAX_FAILED_LOGINS - 1);
    expect(errors.every((e) => e.code === 'LOGIN_FAILED')).toBe(true);
    expect((await login(world, 'shop1')).userId).toBe(userId(world, 'shop1'));
  });

  it('is unlocked at once by an admin', async () => {
    const world = await openDemo();
    await failLogins(world, 'shop1', MAX_FAILED_LOGINS);
    expect((await failure(login(world, 'shop1'))).code).toBe('ACCOUNT_LOCKED');
    await world.as('admin')('users.update', { id: userId(world, 'shop1'), unlock: true });
    expect((await login(world, 'shop1')).role).toBe('shop_clerk');
  });

  it('on a PC keeps one count per person, and refuses to count a place it does not keep', async () => {
    const world = await openDemo();
    const id = userId(world, 'shop1');
    const policy = { maxAttempts: MAX_FAILED_LOGINS, lockMs: LOCKOUT_MS };
    await expect(world.core.sessions.recordFailedLogin(id, '10.0.0.1', 1, policy)).rejects.toThrow(
      /at the PC only/,
    );
    await expect(world.core.sessions.loginState(id, '*')).rejects.toThrow(/at the PC only/);
    expect(await world.core.sessions.loginState(id, '')).toBeNull();
    await failLogins(world, 'shop1', 2);
    expect(await world.core.sessions.loginStates()).toEqual([
      { userId: id, origin: '', failedAttempts: 2, lockedUntil: null },
    ]);
  });
});

describe('sessions', () => {
  it('expire after 12 hours', async () => {
    const { world, clock } = await worldWithClock();
    const { token, expiresAt } = await login(world, 'finance');
    expect(SESSION_TTL_MS).toBe(12 * HOUR);
    expect(expiresAt).toBe(clock.now + 12 * HOUR);
    clock.now += 12 * HOUR - 1;
    expect((await me(world, token)).username).toBe('finance');
    clock.now += 1;
    expect((await failure(me(world, token))).code).toBe('SESSION_EXPIRED');
    // The expired session is gone, not merely refused.
    expect((await failure(me(world, token))).code).toBe('UNAUTHENTICATED');
  });

  it('end on logout', async () => {
    const world = await openDemo();
    const { token } = await login(world, 'shop2');
    await world.core.call('auth.logout', {}, token);
    expect((await failure(me(world, token))).code).toBe('UNAUTHENTICATED');
  });

  it('refuse a made-up token', async () => {
    const world = await openDemo();
    expect((await failure(me(world, 'made-up-token'))).code).toBe('UNAUTHENTICATED');
  });
});

describe('disabling a user', () => {
  it('ends their sessions at once and keeps them from logging in', async () => {
    const world = await openDemo();
    const other = await login(world, 'shop1');
    const shop1 = userId(world, 'shop1');
    await world.as('admin')('users.update', { id: shop1, disabled: true });
    expect((await failure(world.as('shop1')('auth.me', {}))).code).toBe('UNAUTHENTICATED');
    expect((await failure(me(world, other.token))).code).toBe('UNAUTHENTICATED');
    const refused = await failure(login(world, 'shop1'));
    expect(refused.code).toBe('ACCOUNT_DISABLED');
    // A wrong password says nothing about whether the account is disabled.
    expect((await failure(login(world, 'shop1', 'wrong password'))).code).toBe('LOGIN_FAILED');

    await world.as('admin')('users.update', { id: shop1, disabled: false });
    expect((await login(world, 'shop1')).userId).toBe(shop1);
  });

  it('is refused for an admin disabling themselves or dropping their own admin role', async () => {
    const world = await openDemo();
    const admin = userId(world, 'admin');
    expect(
      (await failure(world.as('admin')('users.update', { id: admin, disabled: true }))).code,
    ).toBe('INVALID_STATE');
    expect(
      (await failure(world.as('admin')('users.update', { id: admin, role: 'finance' }))).code,
    ).toBe('INVALID_STATE');
    expect((await me(world, world.tokens.admin)).role).toBe('admin');
  });

  it('does not end the sessions of a user who was only renamed', async () => {
    const world = await openDemo();
    await world.as('admin')('users.update', { id: userId(world, 'shop1'), displayName: 'Sara T.' });
    expect((await world.as('shop1')('auth.me', {})).displayName).toBe('Sara T.');
  });
});

describe('changing a password', () => {
  it('ends the other sessions and hands back a working one', async () => {
    const world = await openDemo();
    const second = await login(world, 'shop1');
    const newPassword = 'a much better password';
    const fresh = await world.as('shop1')('auth.changePassword', {
      currentPassword: DEMO_PASSWORD,
      newPassword,
    });
    expect((await failure(me(world, second.token))).code).toBe('UNAUTHENTICATED');
    expect((await failure(world.as('shop1')('auth.me', {}))).code).toBe('UNAUTHENTICATED');
    expect((await me(world, fresh.token)).username).toBe('shop1');
    // Another user's session is left alone.
    expect((await world.as('shop2')('auth.me', {})).username).toBe('shop2');

    expect((await failure(login(world, 'shop1'))).code).toBe('LOGIN_FAILED');
    expect((await login(world, 'shop1', newPassword)).userId).toBe(userId(world, 'shop1'));
  });

  it('requires the current password', async () => {
    const world = await openDemo();
    const before = storedHash(world, 'shop1');
    const error = await failure(
      world.as('shop1')('auth.changePassword', {
        currentPassword: 'guess',
        newPassword: 'something new 1',
      }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.field).toBe('currentPassword');
    expect(storedHash(world, 'shop1')).toBe(before);
    expect((await world.as('shop1')('auth.me', {})).username).toBe('shop1');
  });

  it('counts a wrong current password as a wrong sign-in: the fifth locks the account and ends that sign-in', async () => {
    const { world, clock } = await worldWithClock();
    const before = storedHash(world, 'shop1');
    const guess = (currentPassword: string) =>
      failure(
        world.as('shop1')('auth.changePassword', { currentPassword, newPassword: 'taken over 1' }),
      );
    const codes = [];
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) codes.push((await guess(`guess ${i}`)).code);
    expect(codes).toEqual([
      ...Array<string>(MAX_FAILED_LOGINS - 1).fill('VALIDATION'),
      'ACCOUNT_LOCKED',
    ]);
    // The sign-in that guessed is over, the right password is refused until the lock ends,
    // and the password is what it was.
    expect((await failure(world.as('shop1')('auth.me', {}))).code).toBe('UNAUTHENTICATED');
    expect((await failure(login(world, 'shop1'))).code).toBe('ACCOUNT_LOCKED');
    expect(storedHash(world, 'shop1')).toBe(before);
    // Wrong sign-ins and wrong current passwords are one count: four of one, one of the other.
    clock.now += LOCKOUT_MS + 1000;
    const other = await login(world, 'shop1');
    await failLogins(world, 'shop1', MAX_FAILED_LOGINS - 1);
    const last = await failure(
      world.core.call(
        'auth.changePassword',
        { currentPassword: 'one more guess', newPassword: 'taken over 1' },
        other.token,
      ),
    );
    expect(last.code).toBe('ACCOUNT_LOCKED');
    expect((await failure(login(world, 'shop1'))).code).toBe('ACCOUNT_LOCKED');
    expect(storedHash(world, 'shop1')).toBe(before);
  });

  it('by an admin also ends the user’s sessions', async () => {
    const world = await openDemo();
    await world.as('admin')('users.update', {
      id: userId(world, 'shop2'),
      password: 'reset by admin',
    });
    expect((await failure(world.as('shop2')('auth.me', {}))).code).toBe('UNAUTHENTICATED');
    expect((await login(world, 'shop2', 'reset by admin')).role).toBe('shop_clerk');
  });
});

describe('setup', () => {
  it('is refused once the PC is set up', async () => {
    const world = await openDemo();
    expect((await world.core.call('setup.status', {})).initialized).toBe(true);
    const usersBefore = world.core.db.sqlite.prepare('SELECT count(*) AS n FROM users').get();
    const error = await failure(
      world.core.call('setup.initialize', {
        branch: { code: 'NEW', name: 'Takeover', kind: 'head_office' },
        admin: { username: 'intruder', displayName: 'Intruder', password: 'intruder-password' },
      }),
    );
    expect(error.code).toBe('INVALID_STATE');
    expect(world.core.db.sqlite.prepare('SELECT count(*) AS n FROM users').get()).toEqual(
      usersBefore,
    );
    expect((await failure(login(world, 'intruder', 'intruder-password'))).code).toBe(
      'LOGIN_FAILED',
    );
  });
});
