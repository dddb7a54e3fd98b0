// The Electron main process: wiring only. The logic is in ./main/*.ts (plain modules with tests);
// the core runs in a utility process (./core-process.ts), off this thread.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  utilityProcess,
  type WebFrameMain,
} from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { installCrashReports } from '../core/ops/crash';
import { fileLog } from '../core/ops/log';
import { resolveDataDir } from './data-dir';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  appSchemePrivileges,
  createAppProtocolHandler,
} from './main/app-protocol';
import { CoreClient, type SafeStorageLike } from './main/core-client';
import { closeDevToolsWhenPackaged, refusedDebugSwitches } from './main/debug-lock';
import { createIpcHandler, registerIpc } from './main/ipc';
import { menuTemplate } from './main/menu';
import {
  appUrlMatcher,
  cspFor,
  denyWindowsAndWebviews,
  guardContents,
  guardSession,
  secureWebPreferences,
} from './main/security';
import { claimSingleInstance } from './main/single-instance';
import { loadWindowState, MIN_HEIGHT, MIN_WIDTH, saveWindowState } from './main/window-state';
import { startUpdates } from './ops/updater-electron';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolveDataDir(undefined);
// JSON lines on the console and in <data>/logs/main.log (rotated); a crash leaves a report there.
const log = fileLog({ dir: join(dataDir, 'logs'), name: 'main' }, (entry) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), ...entry })),
);
if (app.isPackaged)
  installCrashReports({
    dir: join(dataDir, 'crash-reports'),
    appVersion: app.getVersion(),
    component: 'desktop-main',
    log,
  });
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

// During development the UI may come from the Vite dev server; the shipped app only from its
// files, served as app://erp/ (./main/app-protocol.ts), never from file://.
const devUrl = app.isPackaged ? undefined : process.env['FSE_RENDERER_URL'] || undefined;
const rendererDir = join(here, '../renderer');
const isAppUrl = appUrlMatcher(devUrl ?? APP_INDEX_URL);
// Before the app is ready, or Chromium does not know the scheme is a standard, secure one.
protocol.registerSchemesAsPrivileged([...appSchemePrivileges]);

// The installed app does not start open to a debugger (./main/debug-lock.ts).
const debugSwitches = refusedDebugSwitches(app, process.argv, process.platform);
if (debugSwitches.length > 0) {
  log({ level: 'error', msg: 'refused to start with debugging switches', switches: debugSwitches });
  dialog.showErrorBox(
    'The app did not start',
    `It does not run with debugging switches (${debugSwitches.join(' ')}). Start it from its shortcut.`,
  );
  app.exit(1);
}

let mainWindow: BrowserWindow | null = null;

function coreEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  // The installer ships migrations and fonts beside app.asar (extraResources), not inside it.
  if (app.isPackaged) {
    env['FSE_MIGRATIONS_DIR'] = join(process.resourcesPath, 'migrations');
    env['FSE_FONTS_DIR'] = join(process.resourcesPath, 'fonts');
  }
  return env;
}

const keychain: SafeStorageLike = {
  isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
  encryptString: (plain) => safeStorage.encryptString(plain),
  decryptString: (sealed) => safeStorage.decryptString(sealed),
  ...(process.platform === 'linux' && {
    getSelectedStorageBackend: () => safeStorage.getSelectedStorageBackend(),
  }),
};

const core = new CoreClient({
  fork: () =>
    utilityProcess.fork(
      join(here, 'core-process.js'),
      ['--data', dataDir, '--app-version', app.getVersion()],
      {
        serviceName: 'Factory-Shop ERP data',
        env: coreEnv(),
      },
    ),
  safeStorage: keychain,
  log,
  onStartupFailure: (error) =>
    dialog.showErrorBox('The app could not open its data', error.message),
});

function isAppFrame(frame: WebFrameMain): boolean {
  const window = mainWindow;
  if (!window || window.isDestroyed()) return false;
  const main = window.webContents.mainFrame;
  const sameFrame =
    frame === main || (frame.processId === main.processId && frame.routingId === main.routingId);
  return sameFrame && isAppUrl(frame.url);
}

function createWindow(): void {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const state = loadWindowState(stateFile, screen.getAllDisplays());
  const window = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined && { x: state.x, y: state.y }),
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    title: app.getName(),
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(join(here, 'preload.js'), { packaged: app.isPackaged }),
  });
  mainWindow = window;
  guardContents(window.webContents, isAppUrl, log);
  closeDevToolsWhenPackaged(window.webContents, app.isPackaged, log);
  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });
  window.on('close', () => {
    try {
      saveWindowState(stateFile, window.getNormalBounds(), window.isMaximized());
    } catch (error) {
      log({ level: 'warn', msg: 'the window position was not saved', error: message(error) });
    }
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.webContents.on('render-process-gone', (_event, details) =>
    log({
      level: 'error',
      msg: 'the page crashed',
      reason: details.reason,
      exitCode: details.exitCode,
    }),
  );
  const loading = window.loadURL(devUrl ?? APP_INDEX_URL);
  loading.catch((error: unknown) => {
    log({ level: 'error', msg: 'the UI did not load', error: message(error) });
    dialog.showErrorBox(
      'The app could not show its screens',
      devUrl
        ? `${devUrl} did not load: ${message(error)}`
        : `${APP_INDEX_URL} (${rendererDir}) did not load. Run \`npm run build\`.`,
    );
  });
}

const syncSummary = z.object({ pushed: z.number(), pulled: z.number() });

function syncFromMenu(): void {
  void core.syncNow().then((answer) => {
    const summary = answer.ok ? syncSummary.safeParse(answer.result) : null;
    void dialog.showMessageBox({
      type: answer.ok ? 'info' : 'warning',
      title: 'Sync',
      message: answer.ok ? 'Sync finished.' : 'Sync did not finish.',
      detail: answer.ok
        ? summary?.success
          ? `Sent ${summary.data.pushed} changes, received ${summary.data.pulled}.`
          : ''
        : answer.error.message,
    });
  });
}

app.enableSandbox();
if (debugSwitches.length === 0 && claimSingleInstance(app, () => mainWindow)) {
  if (process.platform === 'win32') app.setAppUserModelId('com.factoryshop.erp');
  registerIpc(
    ipcMain,
    createIpcHandler<WebFrameMain>({
      isAppFrame,
      forward: (name, input, token) => core.call(name, input, token),
      log,
    }),
  );
  app.on('web-contents-created', (_event, contents) => denyWindowsAndWebviews(contents, log));
  app.on('window-all-closed', () => app.quit());

  let coreClosed = false;
  let closing = false;
  app.on('before-quit', (event) => {
    if (coreClosed) return;
    // Close the database cleanly first, then quit for real.
    event.preventDefault();
    if (closing) return;
    closing = true;
    void core.close().finally(() => {
      coreClosed = true;
      app.quit();
    });
  });

  void app.whenReady().then(() => {
    core.start();
    guardSession(session.defaultSession, cspFor(devUrl !== undefined), log);
    protocol.handle(
      APP_SCHEME,
      createAppProtocolHandler({ root: rendererDir, csp: cspFor(false), log }),
    );
    app.setAboutPanelOptions({
      applicationName: app.getName(),
      applicationVersion: app.getVersion(),
      copyright: 'Factory-Shop ERP',
    });
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          appName: app.getName(),
          dev: !app.isPackaged,
          actions: {
            syncNow: syncFromMenu,
            about: () => app.showAboutPanel(),
            openDataFolder: () => void shell.openPath(dataDir),
          },
        }),
      ),
    );
    createWindow();
    if (app.isPackaged)
      startUpdates(core, log, () => mainWindow, {
        // Copied there from build/update-keys.json by electron/build.ts: inside app.asar.
        keysFile: join(here, 'update-keys.json'),
        dataDir,
      });
  });
}
