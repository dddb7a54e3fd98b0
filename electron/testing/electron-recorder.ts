// A stand-in for the `electron` module (there is no Electron binary in tests) that records what
// main.ts and preload.ts set up: windows and their options, IPC handlers, session handlers, the
// app:// scheme and its handler, the utility process, the menu, and what the preload exposes. Tests then drive the recorded handlers
// as Electron would. Use with `vi.mock('electron', () => import('./testing/electron-recorder'))`.
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

type Handler<A extends unknown[], R> = ((...args: A) => R) | null;

export const rec = {
  userData: mkdtempSync(join(tmpdir(), 'fse-electron-userdata-')),
  sandboxEnabled: false,
  lockRequested: false,
  appEvents: new Map<string, ((...args: unknown[]) => void)[]>(),
  ipcHandlers: new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>(),
  windows: [] as FakeWindow[],
  loaded: [] as string[],
  forks: [] as { path: string; args: string[]; options: Record<string, unknown> }[],
  posted: [] as { type: string; id?: number; name?: string; input?: unknown }[],
  permissionRequest: null as Handler<[unknown, string, (granted: boolean) => void], void>,
  permissionCheck: null as Handler<[unknown, string], boolean>,
  headersReceived: null as Handler<[unknown, (response: unknown) => void], void>,
  menu: null as { template: unknown } | null,
  errorBoxes: [] as string[],
  exposed: [] as { key: string; api: unknown }[],
  invoked: [] as { channel: string; payload: unknown }[],
  schemes: [] as { scheme: string; privileges?: Record<string, boolean> }[],
  protocolHandlers: new Map<string, (request: { url: string; method: string }) => unknown>(),
  /** Chromium's command-line switches as the app sees them (tests put debugging ones here). */
  switches: new Set<string>(),
  removedSwitches: [] as string[],
  exitCode: null as number | null,
  devToolsClosed: 0,
};
process.env['FSE_DATA'] = join(rec.userData, 'data');

let processIds = 0;

export class FakeContents extends EventEmitter {
  mainFrame: FakeFrame = {
    url: 'about:blank',
    parent: null,
    processId: ++processIds,
    routingId: 1,
  };
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  session = session.defaultSession;
  setWindowOpenHandler(handler: (details: { url: string }) => unknown) {
    this.windowOpenHandler = handler;
  }
  closeDevTools() {
    rec.devToolsClosed++;
  }
}

export class FakeWindow extends EventEmitter {
  webContents = new FakeContents();
  focused = 0;
  constructor(
    readonly options: { webPreferences: Record<string, unknown>; [key: string]: unknown },
  ) {
    super();
    rec.windows.push(this);
    for (const listener of rec.appEvents.get('web-contents-created') ?? [])
      listener({}, this.webContents);
  }
  loadFile(path: string) {
    rec.loaded.push(path);
    this.webContents.mainFrame.url = pathToFileURL(path).href;
    return Promise.resolve();
  }
  loadURL(url: string) {
    rec.loaded.push(url);
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }
  isDestroyed = () => false;
  isMinimized = () => false;
  isMaximized = () => false;
  getNormalBounds = () => ({ x: 10, y: 20, width: 1000, height: 700 });
  maximize() {}
  restore() {}
  show() {}
  focus() {
    this.focused++;
  }
}
export { FakeWindow as BrowserWindow };

/** Answers every call at once with `{ echo: input }`, and exits when told to shut down. */
class FakeUtilityProcess extends EventEmitter {
  postMessage(message: { type: string; id?: number; input?: unknown }) {
    rec.posted.push(message);
    if (message.type === 'call')
      setImmediate(() =>
        this.emit('message', {
          type: 'result',
          id: message.id,
          answer: { ok: true, result: { echo: message.input } },
        }),
      );
    if (message.type === 'shutdown') setImmediate(() => this.emit('exit', 0));
  }
  kill() {
    return true;
  }
}

export const session = {
  defaultSession: {
    setPermissionRequestHandler: (h: typeof rec.permissionRequest) => (rec.permissionRequest = h),
    setPermissionCheckHandler: (h: typeof rec.permissionCheck) => (rec.permissionCheck = h),
    webRequest: {
      onHeadersReceived: (h: typeof rec.headersReceived) => (rec.headersReceived = h),
    },
  },
};

export const app = {
  isPackaged: false,
  enableSandbox: () => (rec.sandboxEnabled = true),
  requestSingleInstanceLock: () => (rec.lockRequested = true),
  quit: () => undefined,
  on: (event: string, listener: (...args: unknown[]) => void) => {
    rec.appEvents.set(event, [...(rec.appEvents.get(event) ?? []), listener]);
    return app;
  },
  whenReady: () => Promise.resolve(),
  getPath: () => rec.userData,
  getName: () => 'Factory-Shop ERP',
  getVersion: () => '0.1.0',
  setAboutPanelOptions: () => undefined,
  showAboutPanel: () => undefined,
  setAppUserModelId: () => undefined,
  commandLine: {
    hasSwitch: (name: string) => rec.switches.has(name),
    removeSwitch: (name: string) => {
      rec.switches.delete(name);
      rec.removedSwitches.push(name);
    },
  },
  exit: (code: number) => {
    rec.exitCode = code;
  },
};

export const protocol = {
  registerSchemesAsPrivileged: (schemes: typeof rec.schemes) => rec.schemes.push(...schemes),
  handle: (scheme: string, handler: (request: { url: string; method: string }) => unknown) =>
    rec.protocolHandlers.set(scheme, handler),
};

export const ipcMain = {
  handle: (channel: string, handler: (event: unknown, payload: unknown) => Promise<unknown>) =>
    rec.ipcHandlers.set(channel, handler),
};

export const utilityProcess = {
  fork: (path: string, args: string[], options: Record<string, unknown>) => {
    rec.forks.push({ path, args, options });
    return new FakeUtilityProcess();
  },
};

export const Menu = {
  buildFromTemplate: (template: unknown) => ({ template }),
  setApplicationMenu: (menu: { template: unknown }) => (rec.menu = menu),
};

export const screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
};

export const safeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: () => Buffer.alloc(0),
  decryptString: () => '',
  getSelectedStorageBackend: () => 'basic_text',
};

export const dialog = {
  showErrorBox: (title: string, text: string) => rec.errorBoxes.push(`${title}: ${text}`),
  showMessageBox: () => Promise.resolve({ response: 0 }),
};

export const shell = { openPath: () => Promise.resolve('') };

export const contextBridge = {
  exposeInMainWorld: (key: string, api: unknown) => rec.exposed.push({ key, api }),
};

export const ipcRenderer = {
  invoke: (channel: string, payload: unknown) => {
    rec.invoked.push({ channel, payload });
    return Promise.resolve({ ok: true, result: null });
  },
};
