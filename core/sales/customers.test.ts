// Customers at the counter on a real database: found by a phone however it is written, by the
// start of a name or of any word in it, or by a scanned card; never added twice on one PC.
import { describe, expect, it } from 'vitest';
import { failure, openDemo } from '../testing/demo';

async function counter() {
  const world = await openDemo();
  const clerk = world.as('shop1');
  const almaz = await clerk('customers.create', {
    name: 'Almaz Bekele',
    phone: '+251 911 234 567',
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
      '0911234567',
      '+251911234567',
      '911-234-567',
      '(0911) 234 567',
      '251 911 234 567',
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
      phone: '+251 911 234 567',
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
      clerk('customers.create', { name: 'A. Bekele', phone: '0911 234 567' }),
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
    const there = await world.as('shop2')('customers.find', { search: '0911234567' });
    expect(there.map((c) => c.id)).toEqual([almaz]);
  });
});
