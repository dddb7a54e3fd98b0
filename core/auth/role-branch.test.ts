// A role only at the kinds of branch it belongs to (vocabulary's roleBranchKinds), when a user
// is created or moved; refused in the core with a stable code, nothing written.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../db/schema';
import { stateHash } from '../db/stateHash';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { roleBelongsAt, roles, type BranchKind } from '../vocabulary';

const placeOf = (world: DemoWorld, username: string) =>
  world.core.db.orm
    .select({ id: users.id, role: users.role, branchId: users.branchId })
    .from(users)
    .where(eq(users.username, username))
    .get()!;

describe('a role at a kind of branch', () => {
  it('refuses a shop clerk created at the factory, naming the branch and what to do', async () => {
    const world = await openDemo();
    const before = stateHash(world.core.db);
    const refused = await failure(
      world.as('admin')('users.create', {
        username: 'mekdes',
        displayName: 'Mekdes',
        role: 'shop_clerk',
        branchId: world.branch.FAC,
        password: 'long enough password',
      }),
    );
    expect(refused).toMatchObject({
      code: 'ROLE_NOT_AT_BRANCH_KIND',
      field: 'branchId',
      details: { role: 'shop_clerk', branchKind: 'factory', allowedKinds: ['shop'] },
    });
    expect(refused.message).toMatch(
      /^branchId: the role “shop clerk” works only at a shop, and Akaki Factory is a factory; choose a shop branch/,
    );
    expect(stateHash(world.core.db)).toBe(before);
    await world.as('admin')('users.create', {
      username: 'mekdes',
      displayName: 'Mekdes',
      role: 'shop_clerk',
      branchId: world.branch.SH02,
      password: 'long enough password',
    });
    expect(placeOf(world, 'mekdes')).toMatchObject({
      role: 'shop_clerk',
      branchId: world.branch.SH02,
    });
  });

  it('refuses a move or a new role that leaves a user at a branch their role does not work at', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    const before = stateHash(world.core.db);
    const shop1 = placeOf(world, 'shop1');
    const moved = await failure(
      admin('users.update', { id: shop1.id, branchId: world.branch.FAC }),
    );
    expect([moved.code, moved.field]).toEqual(['ROLE_NOT_AT_BRANCH_KIND', 'branchId']);
    const factory = placeOf(world, 'factory');
    const role = await failure(admin('users.update', { id: factory.id, role: 'finance' }));
    expect([role.code, role.field]).toEqual(['ROLE_NOT_AT_BRANCH_KIND', 'role']);
    expect(role.message).toMatch(
      /^role: the role “finance” works only at a head office.*choose a role that works at a factory/,
    );
    expect(stateHash(world.core.db)).toBe(before);
    // Changing both at once to a pair that fits is one step.
    await admin('users.update', { id: factory.id, role: 'finance', branchId: world.branch.HQ });
    expect(placeOf(world, 'factory')).toMatchObject({ role: 'finance', branchId: world.branch.HQ });
  });

  it('takes exactly the pairs the vocabulary allows, for every role and kind of branch', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    const user = placeOf(world, 'sales');
    const kinds: Record<BranchKind, string> = {
      head_office: world.branch.HQ,
      factory: world.branch.FAC,
      shop: world.branch.SH01,
    };
    const taken: string[] = [];
    for (const role of roles)
      for (const [kind, branchId] of Object.entries(kinds) as [BranchKind, string][]) {
        const before = placeOf(world, 'sales');
        const answer = await admin('users.update', { id: user.id, role, branchId }).then(
          () => 'taken',
          (e: { code?: string }) => e.code,
        );
        expect(answer, `${role} at ${kind}`).toBe(
          roleBelongsAt(role, kind) ? 'taken' : 'ROLE_NOT_AT_BRANCH_KIND',
        );
        if (answer === 'taken') taken.push(`${role}@${kind}`);
        else expect(placeOf(world, 'sales')).toEqual(before);
      }
    // The table itself, as the issue asks: clerks only at their own kind, finance at head office.
    expect(taken).toEqual([
      'admin@head_office',
      'admin@factory',
      'admin@shop',
      'factory_clerk@factory',
      'shop_clerk@shop',
      'finance@head_office',
      'sales_rep@shop',
      'driver@factory',
      'driver@shop',
      'customer@shop',
    ]);
  });
});
