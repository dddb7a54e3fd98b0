import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir } from './data-dir';
import {
  box,
  electronRuntimePath,
  NO_RUNTIME_MESSAGE,
  readStartOptions,
  runWebMode,
} from './start';

describe('is the Electron runtime here?', () => {
  it.runIf(!existsSync(join('node_modules', 'electron', 'path.txt')))(
    'says no when the binary was never downloaded (the electron package throws on import)',
    () => {
      expect(electronRuntimePath()).toBeNull();
    },
  );

  it('says no when the package throws, or names a path that is not on disk', () => {
    expect(
      electronRuntimePath(() => {
        throw new Error('Electron failed to install correctly');
      }),
    ).toBeNull();
    expect(electronRuntimePath(() => '/no/such/electron')).toBeNull();
    expect(electronRuntimePath(() => '')).toBeNull();
    expect(electronRuntimePath(() => ({ path: process.execPath }))).toBeNull();
  });

  it('says yes, with the path, when the binary is on disk', () => {
    expect(electronRuntimePath(() => process.execPath)).toBe(process.execPath);
  });

  it('says plainly why it falls back to web mode', () => {
    // What the person must learn from it, not its exact words (a copy of the text would only
    // restate the constant): what is missing, and what runs instead, on one line.
    expect(NO_RUNTIME_MESSAGE).toMatch(/Electron runtime is not installed/);
    expect(NO_RUNTIME_MESSAGE).toMatch(/web mode instead/);
    expect(NO_RUNTIME_MESSAGE).not.toMatch(/\n|Error|ENOENT/);
  });
});

describe('start options', () => {
  it('takes --data and --port, then FSE_DATA, then the default folder', () => {
    expect(readStartOptions(['--data', 'here', '--port', '8123'], {})).toMatchObject({
      dataDir: resolve('here'),
      port: 8123,
      web: false,
      dataGiven: true,
    });
    expect(readStartOptions([], { FSE_DATA: '/srv/fse' })).toMatchObject({
      dataDir: resolve('/srv/fse'),
      port: 0,
      dataGiven: true,
    });
    expect(readStartOptions([], { XDG_CONFIG_HOME: '/home/u/.cfg' })).toMatchObject({
      dataDir: resolve(defaultDataDir(process.platform, { XDG_CONFIG_HOME: '/home/u/.cfg' })),
      dataGiven: false,
    });
    expect(readStartOptions(['--web'], {}).web).toBe(true);
  });

  it('refuses a port that is not one, and options it does not know', () => {
    expect(() => readStartOptions(['--port', '99999'], {})).toThrow(/--port/);
    expect(() => readStartOptions(['--port', 'eighty'], {})).toThrow(/--port/);
    expect(() => readStartOptions(['--host', '0.0.0.0'], {})).toThrow();
  });

  it('puts the data in the user’s app-data folder', () => {
    expect(
      defaultDataDir('win32', { APPDATA: 'C:\\Users\\sara\\AppData\\Roaming' }, 'C:\\Users\\sara'),
    ).toBe('C:\\Users\\sara\\AppData\\Roaming\\Factory-Shop ERP');
    expect(defaultDataDir('win32', {}, 'C:\\Users\\sara')).toBe(
      'C:\\Users\\sara\\AppData\\Roaming\\Factory-Shop ERP',
    );
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/home/sara/.config' }, '/home/sara')).toBe(
      '/home/sara/.config/factory-shop-erp',
    );
    expect(defaultDataDir('linux', {}, '/home/sara')).toBe('/home/sara/.config/factory-shop-erp');
  });
});

describe('web mode from npm start', () => {
  it('serves on 127.0.0.1 from the data folder, and says when the UI is not built yet', async () => {
    const base = mkdtempSync(join(tmpdir(), 'fse-start-'));
    const running = await runWebMode({
      dataDir: join(base, 'data'),
      port: 0,
      staticDir: join(base, 'no-ui'),
      syncIntervalMs: 0,
    });
    try {
      expect(running.web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#secret=/);
      const page = await fetch(`${running.web.origin}/`);
      expect(page.status).toBe(503);
      expect(await page.json()).toMatchObject({ code: 'NOT_BUILT' });
      const status = await fetch(`${running.web.origin}/api/setup.status`, {
        method: 'POST',
        headers: { 'x-fse-secret': running.web.secret },
        body: '{}',
      });
      expect(await status.json()).toMatchObject({ ok: true, result: { initialized: false } });
      expect(existsSync(join(base, 'data', 'branch.sqlite'))).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('draws the address in a box', () => {
    expect(box(['a', 'long line'])).toBe(
      '┌───────────┐\n│ a         │\n│ long line │\n└───────────┘',
    );
  });
});
