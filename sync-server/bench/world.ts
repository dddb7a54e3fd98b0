// The sync benchmark's world, made the same way for each store: head office with the factory,
// shops with a clerk each, a catalog, one PC per branch and a head-office PC that syncs now and
// then not again for "30 days"; then every shop's offline events, through the operations.
import { fmtInt } from '../../core/bench/stats';
import { setUpHeadOffice, type HeadOffice } from '../testing/world';
import { makeShopEvents } from './generate';
import { createShops, enrollPc, signIn, type Pc, type Shop } from './pcs';

export interface BenchWorld {
  w: HeadOffice;
  shops: Shop[];
  variants: string[];
  factory: Pc;
  shopPcs: Pc[];
  /** A head-office PC brought up to date before the shops' events, and not since. */
  behind: Pc;
}

export interface Generated {
  made: number;
  seconds: number;
  byOperation: Record<string, number>;
}

const s = (x: number) => `${x.toFixed(2)} s`;

/** Sets up head office on the server at `base` and enrolls its PCs (pushes of `pushBatch`). */
export async function setUpWorld(
  base: string,
  options: { shops: number; pushBatch: number },
): Promise<BenchWorld> {
  const w = await setUpHeadOffice(base);
  const tees = await w.admin('catalog.createProduct', {
    name: 'T-shirt',
    category: 'Apparel',
    variants: ['S', 'M', 'L', 'XL'].flatMap((size) =>
      ['WHT', 'BLK', 'RED'].map((colour) => ({
        sku: `TEE-${colour}-${size}`,
        attributes: { colour, size },
        price: 1500,
        cost: 700,
        minStock: 10,
      })),
    ),
  });
  const variants = [...w.variants, ...tees.variantIds];
  const shops = await createShops(w, options.shops);
  const pushBatch = { pushBatch: options.pushBatch };
  const factory = await enrollPc(w, w.branch.FAC, 'FAC PC', pushBatch);
  const shopPcs: Pc[] = [];
  for (const shop of shops)
    shopPcs.push(await enrollPc(w, shop.branchId, `${shop.code} PC`, pushBatch));
  const behind = await enrollPc(w, w.branch.HQ, 'HQ laptop, 30 days behind');
  return { w, shops, variants, factory, shopPcs, behind };
}

/** Makes `perShop` offline events at each shop PC, `batch` operations per transaction. */
export async function generateOffline(
  world: BenchWorld,
  options: { perShop: number; batch: number; log: (line: string) => void },
): Promise<Generated> {
  const { shops, shopPcs, variants } = world;
  const total = shopPcs.length * options.perShop;
  const start = performance.now();
  const byOperation: Record<string, number> = {};
  let made = 0;
  for (const [i, pc] of shopPcs.entries()) {
    const session = await signIn(pc, shops[i]!.clerk);
    // The same seeds for every store: the same mix of operations in the same order.
    const day = await makeShopEvents(pc, session, variants, options.perShop, {
      batch: options.batch,
      seed: 1000 + i,
      onBatch: (n) => {
        if (process.stdout.isTTY)
          process.stdout.write(`\r  ${fmtInt(made + n)} / ${fmtInt(total)} events`);
      },
    });
    made += day.events;
    for (const [op, n] of Object.entries(day.byOperation))
      byOperation[op] = (byOperation[op] ?? 0) + n;
    if (process.stdout.isTTY) process.stdout.write('\r');
    options.log(
      `  ${shops[i]!.code}: ${fmtInt(day.events)} events in ${s(day.seconds)}; ${fmtInt(made)} / ${fmtInt(total)} made`,
    );
  }
  const seconds = (performance.now() - start) / 1000;
  options.log(
    `  ${fmtInt(made)} events in ${s(seconds)} (${fmtInt(made / seconds)} /s): ${Object.entries(
      byOperation,
    )
      .map(([op, n]) => `${op} ${fmtInt(n)}`)
      .join(', ')}`,
  );
  return { made, seconds, byOperation };
}

/** Closes every PC of the world (their folders stay, for the caller to remove or keep). */
export function closeWorld(world: BenchWorld): Pc[] {
  const pcs = [world.factory, ...world.shopPcs, world.behind];
  for (const pc of pcs) pc.core.close();
  return pcs;
}
