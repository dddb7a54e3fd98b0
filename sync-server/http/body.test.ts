// The depth check every JSON body passes before it is parsed: exact, whatever the strings hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './body';

/** How deep arrays and objects nest in a parsed value (a scalar: 0). */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null)
    return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

const bytes = (text: string) => new TextEncoder().encode(text);

// Strings full of what could fool a byte scanner: quotes, backslashes, brackets, non-ASCII.
const tricky = fc.string({
  unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', 'é', '😀', '\n', '\u0000'),
  maxLength: 12,
});
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tricky,
    fc.integer(),
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('node'), { maxKeys: 4 }),
  ),
})).node;

describe('nestsDeeperThan', () => {
  it('says a JSON text nests deeper than max exactly when its parsed value does', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 6 }), fc.boolean(), (v, max, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        expect(nestsDeeperThan(bytes(text), max)).toBe(depthOf(v) > max);
      }),
      { numRuns: 2_000 },
    );
  });

  it('counts brackets inside strings as text, and an escaped quote as inside its string', () => {
    expect(nestsDeeperThan(bytes('{"a":"[[[[[[","b":"\\"[[[[["}'), 1)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":"\\\\","b":[[1]]}'), 2)).toBe(true);
    expect(nestsDeeperThan(bytes('['.repeat(65) + ']'.repeat(65)), 64)).toBe(true);
    expect(nestsDeeperThan(bytes('['.repeat(64) + ']'.repeat(64)), 64)).toBe(false);
  });

  it('stops at an unterminated string without reading past the end', () => {
    expect(nestsDeeperThan(bytes('["abc\\"'), 0)).toBe(true);
    expect(nestsDeeperThan(bytes('"abc\\"'), 0)).toBe(false);
  });
});
