import { z } from 'zod';
import { eq } from 'drizzle-orm';
import { users } from '../db/schema';
import { describe, expect, it } from 'vitest';
import { roleHas, type Permission, type Role } from '../vocabulary';
import { stateHash } from '../db/stateHash';
import { BugError, DomainError, serializeError, statusForError } from '../errors';
import { demoUsernames, failure, openDemo, type DemoUser, type DemoWorld } from '../testing/demo';
import { operations } from './api';
import { command, type Access, type Operation } from './define';
import { customerMayCall, execute, parseInput } from './execute';

const allOps: [string, Operation][] = Object.entries(operations);

const isPermission = (access: Access): access is Permission =>
  access !== 'public' && access !== 'signed-in';

/** Calls by name with raw input, as a transport does; the promise rejects with the error. */
const callRaw = (world: DemoWorld, name: string, input: unknown, token?: string) =>
  Promise.resolve().then(() => world.core.callRaw(name, input, token));

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof DomainError ? error.code : 'INTERNAL';
  }
}

function roleOf(world: DemoWorld, user: DemoUser): Role {
  const [row] = world.core.db.orm
    .select({ role: users.role })
    .from(users)
    .where(eq(users.username, user))
    .all();
  if (!row) throw new Error(`no user ${user}`);
  return row.role;
}

describe('the operations registry', () => {
  // Before anyone can sign in, a PC must be set up or enrolled, and show whether it syncs.
  const publicNames = [
    'auth.login',
    // Whether head office serves the customer portal, asked before a customer signs in.
    'portal.status',
    'setup.initialize',
    'setup.loadDemo',
    'setup.status',
    'sync.enroll',
    'sync.status',
  ];

  it("makes only setup, enrollment, sync status, login and the portal's status public", () => {
    const publicOps = allOps.filter(([, op]) => op.access === 'public').map(([name]) => name);
    expect(publicOps.sort()).toEqual([...publicNames].sort());
  });
});

describe('without a session', () => {
  it('every operation but the public ones answers UNAUTHENTICATED, and nothing changes', async () => {
    const world = await openDemo();
    const before = stateHash(world.core.db);
    let checked = 0;
    for (const [name, op] of allOps) {
      const code = await outcome(callRaw(world, name, {}));
      if (op.access === 'public') expect(code, name).not.toBe('UNAUTHENTICATED');
      else {
        expect(code, name).toBe('UNAUTHENTICATED');
        checked++;
      }
    }
    expect(checked).toBe(allOps.length - allOps.filter(([, op]) => op.access === 'public').length);
    expect(checked).toBeGreaterThan(40);
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('a valid input does not get past the check either', async () => {
    const world = await openDemo();
    const error = await failure(
      callRaw(world, 'stock.adjust', {
        branchId: world.branch.SH01,
        variantId: world.variant['TS-WHT-M'],
        quantity: 5,
        reason: 'found in the back',
      }),
    );
    expect(error.code).toBe('UNAUTHENTICATED');
  });
});

describe('permissions', () => {
  it("the customer role is FORBIDDEN every operation needing a permission it lacks, and every signed-in one that shows the company's own data", async () => {
    const world = await openDemo();
    expect(roleOf(world, 'customer')).toBe('customer');
    const before = stateHash(world.core.db);
    const expectedForbidden = allOps
      .filter(
        ([name, op]) =>
          (isPermission(op.access) && !roleHas('customer', op.access)) ||
          (op.access === 'signed-in' && !customerMayCall.has(name)),
      )
      .map(([name]) => name);
    expect(expectedForbidden.length).toBeGreaterThan(0);
    const forbidden: string[] = [];
    for (const [name, op] of allOps) {
      if (name === 'auth.logout') continue; // would end the session the loop uses
      const error = await outcome(callRaw(world, name, {}, world.tokens.customer));
      if (error === 'FORBIDDEN') forbidden.push(name);
      if (isPermission(op.access) && !roleHas('customer', op.access)) {
        const e = await failure(callRaw(world, name, {}, world.tokens.customer));
        expect(e.details['permission'], name).toBe(op.access);
        expect(e.message, name).toMatch(/customer may not/);
      }
    }
    expect(forbidden.sort()).toEqual(expectedForbidden.sort());
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('every role is FORBIDDEN exactly the operations its permissions leave out', async () => {
    const world = await openDemo();
    const permissionOps = allOps.filter(([, op]) => isPermission(op.access));
    for (const user of demoUsernames) {
      const role = roleOf(world, user);
      for (const [name, op] of permissionOps) {
        if (!isPermission(op.access)) continue;
        const code = await outcome(callRaw(world, name, {}, world.tokens[user]));
        if (roleHas(role, op.access)) expect(code, `${role} ${name}`).not.toBe('FORBIDDEN');
        else expect(code, `${role} ${name}`).toBe('FORBIDDEN');
      }
    }
  });

  it('a shop clerk may not manage users, change the catalog, verify payments or dispatch', async () => {
    const world = await openDemo();
    const order = await world.as('shop1')('orders.place', {
      lines: [{ variantId: world.variant['TS-WHT-M'] ?? '', quantity: 2 }],
    });
    const before = stateHash(world.core.db);
    const attempts: [string, unknown][] = [
      [
        'users.create',
        {
          username: 'newclerk',
          displayName: 'New Clerk',
          role: 'admin',
          branchId: world.branch.SH01,
          password: 'password123',
        },
      ],
      [
        'catalog.createProduct',
        {
          name: 'Socks',
          category: 'Apparel',
          variants: [{ sku: 'SOCK-1', price: 100, cost: 50 }],
        },
      ],
      ['orders.verifyPayment', { orderId: order.id, amount: order.total }],
      ['orders.dispatch', { orderId: order.id, vehicle: 'AA-12345' }],
    ];
    for (const [name, input] of attempts) {
      const error = await failure(callRaw(world, name, input, world.tokens.shop1));
      expect(error.code, name).toBe('FORBIDDEN');
      expect(error.message, name).toMatch(/shop clerk may not/);
    }
    expect(stateHash(world.core.db)).toBe(before);
    // The same calls are allowed to the roles that hold the permission.
    await expect(
      callRaw(world, 'catalog.createProduct', attempts[1]?.[1], world.tokens.admin),
    ).resolves.toEqual({ id: expect.any(String), variantIds: [expect.any(String)] });
    expect(stateHash(world.core.db)).not.toBe(before);
  });
});

describe('unknown operations', () => {
  it('are refused with UNKNOWN_COMMAND, even names every object has', async () => {
    const world = await openDemo();
    for (const name of [
      'orders.delete',
      '',
      'toString',
      'constructor',
      '__proto__',
      'hasOwnProperty',
    ]) {
      const error = await failure(callRaw(world, name, {}, world.tokens.admin));
      expect(error.code, name).toBe('UNKNOWN_COMMAND');
      expect((await failure(callRaw(world, name, {}))).code, name).toBe('UNKNOWN_COMMAND');
    }
  });
});

describe('input validation', () => {
  it('names the path of a bad field inside a list', async () => {
    const world = await openDemo();
    const error = await failure(
      world.as('shop1')('orders.place', {
        lines: [{ variantId: world.variant['TS-WHT-M'] ?? '', quantity: -3 }],
      }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.field).toBe('lines.0.quantity');
    expect(error.message).toContain('lines.0.quantity');
  });

  it('names a bad branch code', async () => {
    const world = await openDemo();
    const error = await failure(
      world.as('admin')('branches.create', { code: 'shop 3', name: 'Third shop', kind: 'shop' }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.field).toBe('code');
    expect(error.details['issues']).toEqual([
      { field: 'code', message: expect.any(String), rule: 'format' },
    ]);
  });

  it('says which kind of rule each issue broke, with its limit, for screens in other languages', () => {
    const schema = z.object({
      name: z.string().min(1, 'must not be empty'),
      code: z.string().min(3).max(5),
      quantity: z.number().positive(),
      share: z.number().min(1).max(100),
      below: z.number().lt(10),
      lines: z.array(z.number()).min(1),
      kind: z.enum(['shop', 'factory']),
      day: z.string().regex(/^\d{4}$/),
      own: z.number().refine((n) => n % 2 === 0, 'must be even'),
      missing: z.string(),
      missingWithOwnMessage: z.number({ error: 'is required: enter the amount' }),
      wrong: z.number(),
    });
    const issues = (() => {
      try {
        parseInput(schema, {
          name: '',
          code: 'ab',
          quantity: 0,
          share: 101,
          below: 10,
          lines: [],
          kind: 'office',
          day: 'x',
          own: 3,
          wrong: 'seven',
        });
      } catch (error) {
        if (error instanceof DomainError) return error.details.issues ?? [];
      }
      return [];
    })();
    const rules = Object.fromEntries(issues.map((i) => [i.field, [i.rule, i.limit]]));
    expect(rules).toEqual({
      name: ['required', undefined],
      code: ['min_length', 3],
      quantity: ['more_than', 0],
      share: ['max', 100],
      below: ['less_than', 10],
      lines: ['min_items', 1],
      kind: ['choice', undefined],
      day: ['format', undefined],
      own: ['other', undefined],
      missing: ['required', undefined],
      missingWithOwnMessage: ['required', undefined],
      wrong: ['type', undefined],
    });
    // The English message stays as the core wrote it.
    expect(issues.find((i) => i.field === 'own')?.message).toBe('must be even');
  });

  it('lists every bad field in details.issues', async () => {
    const world = await openDemo();
    const before = stateHash(world.core.db);
    const order = await failure(
      world.as('shop1')('orders.place', {
        note: 'x'.repeat(501),
        lines: [
          { variantId: '', quantity: -1 },
          { variantId: world.variant['CUP-SML'] ?? '', quantity: 1.5 },
        ],
      }),
    );
    const fields = (order.details['issues'] as { field: string }[]).map((i) => i.field);
    expect(fields.sort()).toEqual(
      ['lines.0.quantity', 'lines.0.variantId', 'lines.1.quantity', 'note'].sort(),
    );
    for (const field of fields) expect(order.message).toContain(field);

    const branch = await failure(
      callRaw(
        world,
        'branches.create',
        { code: 'x', name: '  ', kind: 'castle' },
        world.tokens.admin,
      ),
    );
    expect(branch.field).toBe('code');
    expect((branch.details['issues'] as { field: string }[]).map((i) => i.field).sort()).toEqual([
      'code',
      'kind',
      'name',
    ]);
    expect(stateHash(world.core.db)).toBe(before);
  });

  it('refuses a day not on the calendar, and text with characters no one types, writing nothing', async () => {
    const world = await openDemo();
    const produce = world.as('factory');
    const variantId = world.variant['CUP-SML'] ?? '';
    const before = stateHash(world.core.db);
    for (const producedOn of [
      '2026-02-31',
      '2025-02-29',
      '2026-13-01',
      '2026-00-10',
      '0000-00-00',
    ]) {
      const error = await failure(
        produce('production.record', { variantId, quantity: 1, producedOn }),
      );
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('producedOn');
      expect(error.message).toContain('not a day of the calendar');
    }
    const named = (name: string) =>
      failure(
        callRaw(world, 'branches.create', { code: 'SH09', name, kind: 'shop' }, world.tokens.admin),
      );
    for (const name of ['\u202eexe.live', 'Shop\u0000Nine', 'Shop\u0007', 'a\u2066b']) {
      const error = await named(name);
      expect(error.field).toBe('name');
      expect(error.message).toContain('control characters');
    }
    // Nothing but zero-width characters reads as nothing wherever it is shown.
    const blank = await named('\u200b\u200d\ufeff');
    expect(blank.field).toBe('name');
    expect(blank.message).toContain('must not be empty');
    // A note's line break and an optional text's override are told apart as well.
    const note = await failure(
      produce('production.record', {
        variantId,
        quantity: 1,
        producedOn: '2024-02-29',
        notes: 'x\u202e',
      }),
    );
    expect(note.field).toBe('notes');
    expect(stateHash(world.core.db)).toBe(before);
    // A leap day, a line break in a note and an Amharic name with a zero-width joiner pass.
    await produce('production.record', {
      variantId,
      quantity: 1,
      producedOn: '2024-02-29',
      notes: 'first line\nsecond line',
    });
    await world.as('admin')('branches.create', { code: 'SH09', name: 'ሱቅ\u200dዘጠኝ', kind: 'shop' });
    expect(stateHash(world.core.db)).not.toBe(before);
  });

  it('refuses an input that is not an object, naming no field', async () => {
    const world = await openDemo();
    const error = await failure(callRaw(world, 'branches.create', 'SH03', world.tokens.admin));
    expect(error.code).toBe('VALIDATION');
    expect(error.field).toBe('');
    // A missing input counts as an empty one: the missing fields are named.
    const missing = await failure(callRaw(world, 'branches.create', undefined, world.tokens.admin));
    expect((missing.details['issues'] as { field: string }[]).map((i) => i.field).sort()).toEqual([
      'code',
      'kind',
      'name',
    ]);
  });
});

describe('execute', () => {
  it('rolls back everything a failing command wrote', async () => {
    const world = await openDemo();
    const ctx = await world.core.signedIn(world.tokens.admin);
    const ops = {
      'test.fail': command({
        access: 'signed-in',
        input: z.object({}),
        handler: (c) => {
          c.db.sqlite.prepare(`INSERT INTO meta (key, value) VALUES ('half', 'done')`).run();
          throw new DomainError('INVALID_STATE', 'stop here');
        },
      }),
    };
    expect(() => execute(ops, ctx, 'test.fail', {})).toThrow('stop here');
    expect(
      world.core.db.sqlite.prepare(`SELECT 1 FROM meta WHERE key = 'half'`).get(),
    ).toBeUndefined();
  });

  it('treats a command that returns a promise as a bug, and rolls it back', async () => {
    const world = await openDemo();
    const ctx = await world.core.signedIn(world.tokens.admin);
    const ops = {
      'test.async': command({
        access: 'signed-in',
        input: z.object({}),
        handler: async (c) => {
          c.db.sqlite.prepare(`INSERT INTO meta (key, value) VALUES ('async', 'done')`).run();
          return 1;
        },
      }),
    };
    expect(() => execute(ops, ctx, 'test.async', {})).toThrow(BugError);
    expect(
      world.core.db.sqlite.prepare(`SELECT 1 FROM meta WHERE key = 'async'`).get(),
    ).toBeUndefined();
  });
});

describe('serializeError', () => {
  it('turns a DomainError into code, message, field and issues', () => {
    const issues = [
      { field: 'lines.0.quantity', message: 'must be greater than 0' },
      { field: 'note', message: 'is too long' },
    ];
    const error = new DomainError('VALIDATION', 'bad input', { field: 'lines.0.quantity', issues });
    expect(serializeError(error)).toEqual({
      code: 'VALIDATION',
      message: 'bad input',
      field: 'lines.0.quantity',
      issues,
    });
    expect(statusForError(serializeError(error))).toBe(400);
  });

  it('keeps other details apart and leaves out what is not there', () => {
    const error = new DomainError('INSUFFICIENT_STOCK', 'only 3', { field: 'quantity', onHand: 3 });
    expect(serializeError(error)).toEqual({
      code: 'INSUFFICIENT_STOCK',
      message: 'only 3',
      field: 'quantity',
      details: { onHand: 3 },
    });
    const bare = serializeError(new DomainError('NOT_FOUND', 'gone'));
    expect(bare).toEqual({ code: 'NOT_FOUND', message: 'gone' });
    expect(Object.keys(bare).sort()).toEqual(['code', 'message']);
  });

  it('survives JSON as it is sent over IPC and HTTP', async () => {
    const world = await openDemo();
    let thrown: unknown;
    try {
      await world.core.callRaw(
        'branches.create',
        { code: 'bad code', name: 'X', kind: 'shop' },
        world.tokens.admin,
      );
    } catch (error) {
      thrown = error;
    }
    const serialized = serializeError(thrown);
    expect(serialized.code).toBe('VALIDATION');
    expect(serialized.field).toBe('code');
    expect(JSON.parse(JSON.stringify(serialized))).toEqual(serialized);
  });

  it('hides the message of a plain Error or a BugError behind INTERNAL', () => {
    const secret = 'SQLITE_CORRUPT at C:\\Users\\clerk\\AppData\\branch.sqlite';
    for (const error of [
      new Error(secret),
      new BugError(secret),
      new TypeError(secret),
      secret,
      null,
    ]) {
      const serialized = serializeError(error);
      expect(serialized.code).toBe('INTERNAL');
      expect(serialized.message).not.toContain('SQLITE');
      expect(serialized.message).not.toContain('AppData');
      expect(Object.keys(serialized).sort()).toEqual(['code', 'message']);
      expect(statusForError(serialized)).toBe(500);
    }
  });
});
