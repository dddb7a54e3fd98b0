// A PC's clock, corrected by its measured offset from head office's. Stamps, dates of events and
// merges then follow real time whatever the PC's own clock says (docs/decisions/0009).
import { z } from 'zod';
import { getMeta, setMeta } from '../db/meta';
import type { Db } from '../db/open';

/** Beyond this the person is told to set the clock right (the app corrects for it meanwhile). */
export const FAR_OFF_MS = 2 * 60_000;
/** A change of the measured offset by more than this between syncs: the clock was changed. */
export const JUMP_MS = 60_000;
/** An answer slower than this says too little about when head office read its clock. */
const MAX_ROUND_TRIP_MS = 30_000;

interface ClockState {
  offsetMs: number;
  measuredAt: number | null;
  /** The last change of the PC's clock seen between two syncs, and when it was seen. */
  jumpMs: number | null;
  jumpSeenAt: number | null;
}

/** What was saved, field by field: a field missing or of another type starts afresh. */
const orNull = z.number().nullable().catch(null).default(null);
const savedState = z
  .object({
    offsetMs: z.number().catch(0).default(0),
    measuredAt: orNull,
    jumpMs: orNull,
    jumpSeenAt: orNull,
  })
  .catch({ offsetMs: 0, measuredAt: null, jumpMs: null, jumpSeenAt: null });

const states = new WeakMap<Db, ClockState>();
const KEY = 'clock.offset';

function stateOf(db: Db): ClockState {
  let state = states.get(db);
  if (!state) {
    const raw = getMeta(db, KEY);
    state = savedState.parse(raw ? JSON.parse(raw) : {});
    states.set(db, state);
  }
  return state;
}

/** The PC's wall clock corrected by the last measured offset from head office. */
export const correctedClock =
  (db: Db, wallClock: () => number): (() => number) =>
  () =>
    wallClock() + stateOf(db).offsetMs;

/**
 * Learns the offset from an answer of head office: its clock read between `sentAt` and
 * `receivedAt` of this PC's own (uncorrected) clock. Kept in meta so it holds after a restart.
 */
export function learnServerTime(db: Db, serverTime: number, sentAt: number, receivedAt: number) {
  if (!Number.isFinite(serverTime) || receivedAt - sentAt > MAX_ROUND_TRIP_MS) return;
  const state = stateOf(db);
  const offset = Math.round(serverTime - (sentAt + receivedAt) / 2);
  if (state.measuredAt !== null && Math.abs(offset - state.offsetMs) > JUMP_MS) {
    state.jumpMs = state.offsetMs - offset;
    state.jumpSeenAt = receivedAt + offset;
  }
  state.offsetMs = offset;
  state.measuredAt = receivedAt;
  setMeta(db, KEY, JSON.stringify(state));
}

const span = (ms: number) => {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 120) return `${minutes} minute(s)`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hour(s)` : `${Math.round(hours / 24)} day(s)`;
};

/** What to tell the person about this PC's clock, or null when it is right. */
export function clockWarning(db: Db, now: number): string | null {
  const state = stateOf(db);
  const jumpRecent = state.jumpSeenAt !== null && now - state.jumpSeenAt < 24 * 3600_000;
  if (jumpRecent && state.jumpMs !== null)
    return `This PC's clock was changed by ${span(state.jumpMs)} (${state.jumpMs > 0 ? 'forward' : 'back'}) since it last synced. Work done since then may be dated wrongly; set the clock right and keep it so.`;
  if (Math.abs(state.offsetMs) > FAR_OFF_MS)
    return `This PC's clock is ${span(state.offsetMs)} ${state.offsetMs > 0 ? 'behind' : 'ahead of'} head office's. The app dates your work by head office's time, but set the PC's clock right.`;
  return null;
}
