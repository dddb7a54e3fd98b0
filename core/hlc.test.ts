import { describe, expect, it } from 'vitest';
import { DomainError } from './errors';
import { formatHlc, HybridClock, parseHlc } from './hlc';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const MINUTE = 60_000;

/** A wall clock a test moves by hand. */
function manualClock(start = T0) {
  let wall = start;
  return {
    read: () => wall,
    set: (ms: number) => {
      wall = ms;
    },
  };
}

const expectStrictlyIncreasing = (stamps: string[]) => {
  for (let i = 1; i < stamps.length; i++)
    expect((stamps[i - 1] ?? '') < (stamps[i] ?? '')).toBe(true);
  expect(new Set(stamps).size).toBe(stamps.length);
};

function validationErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('HybridClock', () => {
  it('uses the wall clock when it moves forward', () => {
    const wall = manualClock();
    const clock = new HybridClock('node-a', wall.read);
    const first = parseHlc(clock.now());
    wall.set(T0 + 5);
    const second = parseHlc(clock.now());
    expect(first).toEqual({ wall: T0, counter: 0, node: 'node-a' });
    expect(second).toEqual({ wall: T0 + 5, counter: 0, node: 'node-a' });
  });

  it('keeps stamps strictly increasing while the wall clock stands still', () => {
    const wall = manualClock();
    const clock = new HybridClock('node-a', wall.read);
    const stamps = Array.from({ length: 50 }, () => clock.now());
    expectStrictlyIncreasing(stamps);
    expect(stamps.map((s) => parseHlc(s).wall)).toEqual(stamps.map(() => T0));
  });

  it('keeps stamps strictly increasing when the wall clock goes backwards', () => {
    const wall = manualClock();
    const clock = new HybridClock('node-a', wall.read);
    const stamps = [clock.now(), clock.now()];
    wall.set(T0 - 60 * MINUTE); // someone corrects the PC clock by an hour
    stamps.push(clock.now(), clock.now());
    wall.set(T0 - 2 * 60 * MINUTE);
    stamps.push(clock.now());
    wall.set(T0 + 1);
    stamps.push(clock.now());
    expectStrictlyIncreasing(stamps);
    // No stamp went back in time, and the clock follows the wall again once it passes.
    expect(Math.min(...stamps.map((s) => parseHlc(s).wall))).toBe(T0);
    expect(parseHlc(stamps[stamps.length - 1] ?? '')).toEqual({
      wall: T0 + 1,
      counter: 0,
      node: 'node-a',
    });
  });

  it('continues after the last stamp it issued before a restart', () => {
    const wall = manualClock();
    const before = new HybridClock('node-a', wall.read);
    const last = [before.now(), before.now(), before.now()].at(-1) ?? '';
    wall.set(T0 - MINUTE);
    const after = new HybridClock('node-a', wall.read, last);
    expect(after.lastStamp).toBe(last);
    expect(after.now() > last).toBe(true);
  });

  it('sorts later local stamps after a received remote stamp', () => {
    const wall = manualClock();
    const local = new HybridClock('node-a', wall.read);
    local.now();
    const remoteWall = manualClock(T0 + 2 * MINUTE); // another PC, a little ahead
    const remote = new HybridClock('node-b', remoteWall.read);
    const remoteStamps = [remote.now(), remote.now(), remote.now()];
    const newestRemote = remoteStamps[2] ?? '';
    expect(local.now() < newestRemote).toBe(true);

    local.receive(newestRemote);
    const next = local.now();
    expect(next > newestRemote).toBe(true);
    expect(parseHlc(next).node).toBe('node-a');
    // Even though the local wall clock has not moved past the remote one.
    expect(wall.read()).toBeLessThan(parseHlc(newestRemote).wall);
  });

  it('orders after a remote stamp with the same wall time and a higher counter', () => {
    const wall = manualClock();
    const local = new HybridClock('node-a', wall.read);
    local.now();
    const remoteStamp = formatHlc({ wall: T0, counter: 41, node: 'node-b' });
    local.receive(remoteStamp);
    const next = local.now();
    expect(next > remoteStamp).toBe(true);
    expect(parseHlc(next).wall).toBe(T0);
  });

  it('does not move backwards on receiving an old remote stamp', () => {
    const wall = manualClock();
    const local = new HybridClock('node-a', wall.read);
    const mine = local.now();
    local.receive(formatHlc({ wall: T0 - 60 * MINUTE, counter: 7, node: 'node-b' }));
    expect(local.now() > mine).toBe(true);
  });

  it('is not dragged forward by a remote stamp far in the future', () => {
    const wall = manualClock();
    const maxDriftMs = 5 * MINUTE;
    const local = new HybridClock('node-a', wall.read, undefined, maxDriftMs);
    const mine = local.now();
    const skewed = formatHlc({ wall: T0 + 3 * 24 * 60 * MINUTE, counter: 0, node: 'node-b' });
    local.receive(skewed);
    expect(local.lastStamp).toBe(mine);
    wall.set(T0 + 1);
    const next = local.now();
    expect(parseHlc(next).wall).toBe(T0 + 1);
    expect(next < skewed).toBe(true);
  });

  it('accepts a remote stamp just inside the allowed drift', () => {
    const wall = manualClock();
    const maxDriftMs = 5 * MINUTE;
    const local = new HybridClock('node-a', wall.read, undefined, maxDriftMs);
    const ahead = formatHlc({ wall: T0 + maxDriftMs, counter: 3, node: 'node-b' });
    local.receive(ahead);
    expect(local.now() > ahead).toBe(true);
    const beyond = formatHlc({ wall: T0 + 2 * maxDriftMs + 1, counter: 0, node: 'node-c' });
    local.receive(beyond);
    expect(local.now() < beyond).toBe(true);
  });
});

describe('parseHlc and formatHlc', () => {
  it('round-trip', () => {
    const parts = [
      { wall: 0, counter: 0, node: 'n' },
      { wall: T0, counter: 12, node: '01a20270-b6c5-75f5-b629-fa42183abaf1' },
      { wall: 999_999_999_999_999, counter: 999_999, node: 'node-with-dashes-and-1-2-3' },
    ];
    for (const p of parts) {
      const stamp = formatHlc(p);
      expect(parseHlc(stamp)).toEqual(p);
      expect(formatHlc(parseHlc(stamp))).toBe(stamp);
    }
  });

  it('formats so that string order is time order', () => {
    const stamps = [
      formatHlc({ wall: 9, counter: 999, node: 'z' }),
      formatHlc({ wall: 10, counter: 0, node: 'a' }),
      formatHlc({ wall: 10, counter: 1, node: 'a' }),
      formatHlc({ wall: 10, counter: 1, node: 'b' }),
      formatHlc({ wall: T0, counter: 0, node: 'a' }),
    ];
    expect([...stamps].sort()).toEqual(stamps);
  });

  it('refuses a malformed stamp with a VALIDATION error', () => {
    for (const bad of [
      '',
      'not a stamp',
      '123-000001-node',
      `${'0'.repeat(15)}-1-node`,
      `${'0'.repeat(15)}-000001-`,
      `${'x'.repeat(15)}-000001-node`,
    ]) {
      const error = validationErrorOf(() => parseHlc(bad));
      expect(error.code).toBe('VALIDATION');
      expect(error.field).toBe('hlc');
    }
  });

  it('refuses a malformed remote stamp without changing the clock', () => {
    const wall = manualClock();
    const local = new HybridClock('node-a', wall.read);
    const mine = local.now();
    expect(validationErrorOf(() => local.receive('garbage')).code).toBe('VALIDATION');
    expect(local.lastStamp).toBe(mine);
    expect(() => new HybridClock('node-a', wall.read, 'garbage')).toThrow(DomainError);
  });
});
