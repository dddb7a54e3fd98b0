// A company day as moments: its first and last instant in the company's zone, through
// daylight-saving changes and zones a quarter hour off, checked against Intl itself.
import { afterEach, describe, expect, it } from 'vitest';
import { openDemo, type DemoWorld } from '../testing/demo';
import { companyDayBounds, dayIn } from './day';

let w: DemoWorld | undefined;
afterEach(() => w?.core.close());

describe('a company day', () => {
  it('runs from its first moment to the next day’s in the company’s zone', async () => {
    w = await openDemo();
    const cases = [
      ['Africa/Addis_Ababa', '2026-12-05', 24],
      ['Europe/Berlin', '2026-03-29', 23],
      ['Europe/Berlin', '2026-10-25', 25],
      ['Asia/Kathmandu', '2026-01-01', 24],
      ['America/New_York', '2026-03-08', 23],
      ['Pacific/Kiritimati', '2026-06-30', 24],
    ] as const;
    for (const [zone, day, hours] of cases) {
      await w.as('admin')('company.save', { timeZone: zone });
      const { start, end } = companyDayBounds(w.core.db, day);
      expect((end - start) / 3_600_000, `${zone} ${day}`).toBe(hours);
      expect(dayIn(start, zone), `${zone} ${day} starts in it`).toBe(day);
      expect(dayIn(start - 1, zone), `${zone} ${day} not before`).not.toBe(day);
      expect(dayIn(end - 1, zone), `${zone} ${day} ends in it`).toBe(day);
      expect(dayIn(end, zone), `${zone} ${day} not after`).not.toBe(day);
    }
  });
});
