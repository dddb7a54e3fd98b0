// DevTools and remote debugging are for developers. In the installed app they would hand whoever
// starts it with a switch (or any program running as the same user) the page's session, the
// device's sync token in transit and a way to run code beside the IPC checks. So in a packaged
// build: webPreferences.devTools is false, no menu item or shortcut opens them (menu.ts), a
// DevTools window that opens anyway is closed, and the app refuses to start with a debugging
// switch. The fuses (electron-builder.yml) already ignore --inspect and NODE_OPTIONS; Chromium's
// own --remote-debugging-* switches are not covered by a fuse, hence the check here.

/**
 * Switches that open the app to a debugger: Chromium's remote debugging, Node's inspector, and
 * ones that would open DevTools or pass flags to V8. Matched on the name, before any `=value`.
 */
export const DEBUG_SWITCHES: readonly string[] = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-debugging-io-pipes',
  'remote-allow-origins',
  'auto-open-devtools-for-tabs',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'inspect-brk-node',
  'inspect-publish-uid',
  'debug',
  'debug-brk',
  'debug-port',
  'js-flags',
];

/**
 * The debugging switches among `argv`, as Chromium would read them: `--name`, `-name`, and on
 * Windows also `/name`, any case on Windows; nothing after a bare `--`.
 */
export function debugSwitchesIn(argv: readonly string[], platform: NodeJS.Platform): string[] {
  const found: string[] = [];
  for (const arg of argv) {
    if (arg === '--') break;
    const prefix =
      /^(--|-)/.exec(arg)?.[0] ?? (platform === 'win32' && arg.startsWith('/') ? '/' : '');
    if (!prefix) continue;
    let name = arg.slice(prefix.length).split('=')[0] ?? '';
    if (platform === 'win32') name = name.toLowerCase();
    if (DEBUG_SWITCHES.includes(name)) found.push(arg);
  }
  return found;
}

/** What the startup check needs of Electron's app. */
export interface DebugLockApp {
  isPackaged: boolean;
  commandLine: { hasSwitch(name: string): boolean; removeSwitch(name: string): void };
}

/**
 * In a packaged build: the debugging switches given, or an empty list. Those Chromium already
 * read are removed from its command line as well, in case it consults them again later; the
 * caller then refuses to go on.
 */
export function refusedDebugSwitches(
  app: DebugLockApp,
  argv: readonly string[],
  platform: NodeJS.Platform,
): string[] {
  if (!app.isPackaged) return [];
  const given = new Set(debugSwitchesIn(argv, platform));
  for (const name of DEBUG_SWITCHES)
    if (app.commandLine.hasSwitch(name)) {
      given.add(`--${name}`);
      app.commandLine.removeSwitch(name);
    }
  return [...given];
}

/** The parts of WebContents the DevTools guard uses. */
export interface DevToolsContents {
  on(event: 'devtools-opened', listener: () => void): unknown;
  closeDevTools(): void;
}

/** A DevTools window that opens in a packaged build is closed at once. */
export function closeDevToolsWhenPackaged(
  contents: DevToolsContents,
  packaged: boolean,
  log: (entry: Record<string, unknown>) => void,
): void {
  if (!packaged) return;
  contents.on('devtools-opened', () => {
    contents.closeDevTools();
    log({ level: 'warn', msg: 'closed DevTools: they are off in the installed app' });
  });
}

/** Accelerators that open DevTools in Chromium and in Electron's default menu. */
export const DEVTOOLS_ACCELERATORS = [
  'F12',
  'CmdOrCtrl+Shift+I',
  'CommandOrControl+Shift+I',
  'Ctrl+Shift+I',
  'Alt+CmdOrCtrl+I',
  'Alt+Command+I',
  'CmdOrCtrl+Shift+J',
  'Ctrl+Shift+J',
  'CmdOrCtrl+Shift+C',
  'Ctrl+Shift+C',
];
