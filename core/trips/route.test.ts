import { describe, expect, it } from 'vitest';
import { distance, nearestNeighbour, type RouteStop } from './route';

/** A small seeded PRNG (mulberry32), so a failing case can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('nearest-neighbour route', () => {
  it('knows a great-circle distance: Addis Ababa to Adama is about 75 km', () => {
    const d = distance({ lat: 9.03, lng: 38.74 }, { lat: 8.54, lng: 39.27 });
    expect(d).toBeGreaterThan(75_000);
    expect(d).toBeLessThan(82_000);
  });

  it('is a permutation, each next stop the nearest of those left, unplaced ones last in order', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed);
      const n = Math.floor(random() * 12);
      const stops: RouteStop[] = Array.from({ length: n }, (_, i) => ({
        id: `s${i}`,
        at: random() < 0.2 ? null : { lat: 8.8 + random() * 0.4, lng: 38.6 + random() * 0.4 },
      }));
      const start = random() < 0.5 ? { lat: 9, lng: 38.8 } : undefined;
      const route = nearestNeighbour(stops, start);
      // Every stop exactly once.
      expect([...route].sort()).toEqual(stops.map((s) => s.id).sort());
      const byId = new Map(stops.map((s) => [s.id, s]));
      const placed = stops.filter((s) => s.at);
      const unplaced = stops.filter((s) => !s.at).map((s) => s.id);
      expect(route.slice(placed.length)).toEqual(unplaced);
      // Without a start the first stop with coordinates leads.
      if (!start && placed.length > 0) expect(route[0]).toBe(placed[0]!.id);
      let here = start ?? placed[0]?.at;
      const left = new Set(placed.map((s) => s.id));
      route.slice(0, placed.length).forEach((id, i) => {
        const at = byId.get(id)!.at!;
        if (start || i > 0) {
          const nearest = Math.min(...[...left].map((o) => distance(here!, byId.get(o)!.at!)));
          expect(distance(here!, at)).toBe(nearest);
        }
        left.delete(id);
        here = at;
      });
    }
  });
});
