// Numbers people read out: a branch's code, the device that made it, and that device's counter.
// Counters live on the device (never synced), so PCs working offline at the same moment can
// never make the same number. A PC of another branch (head office placing for a shop) adds its
// own branch code, so its device number cannot clash with the shop's own devices.
import { eq, sql } from 'drizzle-orm';
import type { Context } from '../contract/context';
import { requireDevice } from '../contract/scope';
import { prepared } from '../db/prepared';
import { branches } from '../db/schema';
import { nextSequence } from './device';
import { currentSeries, recordIssued } from './series';

const codeOf = prepared((orm) =>
  orm
    .select({ code: branches.code })
    .from(branches)
    .where(eq(branches.id, sql.placeholder('id')))
    .prepare(),
);

export function documentNumber(
  ctx: Context,
  branch: { id: string; code: string },
  series: 'order' | 'sale' | 'return' | 'purchase' | 'customer_order' | 'trip',
): string {
  const device = requireDevice(ctx);
  // After a restore the PC numbers in a new series, with counters of its own (./series.ts).
  const letter = currentSeries(ctx.db);
  const key = `${series}:${branch.code}${letter ? `:${letter}` : ''}`;
  const value = nextSequence(ctx.db, key);
  recordIssued(ctx.db, key, value);
  const n = String(value).padStart(6, '0');
  let madeOn = `${device.number}${letter}`;
  if (device.branchId !== branch.id) {
    const own = codeOf(ctx.db).get({ id: device.branchId });
    madeOn = `${own?.code ?? 'X'}${device.number}${letter}`;
  }
  const prefix = {
    order: '',
    sale: 'S',
    return: 'R',
    purchase: 'P',
    customer_order: 'C',
    trip: 'T',
  }[series];
  return `${branch.code}-${prefix}${madeOn}-${n}`;
}
