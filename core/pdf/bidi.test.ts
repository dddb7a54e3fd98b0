import { describe, expect, it } from 'vitest';
import { embeddingLevels, mirrored, visualIndices } from './bidi';
import { loadFonts } from './fonts';
import { splitRuns, visualOrder } from './text';

const chain = loadFonts().regular;
const drawn = (text: string) => visualOrder(splitRuns(text, chain)).map((r) => r.text);

describe('right-to-left lines', () => {
  it('mirrors the brackets of a right-to-left stretch and keeps them round its words', () => {
    // Left to right on the page: "[", the word, "]" — the right-to-left reader meets the
    // typed "[" first, drawn as "]".
    expect(drawn('كوب شاي [كبير]')).toEqual(['[', 'كبير', ']', ' ', 'شاي', ' ', 'كوب']);
    // The Arabic font has guillemets, so they go to fontkit with the word, mirrored, in logical
    // order: fontkit lays the word out right to left, which puts "«" back on the left.
    expect(drawn('متجر «دبي»')).toEqual(['»دبي«', ' ', 'متجر']);
    expect(drawn('علبة {صغيرة} <جديد>')).toEqual(['<', 'جديد', '> {', 'صغيرة', '}', ' ', 'علبة']);
  });

  it('leaves brackets left to right where the text around them is', () => {
    expect(drawn('Cup (كبير)')).toEqual(['Cup (', 'كبير', ')']);
    expect(drawn('كوب (Cup)')).toEqual(['(', 'Cup', ')', ' ', 'كوب']);
  });

  it('keeps numbers reading left to right inside a right-to-left line', () => {
    expect(drawn('كوب 250 مل')).toEqual(['مل', ' ', '250', ' ', 'كوب']);
  });

  it('reorders levels as UAX #9 rule L2 does', () => {
    // "ab CD 12 EF" with CD and EF right to left and 12 a number among them.
    const levels = embeddingLevels(['a', 'b', ' ', 'ج', 'د', ' ', '1', '2', ' ', 'ه', 'و']);
    expect(levels).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 1, 1, 1]);
    expect(visualIndices(levels)).toEqual([0, 1, 2, 10, 9, 8, 6, 7, 5, 4, 3]);
    expect([...'()[]{}<>«»'].map(mirrored).join('')).toBe(')(][}{><»«');
  });
});
