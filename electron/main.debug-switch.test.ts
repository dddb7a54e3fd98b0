// The installed app started with a remote-debugging switch: it refuses to start at all.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { app, rec } from './testing/electron-recorder';

vi.mock('electron', () => import('./testing/electron-recorder'));
vi.mock('./ops/updater-electron', () => ({ startUpdates: () => undefined }));
vi.mock('../core/ops/crash', () => ({ installCrashReports: () => () => undefined }));

const logged: string[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
  app.isPackaged = true;
  rec.switches.add('remote-debugging-port');
  await import('./main');
  await new Promise((r) => setTimeout(r, 20));
});

describe('the installed app with --remote-debugging-port', () => {
  it('exits at once, says why, and opens nothing', () => {
    expect(rec.exitCode).toBe(1);
    expect(rec.errorBoxes).toEqual([expect.stringContaining('--remote-debugging-port')]);
    expect(rec.removedSwitches).toEqual(['remote-debugging-port']);
    expect(rec.windows).toEqual([]);
    expect(rec.ipcHandlers.size).toBe(0);
    expect(rec.forks).toEqual([]);
    expect(rec.lockRequested).toBe(false);
    expect(logged.some((l) => l.includes('refused to start with debugging switches'))).toBe(true);
  });
});
