// main.ts as the installed app runs it (app.isPackaged), against the recorder standing in for
// Electron: DevTools off and closed if they open, the page from app://erp/, updates started with
// the keys shipped beside main.js.
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { app, rec, type FakeWindow } from './testing/electron-recorder';

vi.mock('electron', () => import('./testing/electron-recorder'));
const started = vi.hoisted(() => ({ updates: [] as unknown[][] }));
vi.mock('./ops/updater-electron', () => ({
  startUpdates: (...args: unknown[]) => void started.updates.push(args),
}));
// A crash handler on the test runner's own process would outlive the test.
vi.mock('../core/ops/crash', () => ({ installCrashReports: () => () => undefined }));

let window: FakeWindow;

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  app.isPackaged = true;
  // Electron sets it (read-only in its types); plain Node has none.
  Object.defineProperty(process, 'resourcesPath', { value: '/opt/Factory-Shop ERP/resources' });
  await import('./main');
  await vi.waitFor(() => expect(rec.windows).toHaveLength(1));
  window = rec.windows[0]!;
});

describe('the installed app', () => {
  it('starts: the page from app://erp/, with DevTools off', () => {
    expect(rec.exitCode).toBeNull();
    expect(rec.loaded).toEqual(['app://erp/index.html']);
    expect(window.options.webPreferences).toMatchObject({ devTools: false, sandbox: true });
  });

  it('closes DevTools if anything opens them, and has no menu item for them', () => {
    window.webContents.emit('devtools-opened');
    expect(rec.devToolsClosed).toBe(1);
    const roles = JSON.stringify(rec.menu);
    expect(roles).not.toContain('toggleDevTools');
    expect(roles).not.toContain('"reload"');
  });

  it('checks updates with the public keys shipped beside main.js', () => {
    expect(started.updates).toHaveLength(1);
    const paths = started.updates[0]![3] as { keysFile: string; dataDir: string };
    expect(paths.keysFile).toBe(join(import.meta.dirname, 'update-keys.json'));
    expect(paths.dataDir).toBe(process.env['FSE_DATA']);
  });

  it('points the core at the migrations and fonts beside app.asar', () => {
    expect(rec.forks[0]!.options['env']).toMatchObject({
      FSE_MIGRATIONS_DIR: join('/opt/Factory-Shop ERP/resources', 'migrations'),
    });
  });
});
