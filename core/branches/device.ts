import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DeviceIdentity } from '../contract/context';
import { getMeta, setMeta } from '../db/meta';
import type { Db } from '../db/open';
import { prepared } from '../db/prepared';
import { branches, sequences } from '../db/schema';
import { invariant } from '../errors';
import { HybridClock } from '../hlc';

export { getMeta, setMeta } from '../db/meta';

/** Which device and branch this database belongs to; null before first-run setup or enrollment. */
const deviceIdentity = z.object({ id: z.string(), branchId: z.string(), number: z.number() });

export function loadDevice(db: Db): DeviceIdentity | null {
  const raw = getMeta(db, 'device');
  if (!raw) return null;
  const parsed = deviceIdentity.parse(JSON.parse(raw));
  return { id: parsed.id, branchId: parsed.branchId, number: parsed.number };
}

export function saveDevice(db: Db, device: DeviceIdentity): void {
  setMeta(db, 'device', JSON.stringify(device));
}

/** The device's clock, continuing from the last stamp it issued so stamps never go backwards. */
export function loadClock(
  db: Db,
  device: DeviceIdentity | null,
  wallClock: () => number,
): HybridClock {
  return new HybridClock(device?.id ?? 'unset', wallClock, getMeta(db, 'hlc'));
}

/** Next value of a per-device counter (order and sale numbers). */
const nextValue = prepared((orm) =>
  orm
    .insert(sequences)
    .values({ key: sql.placeholder('key'), value: 1 })
    .onConflictDoUpdate({ target: sequences.key, set: { value: sql`${sequences.value} + 1` } })
    .returning({ value: sequences.value })
    .prepare(),
);

const kindOf = prepared((orm) =>
  orm
    .select({ kind: branches.kind })
    .from(branches)
    .where(eq(branches.id, sql.placeholder('id')))
    .prepare(),
);

export function nextSequence(db: Db, key: string): number {
  const row = nextValue(db).get({ key });
  invariant(row, `the upsert of sequence ${key} returned no row`);
  return row.value;
}

/**
 * The kind of branch this PC works for when it is enrolled with a head office (null at head
 * office's own server, and on a PC set up on its own): what it may cause is then limited to what its
 * branch's people may do (docs/decisions/0009-event-authority.md).
 */
export function enrolledBranchKind(db: Db, device: DeviceIdentity | null): string | null {
  if (!device || getMeta(db, 'sync.server') === undefined) return null;
  const row = kindOf(db).get({ id: device.branchId });
  // A PC enrolled at the head-office branch is still a PC: its token proves no admin.
  return row?.kind ?? 'unknown';
}
