// A scanner's burst of digits is told from a person's typing by its rhythm alone: fed timed
// keystrokes, the listener finds the scans and never mistakes a hand for one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanListener, scannedCode, scannerRhythm, type Keystroke } from './scan-burst';

const { maxGapMs, minDigits, maxStallMs } = scannerRhythm;

/** Keys typed one after another, each `gaps[i]` milliseconds after the one before. */
function timed(keys: readonly string[], gaps: readonly number[], start = 1000): Keystroke[] {
  let at = start;
  return keys.map((key, i) => {
    at += i === 0 ? 0 : (gaps[i - 1] ?? 0);
    return { key, at };
  });
}

/** `keys`, then Enter, each at a gap drawn from `gaps`, except those `changes` set: [index, gap]. */
function withGaps(
  keys: readonly string[],
  gaps: fc.Stream<number>,
  changes: readonly (readonly [number, number])[] = [],
): Keystroke[] {
  const steps = [...gaps.take(keys.length)];
  for (const [i, gap] of changes) steps[i] = gap;
  return timed([...keys, 'Enter'], steps);
}

/** What one listener answers to each key, told the box holds `after i digits` at key i. */
const typeAll = (keys: readonly Keystroke[]) => {
  const listener = scanListener<string>();
  return keys.map((k, i) => listener.press(k.key, k.at, `after ${i} digits`));
};

const digit = fc.constantFrom(...'0123456789'.split(''));
/** A code a scanner could type: a barcode's digits or more. */
const scanCode = fc.array(digit, { minLength: minDigits, maxLength: 30 });
const fastGap = fc.integer({ min: 0, max: maxGapMs });
const slowGap = fc.integer({ min: maxGapMs + 1, max: 2000 });
const stall = fc.integer({ min: maxGapMs + 1, max: maxStallMs });
const longPause = fc.integer({ min: maxStallMs + 1, max: 5000 });

describe('scan bursts', () => {
  it('takes an EAN-13 typed in 5 ms steps then Enter for a scan', () => {
    const keys = timed([...'4006381333931', 'Enter'], Array(13).fill(5));
    expect(scannedCode(keys)).toBe('4006381333931');
    expect(typeAll(keys).at(-1)).toEqual({ code: '4006381333931', before: 'after 0 digits' });
  });

  it('leaves a clerk typing a quantity by hand alone', () => {
    const keys = timed(['1', '2', 'Enter'], [180, 240]);
    expect(scannedCode(keys)).toBeNull();
    expect(typeAll(keys)).toEqual([null, null, null]);
  });

  it('does not take a quick "12" then Enter for a scan: too few digits', () => {
    expect(scannedCode(timed(['1', '2', 'Enter'], [5, 5]))).toBeNull();
  });

  it('starts over after a key that is not a digit', () => {
    const keys = timed([...'400638133', 'Backspace', ...'3931', 'Enter'], Array(14).fill(5));
    expect(typeAll(keys).at(-1)).toBeNull();
  });

  it('keeps what the box held when the scan began, not what it held at its end', () => {
    const listener = scanListener<string>();
    listener.press('7', 0, 'before the slow key');
    const scan = timed([...'5901234123457', 'Enter'], Array(13).fill(4), 500).map((k, i) =>
      listener.press(k.key, k.at, `after ${i} digits`),
    );
    expect(scan.at(-1)).toEqual({ code: '5901234123457', before: 'after 0 digits' });
  });

  it('finds a scan after slow typing', () => {
    fc.assert(
      fc.property(
        fc.array(digit, { maxLength: 6 }),
        fc.array(digit, { minLength: minDigits, maxLength: 20 }),
        fc.infiniteStream(fastGap),
        (typed, code, gaps) => {
          const slow = timed(typed, Array(typed.length).fill(400));
          const start = (slow.at(-1)?.at ?? 0) + 400;
          const fast = timed([...code, 'Enter'], [...gaps.take(code.length)], start);
          return typeAll([...slow, ...fast]).at(-1)?.code === code.join('');
        },
      ),
    );
  });

  it('takes any fast run of enough digits ending in Enter for a scan', () => {
    fc.assert(
      fc.property(scanCode, fc.infiniteStream(fastGap), (code, gaps) => {
        const keys = withGaps(code, gaps);
        return scannedCode(keys) === code.join('') && typeAll(keys).at(-1)?.code === code.join('');
      }),
    );
  });

  it('takes a scan whose scanner stalled once, after its second digit, for the whole code', () => {
    fc.assert(
      fc.property(
        scanCode,
        fc.infiniteStream(fastGap),
        fc.nat(),
        fc.nat(),
        stall,
        (code, gaps, anywhere, late, pause) => {
          const withStall = (at: number) => withGaps(code, gaps, [[at, pause]]);
          // Gap k comes before key k + 1: a stall from before the third digit to before Enter.
          const whole = scannedCode(withStall(1 + (anywhere % (code.length - 1))));
          // Followed as typed, a stall with a scan's worth of digits after it is a person's quick
          // digits, then a scan (a test below); one with fewer after it is the whole code's.
          const first = Math.max(1, code.length - minDigits);
          const heard = typeAll(withStall(first + (late % (code.length - first))));
          return (
            whole === code.join('') &&
            heard.at(-1)?.code === code.join('') &&
            heard.at(-1)?.before === 'after 0 digits'
          );
        },
      ),
    );
  });

  it('never takes keys with a pause longer than a stall, two stalls, or a stall after one digit', () => {
    fc.assert(
      fc.property(
        scanCode,
        fc.infiniteStream(fastGap),
        fc.nat(),
        fc.nat(),
        longPause,
        stall,
        (code, gaps, where, other, long, short) => {
          const keys = (changes: [number, number][]) => withGaps(code, gaps, changes);
          const i = where % code.length;
          const j = 1 + (other % (code.length - 1));
          return (
            scannedCode(keys([[i, long]])) === null &&
            (i === j ||
              scannedCode(
                keys([
                  [i, short],
                  [j, short],
                ]),
              ) === null) &&
            scannedCode(keys([[0, short]])) === null
          );
        },
      ),
    );
  });

  it('never hears a scan when a long pause leaves too few fast digits before the Enter', () => {
    fc.assert(
      fc.property(
        scanCode,
        fc.infiniteStream(fastGap),
        fc.integer({ min: 1, max: minDigits }),
        longPause,
        (code, gaps, fromEnd, pause) => {
          const keys = withGaps(code, gaps, [[code.length - fromEnd, pause]]);
          return typeAll(keys).every((r) => r === null);
        },
      ),
    );
  });

  it("never hears a scan in keys typed at a hand's pace, however many", () => {
    fc.assert(
      fc.property(fc.array(digit, { maxLength: 30 }), fc.infiniteStream(slowGap), (typed, gaps) =>
        typeAll(timed([...typed, 'Enter'], [...gaps.take(typed.length)])).every((r) => r === null),
      ),
    );
  });

  it("takes the scan after a person's quick digits and a pause, not those digits with it", () => {
    fc.assert(
      fc.property(
        fc.array(digit, { minLength: 2, maxLength: 4 }),
        fc.array(digit, { minLength: minDigits, maxLength: 20 }),
        fc.infiniteStream(fastGap),
        stall,
        (typed, code, gaps, pause) => {
          const heard = typeAll(withGaps([...typed, ...code], gaps, [[typed.length - 1, pause]]));
          return (
            heard.at(-1)?.code === code.join('') &&
            heard.at(-1)?.before === `after ${typed.length} digits`
          );
        },
      ),
    );
  });

  it('never takes fewer digits than a barcode has for a scan, however fast', () => {
    fc.assert(
      fc.property(
        fc.array(digit, { maxLength: minDigits - 1 }),
        fc.infiniteStream(fastGap),
        (code, gaps) => {
          const keys = withGaps(code, gaps);
          return scannedCode(keys) === null && typeAll(keys).every((r) => r === null);
        },
      ),
    );
  });
});
