// Telling a barcode scanner from a person by the rhythm of the keys. A scanner is a keyboard
// that types the whole code in a few milliseconds and presses Enter; a person's keys come a
// hundred or more milliseconds apart. So a run of digits typed faster than any hand, ending in
// Enter, is a scan, wherever the focus happened to be. A wireless scanner's link may stall once
// in the middle of a code; the keys on either side of the stall are still faster than any hand.

export interface Keystroke {
  /** `KeyboardEvent.key`: "4", "Enter", "Backspace", … */
  key: string;
  /** When it was pressed, in milliseconds (`KeyboardEvent.timeStamp`). */
  at: number;
}

export interface ScanRhythm {
  /** The longest gap between two keys of one scan, but for one stall. */
  maxGapMs: number;
  /** The fewest digits a scanned code has; shorter runs are a person typing a number quickly. */
  minDigits: number;
  /**
   * The longest stall a scan may have once, after at least two of its digits: every other gap
   * is still under `maxGapMs`, so at least seven of even an EAN-8's eight are beyond a hand.
   */
  maxStallMs: number;
}

/**
 * EAN-8 is the shortest barcode on the goods. Scanners type a key every few milliseconds (a slow
 * Bluetooth one every 20-40, stalling now and then for a few hundred while its link buffers);
 * eight digits under 50 ms apart but for one gap is beyond any hand.
 */
export const scannerRhythm: ScanRhythm = { maxGapMs: 50, minDigits: 8, maxStallMs: 500 };

const isDigit = (key: string) => /^[0-9]$/.test(key);

/** Whether a gap after `digits` digits of a scan may be its one stall. */
const mayStall = (gap: number, digits: number, rhythm: ScanRhythm) =>
  digits >= 2 && gap <= rhythm.maxStallMs;

/**
 * The code these keystrokes scanned, or null when they are not one scan: digits only, at least
 * `minDigits` of them, then Enter, with no gap longer than `maxGapMs` but for at most one stall
 * (see `ScanRhythm.maxStallMs`).
 */
export function scannedCode(
  keys: readonly Keystroke[],
  rhythm: ScanRhythm = scannerRhythm,
): string | null {
  const last = keys.at(-1);
  const digits = keys.slice(0, -1);
  if (last?.key !== 'Enter' || digits.length < rhythm.minDigits) return null;
  if (!digits.every((k) => isDigit(k.key))) return null;
  let stalls = 0;
  let previous = keys[0]?.at ?? last.at;
  for (const [i, key] of keys.entries()) {
    const gap = key.at - previous;
    previous = key.at;
    if (gap <= rhythm.maxGapMs) continue;
    if (stalls++ > 0 || !mayStall(gap, i, rhythm)) return null;
  }
  return digits.map((k) => k.key).join('');
}

/** A scan typed into a box meant for something else, and what the box held before it began. */
export interface StrayScan<Held> {
  code: string;
  before: Held;
}

interface Run<Held> {
  keys: Keystroke[];
  before: Held;
}

/**
 * Follows the keys typed into a box as they come. `press` is given what the box holds before
 * the key, kept from a run's first digit; it answers the scan and that earlier content when the
 * key is the Enter that ends a scan. A key that is not a digit starts over, and so does a pause,
 * but for one that may be a scanner's stall: then the keys since the pause are followed too, and
 * if they alone are a scan (a person's quick digits, then a scan) they are taken over the run
 * with the stall. So every scan found without stalls is found as before.
 */
export function scanListener<Held>(rhythm: ScanRhythm = scannerRhythm) {
  let run: Run<Held> | null = null;
  let sincePause: Run<Held> | null = null;
  return {
    press(key: string, at: number, held: Held): StrayScan<Held> | null {
      const previous = run?.keys.at(-1);
      if (run && previous && at - previous.at > rhythm.maxGapMs) {
        // A run with a stall already cannot have another: the keys since that one go on alone.
        if (sincePause) run = sincePause;
        const stalled = mayStall(at - previous.at, run.keys.length, rhythm);
        run = stalled ? run : null;
        sincePause = stalled ? { keys: [], before: held } : null;
      }
      if (isDigit(key)) {
        run ??= { keys: [], before: held };
        run.keys.push({ key, at });
        sincePause?.keys.push({ key, at });
        return null;
      }
      const ended = [sincePause, run];
      run = null;
      sincePause = null;
      if (key !== 'Enter') return null;
      for (const candidate of ended) {
        const code = candidate && scannedCode([...candidate.keys, { key, at }], rhythm);
        if (code) return { code, before: candidate.before };
      }
      return null;
    },
  };
}
