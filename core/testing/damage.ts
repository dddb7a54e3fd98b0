// Ways to damage a backup file in tests: cuts across its last pages, and changed bytes where
// rows are stored, at offsets a seeded generator picks (so a failure can be replayed).

/** A small seeded generator, so a failing offset can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets to cut at: every 512th byte of the last three pages, and a few anywhere in them. */
export function cutOffsets(size: number, pageSize: number, random: () => number): number[] {
  const from = Math.max(0, size - 3 * pageSize);
  const offsets = new Set<number>([size - 1]);
  for (let at = from; at < size; at += 512) offsets.add(at);
  for (let i = 0; i < 6; i++) offsets.add(from + Math.floor(random() * (size - from)));
  return [...offsets].sort((a, b) => a - b);
}

/** Places to flip a byte: where a row's value is stored, past the header, and in the header. */
export function flipOffsets(bytes: Buffer, needles: string[], random: () => number): number[] {
  const offsets = new Set<number>([40]);
  for (const needle of needles) {
    let at = bytes.indexOf(needle);
    for (let n = 0; at >= 0 && n < 3; n++, at = bytes.indexOf(needle, at + 1))
      offsets.add(at + Math.floor(needle.length / 2));
  }
  for (let i = 0; i < 8; i++) offsets.add(100 + Math.floor(random() * (bytes.length - 100)));
  return [...offsets].sort((a, b) => a - b);
}
