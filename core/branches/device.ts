import type { DeviceIdentity } from '../contract/context';
import type { Db } from '../db/open';
import { HybridClock } from '../hlc';

const get = (db: Db, key: string) =>
  (
    db.sqlite.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      { value: string } | undefined
  )?.value;

export const setMeta = (db: Db, key: string, value: string) =>
  db.sqlite
    .prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    )
    .run(key, value);

/** Which device and branch this database belongs to; null before first-run setup or enrollment. */
export function loadDevice(db: Db): DeviceIdentity | null {
  const raw = get(db, 'device');
  if (!raw) return null;
  const parsed = JSON.parse(raw) as DeviceIdentity;
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
  return new HybridClock(device?.id ?? 'unset', wallClock, get(db, 'hlc'));
}

/** Next value of a per-device counter (order and sale numbers). */
export function nextSequence(db: Db, key: string): number {
  const row = db.sqlite
    .prepare(
      'INSERT INTO sequences (key, value) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value',
    )
    .get(key) as { value: number };
  return row.value;
}
