// Head office's record of its users (UserRecord.at): what it says of a user at any stamp is the
// merge of their changes stamped at or before it, whatever order the changes reached the log in
// and however the refreshes fell between them, the kept latest merge included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserRecord } from './authority';
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
