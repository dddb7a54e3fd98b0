// main.ts and preload.ts against a recorder standing in for Electron: every window, handler and
// exposed object they set up is recorded, and the tests drive them as Electron would.
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from './security';
import { rec, type FakeFrame, type FakeWindow } from './testing/electron-recorder';

type Frame = FakeFrame;
type Answer =
  | { ok: true; result: unknown }
  | {
      ok: false;
      error: { code: string; message: string; field?: string; issues?: { field: string }[] };
    };

vi.mock('electron', () => import('./testing/electron-recorder'));

let window: FakeWindow;
let call: (senderFrame: Frame | null, payload: unknown) => Promise<Answer>;
const calls = () => rec.posted.filter((m) => m.type === 'call');

const logged: string[] = [];

beforeAll(async () => {
  vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
  await import('./main');
  await vi.waitFor(() => expect(rec.windows).toHaveLength(1));
  window = rec.windows[0]!;
  const handler = rec.ipcHandlers.get('fse:call')!;
  call = async (senderFrame, payload) => (await handler({ senderFrame }, payload)) as Answer;
});

describe('the main process', () => {
  it('turns the sandbox on for every page and takes the single-instance lock', () => {
    expect(rec.sandboxEnabled).toBe(true);
    expect(rec.lockRequested).toBe(true);
    const second = rec.appEvents.get('second-instance')!;
    second[0]!();
    expect(window.focused).toBe(1);
  });

  it('creates the window locked down, with the preload, and loads the built UI from app://erp/', () => {
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Not packaged here: DevTools stay on for developers (main.packaged.test.ts: off).
      devTools: true,
    });
    expect(String(window.options.webPreferences['preload'])).toMatch(/preload\.js$/);
    expect(rec.loaded).toEqual(['app://erp/index.html']);
  });

  it('serves the built renderer from the app:// scheme, registered before ready, with the CSP', async () => {
    expect(rec.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    const handler = rec.protocolHandlers.get('app')!;
    const page = (await handler({ url: 'app://erp/index.html', method: 'GET' })) as Response;
    // dist/renderer is built by npm test; without it the handler says so, with the policy all the same.
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
    const escape = (await handler({
      url: 'app://erp/..%2F..%2Fpackage.json',
      method: 'GET',
    })) as Response;
    expect([400, 503]).toContain(escape.status);
  });

  it('starts the core in a utility process with the data folder', () => {
    expect(rec.forks).toHaveLength(1);
    expect(rec.forks[0]!.path).toMatch(/core-process\.js$/);
    expect(rec.forks[0]!.args).toEqual([
      '--data',
      process.env['FSE_DATA'],
      '--app-version',
      '0.1.0',
    ]);
  });

  it('refuses navigation away from the app, new windows and webviews', () => {
    const contents = window.webContents;
    const attempt = (event: string, url: string, extra: Record<string, unknown> = {}) => {
      let prevented = false;
      contents.emit(event, { url, preventDefault: () => (prevented = true), ...extra });
      return prevented;
    };
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(attempt('will-redirect', 'https://evil.example/')).toBe(true);
    expect(attempt('will-frame-navigate', 'https://evil.example/', { isMainFrame: false })).toBe(
      true,
    );
    expect(attempt('will-navigate', `${contents.mainFrame.url}#/orders`)).toBe(false);
    expect(attempt('will-navigate', 'app://evil/index.html')).toBe(true);
    expect(attempt('will-frame-navigate', 'blob:app://erp/0b6c', { isMainFrame: false })).toBe(
      false,
    );
    expect(attempt('will-attach-webview', 'about:blank')).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({
      action: 'deny',
    });
    expect(contents.windowOpenHandler!({ url: contents.mainFrame.url })).toEqual({
      action: 'deny',
    });
  });

  it('refuses every permission and puts the CSP on every response', () => {
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal'])
      rec.permissionRequest!({}, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
    expect(rec.permissionCheck!({}, 'clipboard-read')).toBe(false);
    let response: { responseHeaders: Record<string, string[]> } | undefined;
    rec.headersReceived!(
      {
        responseHeaders: {
          'content-security-policy': ['default-src *'],
          'Content-Type': ['text/html'],
        },
      },
      (r) => (response = r as typeof response),
    );
    expect(response!.responseHeaders).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [contentSecurityPolicy],
    });
  });

  it('sets a native menu with Sync now, Quit, Edit roles, Zoom and the data folder', () => {
    const template = (
      rec.menu as { template: { label: string; submenu: { label?: string; role?: string }[] }[] }
    ).template;
    const items = template.flatMap((m) => m.submenu.map((i) => i.label ?? i.role));
    expect(items).toEqual(
      expect.arrayContaining([
        'Sync now',
        'Quit',
        'copy',
        'paste',
        'zoomIn',
        'reload',
        'Open data folder',
      ]),
    );
  });
});

describe('the IPC channel', () => {
  const good = {
    name: 'auth.login',
    input: { username: '  Shop1 ', password: 'demo1234', extra: 1 },
  };

  it('refuses a message from a subframe, another window, another origin or a gone frame, before the core', async () => {
    const main = window.webContents.mainFrame;
    const before = calls().length;
    const strangers: (Frame | null)[] = [
      { ...main, routingId: 7, parent: main },
      { ...main, processId: 99, routingId: 1 },
      { ...main, url: 'https://evil.example/' },
      { ...main, url: pathToFileURL('/tmp/other.html').href },
      { ...main, url: 'app://evil/index.html' },
      { ...main, url: 'app://erp.evil.example/index.html' },
      null,
    ];
    for (const frame of strangers) {
      const answer = await call(frame, good);
      expect(answer.ok).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('FORBIDDEN');
    }
    // The app's own frame, after it was navigated elsewhere.
    const url = main.url;
    main.url = 'https://evil.example/';
    expect((await call(main, good)).ok).toBe(false);
    main.url = url;
    expect(calls()).toHaveLength(before);
    expect(
      logged.filter((l) => l.includes('refused an IPC message from an unexpected frame')),
    ).toHaveLength(8);
  });

  it('refuses a bad input with the field that is wrong, before the core', async () => {
    const before = calls().length;
    const answer = await call(window.webContents.mainFrame, {
      name: 'orders.place',
      input: { lines: [{ variantId: 'v1', quantity: -2 }] },
      sessionToken: 'token',
    });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('VALIDATION');
    expect(answer.error.field).toBe('lines.0.quantity');
    expect(answer.error.message).toContain('lines.0.quantity');
    expect(calls()).toHaveLength(before);
  });

  it('refuses an operation that does not exist, and a message that is not a call', async () => {
    const before = calls().length;
    const unknown = await call(window.webContents.mainFrame, {
      name: 'orders.deleteAll',
      input: {},
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    const inherited = await call(window.webContents.mainFrame, { name: 'constructor', input: {} });
    expect(inherited).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    for (const junk of [
      null,
      'orders.list',
      { name: 42 },
      { name: 'orders.list', sessionToken: 7 },
    ])
      expect(await call(window.webContents.mainFrame, junk)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    expect(calls()).toHaveLength(before);
  });

  it('forwards a good call with exactly the parsed input, and returns the core’s answer', async () => {
    const answer = await call(window.webContents.mainFrame, { ...good, sessionToken: 'tok' });
    const parsed = { username: 'shop1', password: 'demo1234' };
    expect(calls().at(-1)).toEqual({
      type: 'call',
      id: expect.any(Number),
      name: 'auth.login',
      input: parsed,
      sessionToken: 'tok',
    });
    expect(answer).toEqual({ ok: true, result: { echo: parsed } });
  });

  it('accepts the app’s own frame anywhere on its origin, app://erp', async () => {
    const main = window.webContents.mainFrame;
    const url = main.url;
    main.url = 'app://erp/index.html#/orders/42';
    expect((await call(main, good)).ok).toBe(true);
    main.url = url;
  });
});

describe('the preload', () => {
  beforeAll(async () => {
    await import('./preload');
  });

  it('exposes window.api with one function, call, over the one channel', async () => {
    expect(rec.exposed).toHaveLength(1);
    const { key, api } = rec.exposed[0]!;
    expect(key).toBe('api');
    const functions: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (typeof value === 'function') functions.push(path);
      else if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    };
    walk(api, '');
    expect(functions).toEqual(['call']);
    expect(api).toMatchObject({ platform: { desktop: true, os: process.platform } });
    await (api as { call: (n: string, i: unknown, t?: string) => Promise<unknown> }).call(
      'orders.list',
      { limit: 5 },
      'tok',
    );
    expect(rec.invoked).toEqual([
      {
        channel: 'fse:call',
        payload: { name: 'orders.list', input: { limit: 5 }, sessionToken: 'tok' },
      },
    ]);
  });
});
