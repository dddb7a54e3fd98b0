import { z } from 'zod';
import { parseRows } from '../db/rows';
// The company's settings: set by an admin at head office only, merged per field, refused with
// the field named, and read back by every amount the core formats.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../events/define';
import { eventDefs } from '../events/registry';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { companySettingsOf } from './company';
import { companySaved } from './events';
import { companyCurrency, formatMoney } from './money';

let w: DemoWorld;
beforeEach(async () => {
  w = await openDemo();
});
afterEach(() => w.core.close());

const settingsRows = () =>
  parseRows(
    z.record(z.string(), z.unknown()),
    w.core.db.sqlite.prepare('SELECT * FROM company_settings').all(),
  );

describe('company settings', () => {
  it('start at ETB (Br, 2 decimals) and en-GB until an admin sets them', async () => {
    expect(await w.as('shop1')('company.settings', {})).toEqual({
      currency: { code: 'ETB', symbol: 'Br', minorUnits: 2 },
      locale: 'en-GB',
    });
  });

  it('an admin sets the symbol and the locale; every amount the core formats follows', async () => {
    const saved = await w.as('admin')('company.save', { currencySymbol: 'ብር', locale: 'am-ET' });
    expect(saved).toEqual({
      currency: { code: 'ETB', symbol: 'ብር', minorUnits: 2 },
      locale: 'am-ET',
    });
    expect(await w.as('driver')('company.settings', {})).toEqual(saved);
    expect(formatMoney(123456, companyCurrency(w.core.db))).toBe('ብር\u00a01,234.56');
  });

  it('refuses everyone but an admin, and a bad field by name with what to write', async () => {
    expect((await failure(w.as('shop1')('company.save', { currencySymbol: '$' }))).code).toBe(
      'FORBIDDEN',
    );
    const code = await failure(w.as('admin')('company.save', { currencyCode: 'BIRR' }));
    expect(code).toMatchObject({ code: 'VALIDATION', field: 'currencyCode' });
    expect(code.message).toMatch(/three-letter ISO 4217 code/);
    const locale = await failure(w.as('admin')('company.save', { locale: 'xx-nonsense-99' }));
    expect(locale).toMatchObject({ code: 'VALIDATION', field: 'locale' });
    expect(locale.message).toMatch(/like en-GB/);
    expect(settingsRows()).toEqual([]);
  });

  it('keeps the decimals once prices exist: a new count would rescale every amount', async () => {
    const refused = await failure(w.as('admin')('company.save', { minorUnits: 0 }));
    expect(refused).toMatchObject({ code: 'VALIDATION', field: 'minorUnits' });
    expect(refused.message).toMatch(/stays 2/);
    expect(settingsRows()).toEqual([]);
    // The same number is no change, and passes with the rest.
    await w.as('admin')('company.save', { minorUnits: 2, currencyCode: 'usd' });
    expect(companyCurrency(w.core.db)).toEqual({ code: 'USD', symbol: 'Br', minorUnits: 2 });
  });

  it('merges per field by clock: edits made apart both survive, in either order of arrival', () => {
    type Payload = Parameters<typeof companySaved.apply>[1]['payload'];
    const envelope = (hlc: string, fields: Omit<Payload, 'id'>): EventEnvelope<Payload> => ({
      id: `e-${hlc}`,
      type: 'company.saved',
      schemaVersion: 1,
      branchId: 'hq',
      deviceId: 'd',
      userId: 'u',
      hlc,
      createdAt: 0,
      aggregateId: 'company',
      payload: { id: 'company', ...fields },
    });
    const older = envelope('0001', { currencySymbol: 'ETB', locale: 'en-US' });
    const newer = envelope('0002', { locale: 'am-ET' });
    const apply = eventDefs['company.saved'].apply;
    const results = [
      [older, newer],
      [newer, older],
    ].map((order) => {
      w.core.db.sqlite.prepare('DELETE FROM company_settings').run();
      for (const e of order) apply(w.core.db, e);
      return companySettingsOf(w.core.db);
    });
    expect(results[0]).toEqual({
      currency: { code: 'ETB', symbol: 'ETB', minorUnits: 2 },
      locale: 'am-ET',
    });
    expect(results[1]).toEqual(results[0]);
  });

  it('is made at head office only: no branch kind may push it', () => {
    expect(companySaved.authority.from).toEqual([]);
    expect(companySaved.visibility).toEqual({ everywhere: true });
  });
});
