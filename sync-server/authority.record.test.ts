// Head office's record of its users (UserRecord.at): what it says of a user at any stamp is the
// merge of their changes stamped at or before it, whatever order the changes reached the log in
// and however the refreshes fell between them, the kept latest merge included. And the lowest
// price it judges a sale's typed prices by (UserRecord.lowestPrice, decision 0037).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRICE_GRACE_MS, UserRecord } from './authority';
import { formatHlc } from '../core/hlc';
import type { EventStore, UserChange } from './store/types';

const users = ['u1', 'u2', 'u3'];
const stamp = fc.integer({ min: 1, max: 40 }).map((n) => `${String(n).padStart(15, '0')}-000000-d`);
const change = fc.record({
  userId: fc.constantFrom(...users),
  hlc: stamp,
  facts: fc.record(
    {
      branchId: fc.constantFrom('b1', 'b2'),
      role: fc.constantFrom('shop_clerk', 'admin', 'driver'),
      disabled: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  refreshAfter: fc.boolean(),
});

/** The user at `at`: for each fact, the value of the latest change at or before it (null: none). */
function reference(
  changes: { userId: string; hlc: string; facts: object }[],
  userId: string,
  at: string,
) {
  const known = changes.filter((c) => c.userId === userId && c.hlc <= at);
  if (known.length === 0) return null;
  const merged: Record<string, unknown> = {};
  for (const key of ['branchId', 'role', 'disabled']) {
    // The last in log order among the changes with the latest stamp that state the fact.
    let won: { hlc: string; value: unknown } | null = null;
    for (const c of known) {
      const value = (c.facts as Record<string, unknown>)[key];
      if (value !== undefined && (won === null || c.hlc >= won.hlc)) won = { hlc: c.hlc, value };
    }
    if (won) merged[key] = won.value;
  }
  return merged;
}

describe("head office's record of its users", () => {
  it('says of a user at any stamp what their changes up to it say, across refreshes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { maxLength: 12 }),
        fc.array(fc.tuple(fc.constantFrom(...users, 'nobody'), stamp), {
          minLength: 1,
          maxLength: 8,
        }),
        async (changes, asks) => {
          const log: UserChange[] = [];
          const store = {
            userChangesAfter: (after: number) => Promise.resolve(log.filter((r) => r.seq > after)),
          } as Pick<EventStore, 'userChangesAfter'> as EventStore;
          const record = new UserRecord(store);
          for (const [i, c] of changes.entries()) {
            log.push({
              seq: log.length + 1,
              type: 'user.saved',
              userId: c.userId,
              payloadJson: JSON.stringify(c.facts),
              hlc: c.hlc,
              receivedHlc: '',
            });
            if (!c.refreshAfter) continue;
            await record.refresh();
            // Asked between refreshes too, so a kept merge meets the changes after it.
            for (const [userId, at] of asks)
              expect(record.at(userId, at)).toEqual(reference(changes.slice(0, i + 1), userId, at));
          }
          await record.refresh();
          for (const [userId, at] of asks)
            expect(record.at(userId, at)).toEqual(reference(changes, userId, at));
        },
      ),
      { numRuns: 300 },
    );
  });
});

const DAY = 86_400_000;
/** A merge stamp on day `day` (fractions allowed), as HLCs are: wall ms, counter, node. */
const stampOn = (day: number, node = 'hq') =>
  formatHlc({ wall: Math.round(1_800_000_000_000 + day * DAY), counter: 0, node });

describe('the lowest price head office judges a sale by', () => {
  const priceChange = fc.record({
    variant: fc.constantFrom('v1', 'v2'),
    day: fc.integer({ min: 0, max: 40 * 4 }).map((q) => q / 4),
    price: fc.integer({ min: 1, max: 100 }),
    refreshAfter: fc.boolean(),
  });

  it('is never above what the PC last heard or what was in effect at the sale, and is the lowest of those and of the week before', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(priceChange, { maxLength: 14 }),
        fc.array(
          fc.record({
            variant: fc.constantFrom('v1', 'v2', 'v3'),
            day: fc.integer({ min: 0, max: 45 * 4 }).map((q) => q / 4),
            knownSeq: fc.nat(16),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (changes, sales) => {
          const log: UserChange[] = changes.map((c, i) => ({
            seq: i + 1,
            type: 'variant.saved',
            // The event's aggregate is the variant's product: the variant is the payload's id.
            userId: 'product-1',
            payloadJson: JSON.stringify({ id: c.variant, price: c.price }),
            hlc: stampOn(c.day),
            receivedHlc: stampOn(c.day),
          }));
          // A user's change and a variant's without a price sit among them, and count for nothing.
          const aside = { hlc: stampOn(1), receivedHlc: stampOn(1) };
          log.push(
            { ...aside, seq: 98, type: 'user.saved', userId: 'v1', payloadJson: '{"price":0}' },
            { ...aside, seq: 99, type: 'variant.saved', userId: 'v2', payloadJson: '{"sku":"X"}' },
          );
          let seen = 0;
          const store = {
            userChangesAfter: (after: number) =>
              Promise.resolve(log.slice(0, seen).filter((r) => r.seq > after)),
          } as Pick<EventStore, 'userChangesAfter'> as EventStore;
          const record = new UserRecord(store);
          for (const [i, c] of changes.entries()) {
            seen = i + 1;
            if (c.refreshAfter) await record.refresh();
          }
          seen = log.length;
          await record.refresh();
          for (const sale of sales) {
            const mine = changes
              .map((c, i) => ({ ...c, seq: i + 1, stamp: stampOn(c.day) }))
              .filter((c) => c.variant === sale.variant);
            // The merge's winner among some changes: the latest stamp, the later in the log on a tie.
            const winner = (keep: (c: (typeof mine)[number]) => boolean) =>
              mine
                .filter(keep)
                .reduce<(typeof mine)[number] | null>(
                  (won, c) => (won === null || c.stamp >= won.stamp ? c : won),
                  null,
                )?.price;
            const soldAt = stampOn(sale.day, 'shop');
            // The first moment of the week before the sale: before any stamp of that millisecond.
            const weekBefore = stampOn(sale.day - PRICE_GRACE_MS / DAY, '');
            const heard = winner((c) => c.seq <= sale.knownSeq);
            const atSale = winner((c) => c.stamp <= soldAt);
            const expected = [
              heard,
              winner((c) => c.stamp <= weekBefore),
              ...mine.filter((c) => c.stamp > weekBefore && c.stamp <= soldAt).map((c) => c.price),
            ].filter((p) => p !== undefined);
            const lowest = record.lowestPrice(sale.variant, soldAt, sale.knownSeq);
            expect(lowest).toBe(expected.length === 0 ? null : Math.min(...expected));
            // An honest PC sells at the price it heard of last, or at a later one it was told:
            // neither counts as below the catalog's.
            if (heard !== undefined) expect(lowest).toBeLessThanOrEqual(heard);
            if (atSale !== undefined) expect(lowest).toBeLessThanOrEqual(atSale);
            // Only a price the variant really had is ever the floor.
            if (lowest !== null) expect(mine.map((c) => c.price)).toContain(lowest);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
