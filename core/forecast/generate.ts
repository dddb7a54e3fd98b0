// Seeded daily sales histories for the forecast back-test: the kinds of series a branch's products
// show (fast movers, weekly-seasonal, trending, slow and intermittent ones, some discontinued,
// some launched late), so a change to the method choice can be scored on the same data each run.

export const seriesKinds = ['fast', 'seasonal', 'trending', 'intermittent'] as const;
export type SeriesKind = (typeof seriesKinds)[number];

export interface GeneratedSeries {
  id: string;
  kind: SeriesKind;
  /** Daily quantities, oldest first. */
  history: number[];
}

export const defaultSeed = 20261204;

/** mulberry32: small, fast, and the same numbers on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

const between = (random: Random, low: number, high: number) => low + (high - low) * random();

function gaussian(random: Random): number {
  // Box–Muller; 1 − u keeps the logarithm away from 0.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Poisson counts: Knuth's product method for small means, a rounded normal for large ones. */
function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count++;
    product *= random();
  }
  return count;
}

/** Day-of-week multipliers averaging 1, e.g. a shop busier at the weekend. */
function weeklyPattern(random: Random, strength: number): number[] {
  const raw = Array.from({ length: 7 }, () => Math.max(0.05, 1 + strength * gaussian(random)));
  const average = raw.reduce((s, x) => s + x, 0) / 7;
  return raw.map((x) => x / average);
}

function yearlyWave(random: Random, amplitude: number): (day: number) => number {
  const phase = between(random, 0, 2 * Math.PI);
  return (day) => 1 + amplitude * Math.sin((2 * Math.PI * day) / 365 + phase);
}

function generateOne(random: Random, kind: SeriesKind, days: number): number[] {
  // A fifth of the products were launched during the period and sold nothing before.
  const launch = random() < 0.2 ? Math.floor(between(random, 0, days * 0.6)) : 0;
  const history = new Array<number>(days).fill(0);
  if (kind === 'intermittent') {
    const chance = between(random, 0.04, 0.5);
    const size = between(random, 1, 6);
    const stop = random() < 0.25 ? days - Math.floor(between(random, 20, 200)) : days;
    for (let day = launch; day < stop; day++)
      if (random() < chance) history[day] = 1 + poisson(random, size - 1);
    return history;
  }
  const level = kind === 'fast' ? between(random, 40, 300) : between(random, 3, 60);
  const week = weeklyPattern(random, kind === 'fast' ? 0.1 : between(random, 0.2, 0.5));
  const year = yearlyWave(random, kind === 'seasonal' ? between(random, 0, 0.3) : 0);
  // A trend of ±40 % to ±150 % over the two years, kept above a tenth of the start level.
  const slope = kind === 'trending' ? (random() < 0.5 ? -1 : 1) * between(random, 0.4, 1.5) : 0;
  const noise = kind === 'fast' ? between(random, 0.05, 0.25) : between(random, 0.02, 0.12);
  for (let day = launch; day < days; day++) {
    const trend = Math.max(0.1, 1 + (slope * (day - launch)) / days);
    const mean =
      level * trend * (week[day % 7] ?? 1) * year(day) * Math.max(0, 1 + noise * gaussian(random));
    history[day] = poisson(random, mean);
  }
  return history;
}

/** `count` series of `days` days, kinds in turn, the same for the same seed. */
export function generateHistories(
  count: number,
  seed = defaultSeed,
  days = 730,
): GeneratedSeries[] {
  const random = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const kind = seriesKinds[i % seriesKinds.length] ?? 'fast';
    return { id: `${kind}-${i}`, kind, history: generateOne(random, kind, days) };
  });
}
