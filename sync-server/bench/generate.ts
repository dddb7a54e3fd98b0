// A shop's offline day(s), fast but real: the contract's own operations (input parsing, access
// checks, stock checks, numbering, emit and projections) called through execute(), in large
// transactions instead of one transaction per call. Every operation emits exactly one event.
import { rng } from '../../core/bench/stats';
import { operations } from '../../core/contract/api';
import { execute } from '../../core/contract/execute';
import { pendingCount } from '../../core/sync/engine';
import type { Pc } from './pcs';

export interface ShopDay {
  events: number;
  byOperation: Record<string, number>;
  seconds: number;
}

const OPENING_STOCK = 1_000_000;

/**
 * Makes `events` events on the PC as the signed-in clerk: one opening count per variant, then a
 * shop's mix (counter sales 70%, stock counts 10%, orders to the factory 10%, new customers 10%),
 * committed `batch` operations per transaction.
 */
export async function makeShopEvents(
  pc: Pc,
  session: string,
  variants: readonly string[],
  events: number,
  options: { batch: number; seed: number; onBatch: (made: number) => void },
): Promise<ShopDay> {
  const start = performance.now();
  const ctx = await pc.core.signedIn(session);
  const random = rng(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const someVariants = (n: number) => {
    const chosen = new Set<string>();
    while (chosen.size < Math.min(n, variants.length)) chosen.add(pick(variants));
    return [...chosen];
  };
  const customers: string[] = [];
  const byOperation: Record<string, number> = {};
  const call = (name: keyof typeof operations, input: unknown) => {
    byOperation[name] = (byOperation[name] ?? 0) + 1;
    return execute(operations, ctx, name, input);
  };

  let made = 0;
  const one = () => {
    if (made < variants.length) {
      call('stock.adjust', {
        variantId: variants[made]!,
        quantity: OPENING_STOCK,
        reason: 'opening count',
      });
      return;
    }
    const r = random();
    if (r < 0.7)
      call('sales.record', {
        payments: [{ method: 'cash' }],
        ...(customers.length > 0 && random() < 0.3 && { customerId: pick(customers) }),
        lines: someVariants(int(1, 3)).map((variantId) => ({ variantId, quantity: int(1, 3) })),
      });
    else if (r < 0.8) {
      const quantity = int(-2, 5);
      call('stock.adjust', {
        variantId: pick(variants),
        quantity: quantity === 0 ? 1 : quantity,
        reason: quantity < 0 ? 'damaged on the shelf' : 'found in the back room',
      });
    } else if (r < 0.9)
      call('orders.place', {
        note: random() < 0.5 ? 'for the weekend' : undefined,
        lines: someVariants(int(1, 4)).map((variantId) => ({ variantId, quantity: int(10, 60) })),
      });
    else {
      const created = call('customers.create', {
        name: `Customer ${pc.name} ${customers.length + 1}`,
        phone: `+255 7${String(int(10_000_000, 99_999_999))}`,
      }) as { id: string };
      customers.push(created.id);
    }
  };

  const before = pendingCount(pc.core.db, pc.deviceId);
  const batch = pc.core.db.sqlite.transaction((n: number) => {
    for (let i = 0; i < n; i++, made++) one();
  });
  while (made < events) {
    batch.immediate(Math.min(options.batch, events - made));
    options.onBatch(made);
  }
  const written = pendingCount(pc.core.db, pc.deviceId) - before;
  if (written !== events)
    throw new Error(`${pc.name}: expected ${events} new events, the database holds ${written}`);
  return { events, byOperation, seconds: (performance.now() - start) / 1000 };
}
