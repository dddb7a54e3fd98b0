// The guard between a proposed daily forecast (from the AI adjustment, which may return anything)
// and what reordering uses: a proposal is taken only when it is a forecast at all, and no day of it
// may exceed a multiple of the most the product ever sold or was forecast to sell in a day.

export interface BoundedForecast {
  daily: number[];
  /** 'proposed' when the proposal was used as it came, 'clipped' when some days were capped. */
  source: 'statistical' | 'proposed' | 'clipped';
  /** Why the proposal was ignored or clipped; empty when it was used as it came. */
  note: string;
}

/** How many times the largest day seen a proposed day may be. */
export const proposalCeilingFactor = 3;

export function boundAdjustment(
  statistical: readonly number[],
  proposed: unknown,
  history: readonly number[],
): BoundedForecast {
  const keep = (note: string): BoundedForecast => ({
    daily: [...statistical],
    source: 'statistical',
    note,
  });
  if (!Array.isArray(proposed)) return keep('ignored: the proposal is not a list of days');
  if (proposed.length !== statistical.length)
    return keep(`ignored: ${proposed.length} days proposed, ${statistical.length} expected`);
  const days: number[] = [];
  for (const day of proposed) {
    if (typeof day !== 'number' || !Number.isFinite(day) || day < 0)
      return keep('ignored: a proposed day is not a finite quantity ≥ 0');
    days.push(day);
  }
  // A product that never sold gets a ceiling of 1 a day, not 0, so a launch can be planned for.
  const largest = Math.max(1, ...history, ...statistical);
  const ceiling = proposalCeilingFactor * largest;
  const clipped = days.filter((d) => d > ceiling).length;
  if (clipped === 0) return { daily: days, source: 'proposed', note: '' };
  return {
    daily: days.map((d) => Math.min(d, ceiling)),
    source: 'clipped',
    note: `clipped: ${clipped} day(s) above ${proposalCeilingFactor} × the largest day (${largest})`,
  };
}
