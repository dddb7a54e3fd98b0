// The window's locks, as plain functions over the few Electron methods they use, so tests can
// drive them without the Electron binary. The page may stay on the app and nothing else: no
// navigation away, no new windows, no webviews, no permissions, and a CSP on every response.
import { contentSecurityPolicy } from '../security';
import { APP_HOST, APP_SCHEME } from './app-protocol';

export interface SecureWebPreferences {
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  spellcheck: false;
  /** Off in the installed app (./debug-lock.ts); on while developing. */
  devTools: boolean;
  preload: string;
}

export const secureWebPreferences = (
  preload: string,
  { packaged }: { packaged: boolean },
): SecureWebPreferences => ({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  devTools: !packaged,
  preload,
});

/**
 * Which URLs are the app: exactly the origin app://erp (./app-protocol.ts), whatever the path,
 * hash or query; or, during development only, the Vite dev server's origin.
 */
export function appUrlMatcher(appUrl: string): (url: string) => boolean {
  const app = new URL(appUrl);
  if (app.protocol === `${APP_SCHEME}:`) {
    if (app.host !== APP_HOST)
      throw new Error(`The app's own origin is ${APP_SCHEME}://${APP_HOST}`);
    // Node gives custom schemes the origin "null", so scheme and host are compared instead.
    return (url) => {
      const u = parse(url);
      return (
        u !== null &&
        u.protocol === app.protocol &&
        // Chromium lowers a standard scheme's host; Node keeps a custom scheme's as written.
        u.host.toLowerCase() === APP_HOST &&
        !u.username &&
        !u.password &&
        !u.port
      );
    };
  }
  if (app.protocol !== 'http:' && app.protocol !== 'https:')
    throw new Error(`The app must load from ${APP_SCHEME}:, http: or https:, not ${app.protocol}`);
  return (url) => parse(url)?.origin === app.origin;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The policy for the app's pages; the dev server injects styles inline, nothing else does. */
export const cspFor = (dev: boolean): string =>
  dev
    ? contentSecurityPolicy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    : contentSecurityPolicy;

/**
 * The policy as the page itself carries it in a <meta> (renderer/index.html): a meta cannot hold
 * frame-ancestors, report-uri or sandbox (Chromium ignores them there, with a warning).
 */
export const metaPolicyOf = (csp: string): string =>
  csp
    .split(/;\s*/)
    .filter((d) => !/^(frame-ancestors|report-uri|sandbox)\b/.test(d))
    .join('; ');

interface Preventable {
  preventDefault(): void;
}
interface NavigationEvent extends Preventable {
  url: string;
}

/** The parts of Electron's WebContents the guards use. */
export interface GuardableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(
    event: 'will-frame-navigate',
    listener: (event: NavigationEvent & { isMainFrame: boolean }) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export type SecurityLog = (entry: Record<string, unknown>) => void;

/** For every WebContents the app ever makes: no new windows, no webviews. */
export function denyWindowsAndWebviews(contents: GuardableContents, log: SecurityLog): void {
  contents.setWindowOpenHandler(({ url }) => {
    log({ level: 'warn', msg: 'refused to open a window', url });
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log({ level: 'warn', msg: 'refused a webview' });
  });
}

/**
 * For the app's window: it may only ever show the app. Subframes may also show blob: URLs
 * (PDF previews); CSP `frame-src` already limits them to those.
 */
export function guardContents(
  contents: GuardableContents,
  isAppUrl: (url: string) => boolean,
  log: SecurityLog,
): void {
  denyWindowsAndWebviews(contents, log);
  const refuse = (kind: string) => (event: NavigationEvent) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log({ level: 'warn', msg: `refused ${kind}`, url: event.url });
  };
  contents.on('will-navigate', refuse('navigation'));
  contents.on('will-redirect', refuse('redirect'));
  const refuseFrame = refuse('frame navigation');
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || !/^(blob:|about:blank$)/.test(event.url)) refuseFrame(event);
  });
}

type Headers = Record<string, string | string[]>;

/** The parts of Electron's Session the guards use. */
export interface GuardableSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Headers },
        callback: (response: { responseHeaders?: Headers }) => void,
      ) => void,
    ): void;
  };
}

/** The app asks for no permissions (camera, notifications, geolocation…): every one is refused. */
export function guardSession(session: GuardableSession, csp: string, log: SecurityLog): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log({ level: 'warn', msg: 'refused a permission', permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Headers = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {}))
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}
