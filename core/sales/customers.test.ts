// Customers at the counter on a real database: found by a phone however it is written, by the
// start of a name or of any word in it, or by a scanned card; never added twice on one PC.
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events } from '../db/schema';
import { stateHash } from '../db/stateHash';
import { applyEvent } from '../events/emit';
import { newId } from '../ids';
import { failure, openDemo, type DemoWorld } from '../testing/demo';

async function counter() {
  const world = await openDemo();
  const clerk = world.as('shop1');
  const almaz = await clerk('customers.create', {
    name: 'Almaz Bekele',
    phone: '+251 933 234 567',
    card: 'LC-0001',
  });
  const dawit = await clerk('customers.create', { name: 'Dawit Tesfaye', phone: '0922 000 111' });
  const nophone = await clerk('customers.create', { name: 'Abebe 50% Off' });
  return { world, clerk, almaz: almaz.id, dawit: dawit.id, nophone: nophone.id };
}

describe('finding a customer', () => {
  it('finds a phone written with or without the country code, spaces or dashes', async () => {
    const { clerk, almaz, dawit } = await counter();
    for (const search of [
      '0933234567',
      '+251933234567',
      '933-234-567',
      '(0933) 234 567',
      '251 933 234 567',
    ])
      expect(
        (await clerk('customers.find', { search })).map((c) => c.id),
        search,
      ).toEqual([almaz]);
    expect(
      (await clerk('customers.find', { search: '+251 922 000 111' })).map((c) => c.id),
    ).toEqual([dawit]);
    // A few digits are no phone: nothing matches by the phone's end.
    expect(await clerk('customers.find', { search: '567' })).toEqual([]);
  });

  it('finds a name by its start or any word’s start, and a card by its code', async () => {
    const { clerk, almaz, dawit, nophone } = await counter();
    const ids = async (search: string) =>
      (await clerk('customers.find', { search })).map((c) => c.id);
    expect(await ids('alm')).toEqual([almaz]);
    expect(await ids('Bek')).toEqual([almaz]);
    expect(await ids('tesf')).toEqual([dawit]);
    expect(await ids('mazb')).toEqual([]);
    expect(await ids('LC-0001')).toEqual([almaz]);
    // LIKE's wildcards are only letters here.
    expect(await ids('50%')).toEqual([nophone]);
    expect(await ids('%')).toEqual([]);
    const [found] = await clerk('customers.find', { search: 'LC-0001' });
    expect(found).toMatchObject({
      name: 'Almaz Bekele',
      phone: '+251 933 234 567',
      card: 'LC-0001',
      points: null,
    });
    const listed = await clerk('customers.list', { search: 'a', limit: 10, offset: 0 });
    expect(listed.map((c) => c.name)).toContain('Almaz Bekele');
  });
});

describe('adding a customer', () => {
  it('refuses a phone this PC has already, pointing at that customer', async () => {
    const { world, clerk, almaz } = await counter();
    const same = await failure(
      clerk('customers.create', { name: 'A. Bekele', phone: '0933 234 567' }),
    );
    expect(same).toMatchObject({
      code: 'CONFLICT',
      field: 'phone',
      details: { customerId: almaz },
    });
    const card = await failure(clerk('customers.create', { name: 'Other', card: 'LC-0001' }));
    expect(card).toMatchObject({ code: 'CONFLICT', field: 'card' });
    const bad = await failure(clerk('customers.create', { name: 'Other', phone: 'call me' }));
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'phone' });
    // Another shop's clerk finds the same customer: every shop knows every customer.
    const there = await world.as('shop2')('customers.find', { search: '0933234567' });
    expect(there.map((c) => c.id)).toEqual([almaz]);
  });
});

/** The customer.saved events of one customer, oldest first: what other shops receive. */
const savedEvents = (world: DemoWorld, customerId: string) =>
  world.core.db.orm
    .select()
    .from(events)
    .where(and(eq(events.type, 'customer.saved'), eq(events.aggregateId, customerId)))
    .orderBy(asc(events.seq))
    .all();
const lastPayload = (world: DemoWorld, customerId: string): unknown =>
  JSON.parse(savedEvents(world, customerId).at(-1)?.payload ?? 'null');

describe('a customer’s branch', () => {
  it('is a shop or the factory (field sales), never head office or a branch that does not exist', async () => {
    const world = await openDemo();
    const admin = world.as('admin');
    const before = stateHash(world.core.db);
    const eventCount = world.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get();
    const nowhere = await failure(
      admin('customers.create', { name: 'Bogus', branchId: 'no-such-branch' }),
    );
    expect(nowhere).toMatchObject({ code: 'VALIDATION', field: 'branchId' });
    expect(nowhere.message).toBe(
      'branchId: there is no such branch; choose the shop, or the factory, the customer buys from',
    );
    // Head office, named or as the admin's own branch when none is given.
    for (const input of [{ name: 'Office', branchId: world.branch.HQ }, { name: 'Office' }]) {
      const office = await failure(admin('customers.create', input));
      expect(office).toMatchObject({ code: 'VALIDATION', field: 'branchId' });
      expect(office.message).toBe(
        'branchId: is head office, which sells to no one; choose the shop, or the factory, the customer buys from',
      );
    }
    expect(stateHash(world.core.db)).toBe(before);
    expect(world.core.db.sqlite.prepare('SELECT count(*) AS n FROM events').get()).toEqual(
      eventCount,
    );
    for (const branchId of [world.branch.SH01, world.branch.FAC])
      await admin('customers.create', { name: 'Served', branchId });
  });
});

/** Another shop's edit of the customer, made offline between two of this PC's events. */
function pulledBetween(world: DemoWorld, customerId: string, payload: Record<string, unknown>) {
  const [created] = savedEvents(world, customerId);
  world.core.db.sqlite.transaction(() =>
    applyEvent(world.core.db, {
      ...created!,
      id: newId(created!.createdAt),
      branchId: world.branch.SH02,
      // An HLC is wall-counter-node text: this one sorts after the creation, before any later one.
      hlc: `${created!.hlc}~`,
      payload: { id: customerId, ...payload },
      serverSeq: null,
      receivedHlc: null,
    }),
  )();
}

describe('changing a customer', () => {
  it('sends only the fields that changed, which merge per field with another shop’s edit', async () => {
    const { world, clerk, dawit } = await counter();
    const saved = await clerk('customers.update', {
      id: dawit,
      name: 'Dawit Tesfaye',
      phone: '0922 000 111',
      card: 'LC-0002',
    });
    expect(saved).toEqual({ id: dawit, changed: ['card'] });
    expect(lastPayload(world, dawit)).toEqual({
      id: dawit,
      branchId: world.branch.SH01,
      card: 'LC-0002',
    });
    // Nothing changed: no event at all.
    expect(await clerk('customers.update', { id: dawit, card: 'LC-0002' })).toEqual({
      id: dawit,
      changed: [],
    });
    expect(savedEvents(world, dawit)).toHaveLength(2);

    // Shop 2 corrected the name offline before the card was given here: both stay.
    pulledBetween(world, dawit, { name: 'Dawit T. Alemu' });
    const [found] = await clerk('customers.find', { search: 'LC-0002' });
    expect(found).toMatchObject({ name: 'Dawit T. Alemu', phone: '0922 000 111', card: 'LC-0002' });
    // Shop 2's older card for him loses to the one given here later.
    pulledBetween(world, dawit, { card: 'LC-9999' });
    expect(await clerk('customers.find', { search: 'LC-0002' })).toHaveLength(1);

    // A new phone is found however it is written; null takes the card away.
    await world.as('shop2')('customers.update', {
      id: dawit,
      phone: '+251 933 444 555',
      card: null,
    });
    const [moved] = await clerk('customers.find', { search: '0933444555' });
    expect(moved).toMatchObject({ id: dawit, phone: '+251 933 444 555', card: null });
    expect(await clerk('customers.find', { search: '0922000111' })).toEqual([]);
    // Saved at shop 2: its event names shop 2, as head office requires of shop 2's PC.
    expect(lastPayload(world, dawit)).toMatchObject({
      branchId: world.branch.SH02,
    });
  });

  it('refuses a phone or card another customer has, naming the field; its own are fine', async () => {
    const { clerk, almaz, dawit } = await counter();
    const phone = await failure(clerk('customers.update', { id: dawit, phone: '0933-234-567' }));
    expect(phone).toMatchObject({
      code: 'CONFLICT',
      field: 'phone',
      details: { customerId: almaz },
    });
    expect(phone.message).toMatch(/Almaz Bekele has this phone number already/);
    const card = await failure(clerk('customers.update', { id: dawit, card: 'LC-0001' }));
    expect(card).toMatchObject({ code: 'CONFLICT', field: 'card' });
    // Almaz's own phone written another way, and her own card, are no conflict.
    expect(
      await clerk('customers.update', { id: almaz, phone: '0933 234 567', card: 'LC-0001' }),
    ).toEqual({ id: almaz, changed: ['phone'] });
    const [dawitNow] = await clerk('customers.find', { search: '0922000111' });
    expect(dawitNow).toMatchObject({ phone: '0922 000 111', card: null });
  });

  it('names the field of bad input, and refuses a customer that is not here or was merged', async () => {
    const { world, clerk, almaz, dawit } = await counter();
    expect(await failure(clerk('customers.update', { id: dawit, phone: 'call me' }))).toMatchObject(
      { code: 'VALIDATION', field: 'phone' },
    );
    // Dashes and brackets alone are no number: they would all be one "phone" of no digits.
    for (const phone of ['------', '(( ))-+', '12 -- 34'])
      expect(await failure(clerk('customers.update', { id: dawit, phone }))).toMatchObject({
        code: 'VALIDATION',
        field: 'phone',
      });
    expect(await failure(clerk('customers.update', { id: dawit, name: '  ' }))).toMatchObject({
      code: 'VALIDATION',
      field: 'name',
    });
    expect(
      await failure(clerk('customers.update', { id: dawit, card: 'X'.repeat(41) })),
    ).toMatchObject({ code: 'VALIDATION', field: 'card' });
    expect(await failure(clerk('customers.update', { id: 'nobody', name: 'A' }))).toMatchObject({
      code: 'VALIDATION',
      field: 'id',
    });
    await world.as('admin')('customers.update', { id: almaz, phone: '0922 000 112' });
    await world.as('admin')('customers.merge', { fromId: dawit, intoId: almaz });
    expect(await failure(clerk('customers.update', { id: dawit, name: 'D' }))).toMatchObject({
      code: 'VALIDATION',
      field: 'id',
    });
    // An admin saves for the customer's own shop, not head office.
    expect(lastPayload(world, almaz)).toMatchObject({
      branchId: world.branch.SH01,
    });
  });
});

describe('a customer’s sales', () => {
  it('lists them newest first, with the points each earned', async () => {
    const { world, clerk, almaz, dawit } = await counter();
    const sell = (customerId: string, quantity: number) =>
      clerk('sales.record', {
        customerId,
        lines: [{ variantId: world.variant['CUP-SML']!, quantity }],
        payments: [{ method: 'cash' }],
      });
    await clerk('stock.adjust', {
      variantId: world.variant['CUP-SML']!,
      quantity: 10,
      reason: 'count',
    });
    const first = await sell(almaz, 1);
    await sell(dawit, 1);
    const second = await sell(almaz, 2);
    const sales = await clerk('customers.sales', { customerId: almaz, limit: 5 });
    expect(sales.map((s) => s.number)).toEqual([second.number, first.number]);
    expect(sales[0]).toMatchObject({ pointsEarned: 0, pointsRedeemed: 0 });
    expect(sales[0]!.total).toBe(2 * sales[1]!.total);
    expect(await clerk('customers.sales', { customerId: almaz, limit: 1 })).toHaveLength(1);
  });
});
