// Ways to damage a backup file in tests: cuts across its last pages, and changed bytes where
// rows are stored, at offsets a seeded generator picks (core/bench/stats.ts's rng, so a failure
// can be replayed); and the refusal a restore of one must end in.
import { DomainError } from '../errors';

/** The DomainError `work` is refused with; fails the test when it is not refused. */
export async function refusal(work: Promise<unknown>): Promise<DomainError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the restore to be refused');
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
