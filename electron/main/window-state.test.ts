import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_STATE,
  fitToDisplays,
  loadWindowState,
  saveWindowState,
  type DisplayLike,
} from './window-state';

const laptop: DisplayLike = { workArea: { x: 0, y: 0, width: 1366, height: 728 } };
const rightMonitor: DisplayLike = { workArea: { x: 1366, y: 0, width: 1920, height: 1040 } };
const file = () => join(mkdtempSync(join(tmpdir(), 'fse-window-')), 'window-state.json');

describe('window state', () => {
  it('saves and restores size, position and maximized', () => {
    const f = file();
    saveWindowState(f, { x: 1500.4, y: 40, width: 1200, height: 800 }, true);
    expect(loadWindowState(f, [laptop, rightMonitor])).toEqual({
      x: 1500,
      y: 40,
      width: 1200,
      height: 800,
      maximized: true,
    });
  });

  it('starts from the defaults, centred, when there is no file', () => {
    expect(loadWindowState(join(tmpdir(), 'no-such-dir', 'w.json'), [rightMonitor])).toEqual(
      DEFAULT_STATE,
    );
  });

  it('survives a corrupt or half-written file', () => {
    for (const junk of ['{"x": 10, "wid', 'null', '{"x":"left","width":-5}', '\u0000\u0000']) {
      const f = file();
      writeFileSync(f, junk);
      expect(loadWindowState(f, [rightMonitor])).toEqual(DEFAULT_STATE);
    }
  });

  it('opens centred with the defaults when the saved place is on a screen that is gone', () => {
    const f = file();
    saveWindowState(f, { x: 1500, y: 40, width: 1200, height: 800 }, false);
    const state = loadWindowState(f, [laptop]);
    expect(state.x).toBeUndefined();
    expect(state.y).toBeUndefined();
    expect(state.width).toBeLessThanOrEqual(1366);
    expect(state.height).toBeLessThanOrEqual(728);
  });

  it('pulls a window hanging off the edge of a screen back onto it, and shrinks it to fit', () => {
    expect(
      fitToDisplays({ x: 1000, y: -30, width: 1200, height: 900, maximized: false }, [laptop]),
    ).toEqual({
      x: 166,
      y: 0,
      width: 1200,
      height: 728,
      maximized: false,
    });
  });

  it('treats a sliver on screen (a title bar out of reach) as off-screen', () => {
    const state = fitToDisplays({ x: 1330, y: 700, width: 900, height: 600, maximized: false }, [
      laptop,
    ]);
    expect(state.x).toBeUndefined();
  });

  it('never opens smaller than the minimum size', () => {
    expect(
      fitToDisplays({ x: 0, y: 0, width: 20, height: 10, maximized: false }, [laptop]),
    ).toMatchObject({ width: 800, height: 560 });
  });

  it('writes the file whole (through a temporary file)', () => {
    const f = file();
    saveWindowState(f, { x: 1, y: 2, width: 900, height: 600 }, false);
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({
      x: 1,
      y: 2,
      width: 900,
      height: 600,
      maximized: false,
    });
  });
});
