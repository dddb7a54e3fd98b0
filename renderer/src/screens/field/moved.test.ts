// Moving a trip's stops by hand: any sequence of moves keeps every stop exactly once, a move is
// undone by the opposite one, and nothing moves past either end.
import { describe, expect, it } from 'vitest';
import { moved } from './moved';

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('moved', () => {
  it('moves one stop one place, and not past the ends', () => {
    expect(moved(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moved(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
    expect(moved([], 0, 1)).toEqual([]);
  });

  it('keeps every stop exactly once through random moves, each undone by its opposite', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed);
      const n = 1 + Math.floor(random() * 8);
      let list = Array.from({ length: n }, (_, i) => `s${i}`);
      for (let step = 0; step < 30; step++) {
        const at = Math.floor(random() * n);
        const by = random() < 0.5 ? -1 : 1;
        const next = moved(list, at, by);
        expect([...next].sort(), `seed ${seed}`).toEqual([...list].sort());
        const to = at + by;
        if (to >= 0 && to < n) {
          expect(next[to]).toBe(list[at]);
          expect(moved(next, to, by === 1 ? -1 : 1)).toEqual(list);
        } else expect(next).toEqual(list);
        list = next;
      }
    }
  });
});
