import { describe, expect, it } from 'vitest';
import { boundAdjustment, proposalCeilingFactor } from './bound';

const statistical = [2, 2, 3];
const history = [0, 4, 1, 5, 2];

describe('boundAdjustment', () => {
  it('uses a well-formed proposal within range as it came', () => {
    expect(boundAdjustment(statistical, [1, 2.5, 6], history)).toEqual({
      daily: [1, 2.5, 6],
      source: 'proposed',
      note: '',
    });
  });

  it.each([
    ['not a list', { daily: [1, 2, 3] }, /not a list/],
    ['of the wrong length', [1, 2], /2 days proposed, 3 expected/],
    ['holding a negative day', [1, -1, 2], /finite quantity/],
    ['holding NaN', [1, Number.NaN, 2], /finite quantity/],
    ['holding Infinity', [1, Number.POSITIVE_INFINITY, 2], /finite quantity/],
    ['holding a string', [1, '2', 3], /finite quantity/],
  ])('keeps the statistical forecast for a proposal %s', (_, proposed, why) => {
    const used = boundAdjustment(statistical, proposed, history);
    expect(used.daily).toEqual(statistical);
    expect(used.source).toBe('statistical');
    expect(used.note).toMatch(why);
  });

  it('caps days above k × the largest day of the history and the forecast', () => {
    const ceiling = proposalCeilingFactor * 5;
    const used = boundAdjustment(statistical, [1, 100, ceiling], history);
    expect(used.daily).toEqual([1, ceiling, ceiling]);
    expect(used.source).toBe('clipped');
    expect(used.note).toMatch(/1 day\(s\)/);
  });

  it('lets a product that never sold be planned for, up to k a day', () => {
    const used = boundAdjustment([0, 0], [2, 50], [0, 0, 0]);
    expect(used.daily).toEqual([2, proposalCeilingFactor]);
  });
});
