// Dates of what happened may not lie in the future: refused in the core with a stable code,
// with room for the earliest time zone and a little clock skew, by the PC's corrected clock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { productionBatches } from '../db/schema';
import { stateHash } from '../db/stateHash';
import { DomainError } from '../errors';
import { failure, openDemo } from '../testing/demo';
import { assertNotFuture, CLOCK_SKEW_MS, latestBusinessDay } from './dates';

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const verdict = (now: number, day: string) => {
  try {
    assertNotFuture({ now: () => now }, 'producedOn', day);
    return 'taken';
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};

describe('a business date in the future', () => {
  it('is refused once no time zone on Earth has reached that day, with the clock skew allowed', () => {
    const now = Date.UTC(2026, 5, 15, 9, 0); // 09:00 UTC: 23:00 in Kiribati (UTC+14)
    expect(latestBusinessDay(now)).toBe('2026-06-15');
    expect(verdict(now, '2026-06-15')).toBe('taken');
    expect(verdict(now, '2026-06-16')).toBe('DATE_IN_FUTURE');
    // Ten minutes before midnight in Kiribati, a PC a little behind may already be there.
    expect(verdict(Date.UTC(2026, 5, 15, 10, 0) - CLOCK_SKEW_MS, '2026-06-16')).toBe('taken');
    expect(verdict(Date.UTC(2026, 5, 15, 10, 0) - CLOCK_SKEW_MS - 1, '2026-06-16')).toBe(
      'DATE_IN_FUTURE',
    );
  });

  it('refuses a day exactly when it begins, in UTC+14, later than now plus the skew', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: -400, max: 400 }),
        (now, days) => {
          const day = isoDay(now + days * DAY_MS);
          const begins = Date.parse(`${day}T00:00:00Z`) - 14 * 3_600_000;
          expect(verdict(now, day)).toBe(
            begins <= now + CLOCK_SKEW_MS ? 'taken' : 'DATE_IN_FUTURE',
          );
        },
      ),
    );
  });

  it('refuses production dated 2030, naming the field, with nothing written', async () => {
    const world = await openDemo();
    const factory = world.as('factory');
    const before = stateHash(world.core.db);
    const refused = await failure(
      factory('production.record', {
        variantId: world.variant['TS-WHT-M']!,
        quantity: 10,
        producedOn: '2030-01-01',
      }),
    );
    expect(refused).toMatchObject({ code: 'DATE_IN_FUTURE', field: 'producedOn' });
    expect(refused.message).toMatch(
      /^producedOn: 2030-01-01 is in the future; enter the day it happened/,
    );
    expect(stateHash(world.core.db)).toBe(before);
    const today = isoDay(world.core.now());
    await factory('production.record', {
      variantId: world.variant['TS-WHT-M']!,
      quantity: 10,
      producedOn: today,
    });
    expect(
      world.core.db.orm.select({ on: productionBatches.producedOn }).from(productionBatches).all(),
    ).toContainEqual({
      on: today,
    });
  });

  it('is judged by the core’s clock (ctx.now, which sync corrects), not a fixed calendar', async () => {
    const then = Date.UTC(2026, 0, 10, 12, 0);
    const world = await openDemo({ now: () => then });
    const refused = await failure(
      world.as('factory')('production.record', {
        variantId: world.variant['TS-WHT-M']!,
        quantity: 1,
        producedOn: '2026-01-12',
      }),
    );
    expect(refused.code).toBe('DATE_IN_FUTURE');
    await expect(
      world.as('factory')('production.record', {
        variantId: world.variant['TS-WHT-M']!,
        quantity: 1,
        producedOn: '2026-01-11', // already the 11th east of UTC+12 at 12:00 UTC
      }),
    ).resolves.toMatchObject({ id: expect.any(String) });
  });
});
