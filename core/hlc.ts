// A hybrid logical clock: wall time when clocks agree, a counter when they do not.
// Stamps compare as strings. A remote stamp far in the future is refused (maxDriftMs)
// so one PC with a wrong clock cannot stamp data that wins for days.
import { DomainError } from './errors';

const WALL_DIGITS = 15;
const COUNTER_DIGITS = 6;

export interface HlcParts {
  wall: number;
  counter: number;
  node: string;
}

export const formatHlc = ({ wall, counter, node }: HlcParts): string =>
  `${String(wall).padStart(WALL_DIGITS, '0')}-${String(counter).padStart(COUNTER_DIGITS, '0')}-${node}`;

export function parseHlc(stamp: string): HlcParts {
  const m = /^(\d{15})-(\d{6})-(.+)$/.exec(stamp);
  if (!m?.[1] || !m[2] || !m[3])
    throw new DomainError('VALIDATION', `hlc: "${stamp}" is not a clock stamp`, { field: 'hlc' });
  return { wall: Number(m[1]), counter: Number(m[2]), node: m[3] };
}

export class HybridClock {
  private last: HlcParts;

  constructor(
    private readonly node: string,
    private readonly wallClock: () => number = Date.now,
    last?: string,
    private readonly maxDriftMs = 5 * 60_000,
  ) {
    this.last = last ? parseHlc(last) : { wall: 0, counter: 0, node };
  }

  /** A stamp for a local event. */
  now(): string {
    const wall = this.wallClock();
    if (wall > this.last.wall) this.last = { wall, counter: 0, node: this.node };
    else this.last = { wall: this.last.wall, counter: this.last.counter + 1, node: this.node };
    return formatHlc(this.last);
  }

  /** Merges a stamp seen from another replica so later local stamps sort after it. */
  receive(stamp: string): void {
    const remote = parseHlc(stamp);
    const wall = this.wallClock();
    if (remote.wall - wall > this.maxDriftMs) return; // a skewed clock does not drag ours along
    const maxWall = Math.max(wall, this.last.wall, remote.wall);
    let counter = 0;
    if (maxWall === this.last.wall && maxWall === remote.wall)
      counter = Math.max(this.last.counter, remote.counter) + 1;
    else if (maxWall === this.last.wall) counter = this.last.counter + 1;
    else if (maxWall === remote.wall) counter = remote.counter + 1;
    this.last = { wall: maxWall, counter, node: this.node };
  }

  get lastStamp(): string {
    return formatHlc(this.last);
  }
}
