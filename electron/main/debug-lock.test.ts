// DevTools and the debugging switches in a packaged build, through the plain functions main.ts
// wires (main.packaged.test.ts checks the wiring).
import { describe, expect, it } from 'vitest';
import {
  closeDevToolsWhenPackaged,
  debugSwitchesIn,
  DEVTOOLS_ACCELERATORS,
  refusedDebugSwitches,
} from './debug-lock';
import { menuTemplate } from './menu';

const commandLine = (given: string[]) => {
  const switches = new Set(given);
  const removed: string[] = [];
  return {
    removed,
    hasSwitch: (name: string) => switches.has(name),
    removeSwitch: (name: string) => void (switches.delete(name) && removed.push(name)),
  };
};

describe('debugging switches', () => {
  it('finds remote debugging and the inspector however they are written', () => {
    const argv = [
      '/opt/Factory-Shop ERP/factory-shop-erp',
      '--remote-debugging-port=9222',
      '-remote-debugging-pipe',
      '--inspect',
      '--inspect-brk=0.0.0.0:9229',
      '--js-flags=--allow-natives-syntax',
      '--auto-open-devtools-for-tabs',
      '--lang=fr',
      'C:\\data\\order.pdf',
    ];
    expect(debugSwitchesIn(argv, 'linux')).toEqual(argv.slice(1, 7));
    // Windows: any case, and /switch too.
    expect(
      debugSwitchesIn(['app.exe', '/Remote-Debugging-Port=9222', '--INSPECT'], 'win32'),
    ).toEqual(['/Remote-Debugging-Port=9222', '--INSPECT']);
    expect(debugSwitchesIn(['app', '/remote-debugging-port=1'], 'linux')).toEqual([]);
    // Chromium reads no switch after a bare --.
    expect(debugSwitchesIn(['app', '--', '--inspect'], 'linux')).toEqual([]);
  });

  it('are refused in a packaged build, and taken off Chromium’s command line', () => {
    const line = commandLine(['remote-debugging-port', 'lang']);
    expect(
      refusedDebugSwitches({ isPackaged: true, commandLine: line }, ['app', '--inspect'], 'linux'),
    ).toEqual(['--inspect', '--remote-debugging-port']);
    expect(line.removed).toEqual(['remote-debugging-port']);
    expect(
      refusedDebugSwitches({ isPackaged: true, commandLine: commandLine([]) }, ['app'], 'linux'),
    ).toEqual([]);
  });

  it('are left alone while developing', () => {
    const line = commandLine(['remote-debugging-port']);
    expect(
      refusedDebugSwitches({ isPackaged: false, commandLine: line }, ['app', '--inspect'], 'linux'),
    ).toEqual([]);
    expect(line.removed).toEqual([]);
  });
});

describe('DevTools', () => {
  const actions = {
    syncNow: () => undefined,
    about: () => undefined,
    openDataFolder: () => undefined,
  };
  type Item = { role?: string; accelerator?: string; label?: string; submenu?: Item[] };
  const items = (dev: boolean): Item[] =>
    (menuTemplate({ appName: 'ERP', dev, actions }) as Item[]).flatMap((m) => [
      m,
      ...(m.submenu ?? []),
    ]);

  it('no menu item or shortcut opens them in a packaged build', () => {
    const shipped = items(false);
    expect(shipped.map((i) => i.role)).not.toContain('toggleDevTools');
    expect(shipped.map((i) => i.role)).not.toContain('reload');
    const accelerators = shipped.flatMap((i) => (i.accelerator ? [i.accelerator] : []));
    expect(accelerators.filter((a) => DEVTOOLS_ACCELERATORS.includes(a))).toEqual([]);
    // While developing they are there.
    expect(items(true).map((i) => i.role)).toContain('toggleDevTools');
  });

  it('are closed at once if they open anyway in a packaged build', () => {
    const listeners: (() => void)[] = [];
    let closed = 0;
    const contents = {
      on: (_event: 'devtools-opened', listener: () => void) => listeners.push(listener),
      closeDevTools: () => void closed++,
    };
    closeDevToolsWhenPackaged(contents, false, () => undefined);
    expect(listeners).toHaveLength(0);
    const logged: unknown[] = [];
    closeDevToolsWhenPackaged(contents, true, (e) => void logged.push(e));
    listeners[0]!();
    expect(closed).toBe(1);
    expect(logged).toHaveLength(1);
  });
});
