import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../security';
import { appUrlMatcher, cspFor, secureWebPreferences } from './security';

describe('which URLs are the app', () => {
  const index = pathToFileURL(
    '/opt/Factory-Shop ERP/resources/app.asar/dist/renderer/index.html',
  ).href;

  it('is the one index.html when the app loads from files, with any hash or query', () => {
    const isApp = appUrlMatcher(index);
    expect(isApp(index)).toBe(true);
    expect(isApp(`${index}#/orders/42`)).toBe(true);
    expect(isApp(`${index}?x=1`)).toBe(true);
    expect(isApp(index.replace('%20', ' '))).toBe(true);
    expect(
      isApp(
        pathToFileURL('/opt/Factory-Shop ERP/resources/app.asar/dist/renderer/other.html').href,
      ),
    ).toBe(false);
    expect(isApp('file:///etc/passwd')).toBe(false);
    expect(isApp('https://evil.example/dist/renderer/index.html')).toBe(false);
    expect(isApp('not a url')).toBe(false);
  });

  it('is the dev server’s origin during development', () => {
    const isApp = appUrlMatcher('http://localhost:5173/');
    expect(isApp('http://localhost:5173/orders')).toBe(true);
    expect(isApp('http://localhost:5174/')).toBe(false);
    expect(isApp('http://localhost.evil.example:5173/')).toBe(false);
  });

  it('cannot be anything but file: or http(s):', () => {
    expect(() => appUrlMatcher('javascript:alert(1)')).toThrow();
  });
});

describe('secure settings', () => {
  it('has the sandbox and isolation on, Node and webviews off', () => {
    expect(secureWebPreferences('/p/preload.js')).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      preload: '/p/preload.js',
    });
  });

  it('loosens the CSP only for the dev server’s inline styles', () => {
    expect(cspFor(false)).toBe(contentSecurityPolicy);
    expect(cspFor(true)).toContain("style-src 'self' 'unsafe-inline'");
    expect(cspFor(true)).toContain("script-src 'self';");
  });
});
