// Telling a barcode scanner from a person by the rhythm of the keys. A scanner is a keyboard
// that types the whole code in a few milliseconds and presses Enter; a person's keys come a
// hundred or more milliseconds apart. So a run of digits typed faster than any hand, ending in
// Enter, is a scan, wherever the focus happened to be.

export interface Keystroke {
  /** `KeyboardEvent.key`: "4", "Enter", "Backspace", … */
  key: string;
  /** When it was pressed, in milliseconds (`KeyboardEvent.timeStamp`). */
  at: number;
}

export interface ScanRhythm {
  /** The longest pause between two keys of one scan. */
  maxGapMs: number;
  /** The fewest digits a scanned code has; shorter runs are a person typing a number quickly. */
  minDigits: number;
}

/**
 * EAN-8 is the shortest barcode on the goods. Scanners type a key every few milliseconds (a slow
 * Bluetooth one every 20-40); eight digits each under 50 ms apart is beyond any hand.
 */
export const scannerRhythm: ScanRhythm = { maxGapMs: 50, minDigits: 8 };

const isDigit = (key: string) => /^[0-9]$/.test(key);

/**
 * The code these keystrokes scanned, or null when they are not one scan: digits only, at least
 * `minDigits` of them, then Enter, with no pause longer than `maxGapMs` anywhere.
 */
export function scannedCode(
  keys: readonly Keystroke[],
  rhythm: ScanRhythm = scannerRhythm,
): string | null {
  const last = keys.at(-1);
  const digits = keys.slice(0, -1);
  if (last?.key !== 'Enter' || digits.length < rhythm.minDigits) return null;
  if (!digits.every((k) => isDigit(k.key))) return null;
  let previous = keys[0]?.at ?? last.at;
  for (const key of keys) {
    if (key.at - previous > rhythm.maxGapMs) return null;
    previous = key.at;
  }
  return digits.map((k) => k.key).join('');
}

/** A scan typed into a box meant for something else, and what the box held before it began. */
export interface StrayScan<Held> {
  code: string;
  before: Held;
}

/**
 * Follows the keys typed into a box as they come. `press` is given what the box holds before
 * the key, kept from a run's first digit; it answers the scan and that earlier content when the
 * key is the Enter that ends a scan. A pause or a key that is not a digit starts over.
 */
export function scanListener<Held>(rhythm: ScanRhythm = scannerRhythm) {
  let run: { keys: Keystroke[]; before: Held } | null = null;
  return {
    press(key: string, at: number, held: Held): StrayScan<Held> | null {
      const previous = run?.keys.at(-1);
      if (previous && at - previous.at > rhythm.maxGapMs) run = null;
      if (isDigit(key)) {
        run ??= { keys: [], before: held };
        run.keys.push({ key, at });
        return null;
      }
      const ended = run;
      run = null;
      if (key !== 'Enter' || !ended) return null;
      const code = scannedCode([...ended.keys, { key, at }], rhythm);
      return code === null ? null : { code, before: ended.before };
    },
  };
}
