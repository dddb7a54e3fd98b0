import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../security';
import { APP_INDEX_URL } from './app-protocol';
import { appUrlMatcher, cspFor, metaPolicyOf, secureWebPreferences } from './security';

describe('which URLs are the app', () => {
  it('is exactly the origin app://erp, whatever the path, hash or query', () => {
    const isApp = appUrlMatcher(APP_INDEX_URL);
    expect(isApp('app://erp/index.html')).toBe(true);
    expect(isApp('app://erp/index.html#/orders/42')).toBe(true);
    expect(isApp('app://erp/?x=1')).toBe(true);
    expect(isApp('app://ERP/index.html')).toBe(true); // hosts are case-blind; Chromium lowers them
    expect(isApp('app://evil/index.html')).toBe(false);
    expect(isApp('app://erp.evil.example/index.html')).toBe(false);
    expect(isApp('app://erp:8080/index.html')).toBe(false);
    expect(isApp('app://user@erp/index.html')).toBe(false);
    expect(isApp('appx://erp/index.html')).toBe(false);
    expect(isApp('file:///opt/app/resources/app.asar/dist/renderer/index.html')).toBe(false);
    expect(isApp('file:///etc/passwd')).toBe(false);
    expect(isApp('https://erp/index.html')).toBe(false);
    expect(isApp('not a url')).toBe(false);
  });

  it('is the dev server’s origin during development', () => {
    const isApp = appUrlMatcher('http://localhost:5173/');
    expect(isApp('http://localhost:5173/orders')).toBe(true);
    expect(isApp('http://localhost:5174/')).toBe(false);
    expect(isApp('http://localhost.evil.example:5173/')).toBe(false);
  });

  it('cannot be anything but app://erp or http(s): (no file: any more)', () => {
    expect(() => appUrlMatcher('javascript:alert(1)')).toThrow();
    expect(() => appUrlMatcher('file:///opt/app/index.html')).toThrow();
    expect(() => appUrlMatcher('app://other/index.html')).toThrow();
  });
});

describe('secure settings', () => {
  it('has the sandbox and isolation on, Node, webviews and (when packaged) DevTools off', () => {
    expect(secureWebPreferences('/p/preload.js', { packaged: false })).toMatchObject({
      devTools: true,
    });
    expect(secureWebPreferences('/p/preload.js', { packaged: true })).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: false,
      preload: '/p/preload.js',
    });
  });

  it('loosens the CSP only for the dev server’s inline styles', () => {
    expect(cspFor(false)).toBe(contentSecurityPolicy);
    expect(cspFor(true)).toContain("style-src 'self' 'unsafe-inline'");
    expect(cspFor(true)).toContain("script-src 'self';");
  });

  it('gives the page a meta policy without what a meta cannot carry', () => {
    expect(metaPolicyOf("default-src 'self'; frame-ancestors 'none'; sandbox; report-uri /r")).toBe(
      "default-src 'self'",
    );
  });
});
