import { z } from 'zod';
import { parseRows } from '../db/rows';
import { stateHash } from '../db/stateHash';
// The company's settings: set by an admin at head office only, merged per field, refused with
// the field named, and read back by every amount the core formats.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../events/define';
import { eventDefs } from '../events/registry';
import { failure, openDemo, type DemoWorld } from '../testing/demo';
import { companySettingsOf } from './company';
import { companySaved } from './events';
import { companyDay, dayAndHour, periodsOf } from './day';
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
      timeZone: 'Africa/Addis_Ababa',
    });
  });

  it('an admin sets the symbol and the locale; every amount the core formats follows', async () => {
    const saved = await w.as('admin')('company.save', { currencySymbol: 'ብር', locale: 'am-ET' });
    expect(saved).toEqual({
      currency: { code: 'ETB', symbol: 'ብር', minorUnits: 2 },
      locale: 'am-ET',
      timeZone: 'Africa/Addis_Ababa',
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

  it('refuses a currency symbol with a control character: every amount would print it', async () => {
    const before = stateHash(w.core.db);
    for (const currencySymbol of ['\u202E$', 'Br\u0000']) {
      const refused = await failure(w.as('admin')('company.save', { currencySymbol }));
      expect(refused).toMatchObject({ code: 'VALIDATION', field: 'currencySymbol' });
      expect(refused.message).toBe(
        'currencySymbol: must not contain control characters (such as a right-to-left override); write one like Br or $',
      );
    }
    expect(stateHash(w.core.db)).toBe(before);
    expect(settingsRows()).toEqual([]);
  });

  it("counts the company's days in its time zone, which an admin sets by its IANA name", async () => {
    // 22:30 UTC on 4 December is already 5 December in Addis Ababa (UTC+3), not in Berlin.
    const late = Date.UTC(2026, 11, 4, 22, 30);
    expect(companyDay(w.core.db, late)).toBe('2026-12-05');
    const bad = await failure(w.as('admin')('company.save', { timeZone: 'Mars/Olympus' }));
    expect(bad).toMatchObject({ code: 'VALIDATION', field: 'timeZone' });
    expect(bad.message).toMatch(/Africa\/Addis_Ababa/);
    const saved = await w.as('admin')('company.save', { timeZone: 'Europe/Berlin' });
    expect(saved.timeZone).toBe('Europe/Berlin');
    expect(companyDay(w.core.db, late)).toBe('2026-12-04');
    expect(dayAndHour(late, 'Europe/Berlin')).toEqual({ day: '2026-12-04', hour: 23 });
    expect(periodsOf('2026-12-05')).toEqual({ week: '2026-W49', month: '2026-12' });
    // ISO weeks at the year's ends: a week belongs to the year of its Thursday.
    expect(periodsOf('2027-01-01').week).toBe('2026-W53');
    expect(periodsOf('2024-12-30').week).toBe('2025-W01');
    expect(periodsOf('2026-01-01').week).toBe('2026-W01');
    await w.as('admin')('company.save', { timeZone: 'Africa/Addis_Ababa' });
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
      timeZone: 'Africa/Addis_Ababa',
    });
    expect(results[1]).toEqual(results[0]);
  });

  it('is made at head office only: no branch kind may push it', () => {
    expect(companySaved.authority.from).toEqual([]);
    expect(companySaved.visibility).toEqual({ everywhere: true });
  });
});
