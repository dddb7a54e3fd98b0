// The window opens where it was closed, unless that place is no longer on any screen (a
// projector unplugged, a smaller monitor): then it is moved onto one, or opened centred.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** No x/y: let Electron centre the window on the primary display. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** What `screen.getAllDisplays()` gives, as plain data. */
export interface DisplayLike {
  workArea: Rect;
}

export const DEFAULT_STATE: WindowState = { width: 1280, height: 800, maximized: false };
export const MIN_WIDTH = 800;
export const MIN_HEIGHT = 560;
/** How much of the window must be on a screen to keep its place: enough to grab the title bar. */
const MIN_VISIBLE = { width: 120, height: 40 };

const int = z.number().int().min(-100_000).max(100_000);
const stateSchema = z.object({
  x: int.optional(),
  y: int.optional(),
  width: int.min(1),
  height: int.min(1),
  maximized: z.boolean().default(false),
});

const overlap = (a: Rect, b: Rect) => ({
  width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
  height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
});

/** Fits a saved state to the screens there are now. */
export function fitToDisplays(state: WindowState, displays: readonly DisplayLike[]): WindowState {
  const areas = displays.map((d) => d.workArea).filter((a) => a.width > 0 && a.height > 0);
  const largest = areas.reduce<Rect | null>(
    (best, a) => (!best || a.width * a.height > best.width * best.height ? a : best),
    null,
  );
  const sized = (s: WindowState, within: Rect | null): WindowState => ({
    ...s,
    width: Math.max(MIN_WIDTH, Math.min(s.width, within?.width ?? s.width)),
    height: Math.max(MIN_HEIGHT, Math.min(s.height, within?.height ?? s.height)),
  });
  if (state.x === undefined || state.y === undefined) {
    const { x: _x, y: _y, ...rest } = state;
    return sized(rest, largest);
  }
  const rect: Rect = { x: state.x, y: state.y, width: state.width, height: state.height };
  let home: Rect | null = null;
  let homeArea = 0;
  for (const area of areas) {
    const o = overlap(rect, area);
    if (
      o.width >= Math.min(MIN_VISIBLE.width, rect.width) &&
      o.height >= Math.min(MIN_VISIBLE.height, rect.height) &&
      o.width * o.height > homeArea
    ) {
      home = area;
      homeArea = o.width * o.height;
    }
  }
  if (!home) return sized({ ...DEFAULT_STATE, maximized: state.maximized }, largest);
  const fitted = sized(state, home);
  return {
    ...fitted,
    x: Math.min(Math.max(state.x, home.x), home.x + home.width - fitted.width),
    y: Math.min(Math.max(state.y, home.y), home.y + home.height - fitted.height),
  };
}

/** The saved state fitted to the screens; the defaults when there is none or it is unreadable. */
export function loadWindowState(file: string, displays: readonly DisplayLike[]): WindowState {
  let saved: WindowState = DEFAULT_STATE;
  try {
    const parsed = stateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) saved = parsed.data;
  } catch {
    // No file yet, or a half-written one from a power cut: start from the defaults.
  }
  return fitToDisplays(saved, displays);
}

/** Written beside and renamed over, so a power cut leaves the old file or the new one. */
export function saveWindowState(file: string, bounds: Rect, maximized: boolean): void {
  const state: WindowState = {
    x: Math.round(bounds.x),
    y: Math.round(bounds.y),
    width: Math.round(bounds.width),
    height: Math.round(bounds.height),
    maximized,
  };
  const temp = `${file}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, file);
}
