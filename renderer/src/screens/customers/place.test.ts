// A customer's coordinates as typed: decimal degrees in range, both or neither.
import { describe, expect, it } from 'vitest';
import { parseDegrees, placeProblems } from './place';

const words = { lat: 'bad lat', lng: 'bad lng', both: 'both or neither' };

describe('coordinates', () => {
  it('reads decimal degrees, with a point or a comma, within the limit', () => {
    expect(parseDegrees('9.0054', 90)).toBe(9.0054);
    expect(parseDegrees(' -38,7636 ', 180)).toBe(-38.7636);
    expect(parseDegrees('+90', 90)).toBe(90);
    expect(parseDegrees('', 90)).toBeNull();
    expect(parseDegrees(undefined, 90)).toBeNull();
    expect(parseDegrees('90.0001', 90)).toBe('bad');
    expect(parseDegrees('181', 180)).toBe('bad');
    expect(parseDegrees('9°00′N', 90)).toBe('bad');
    expect(parseDegrees('1e2', 180)).toBe('bad');
  });

  it('asks for both or neither, beside the one missing', () => {
    expect(placeProblems({ lat: '', lng: '' }, words)).toEqual({});
    expect(placeProblems({ lat: '9', lng: '38.7' }, words)).toEqual({});
    expect(placeProblems({ lat: '9', lng: '' }, words)).toEqual({ lng: 'both or neither' });
    expect(placeProblems({ lat: '', lng: '38' }, words)).toEqual({ lat: 'both or neither' });
    expect(placeProblems({ lat: '95', lng: '' }, words)).toEqual({ lat: 'bad lat' });
    expect(placeProblems({ lat: '9', lng: '200' }, words)).toEqual({ lng: 'bad lng' });
  });

  it('accepts exactly the numbers within range, for any typed value', () => {
    for (let i = -2000; i <= 2000; i += 7) {
      const degrees = i / 10;
      const typed = degrees.toFixed(1);
      const read = parseDegrees(typed, 90);
      if (Math.abs(degrees) <= 90) expect(read).toBeCloseTo(degrees, 9);
      else expect(read).toBe('bad');
    }
  });
});
