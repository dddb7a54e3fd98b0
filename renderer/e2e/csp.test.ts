// The built page under its own policy, in Chromium. The desktop app serves dist/renderer from
// app://erp/ through electron/main/app-protocol.ts; Chromium here cannot have that scheme, so a
// small HTTP server hands each request to the very same handler (as app://erp/<path>) and sends
// back its answer. The app loads and runs; an inline script and a script from another origin,
// written into the page or added later, are refused by the policy and never run. Then the same
// with the header taken off (the page's own <meta> policy holds alone), and the same page as web
// mode and head office's console serve it, with the same policy.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../core/ops/csp';
import { APP_ORIGIN, createAppProtocolHandler } from '../../electron/main/app-protocol';
import { startWebMode } from '../../electron/web-mode';
import { mountConsole } from '../../sync-server/console';
import { chromiumArgs, ensureBuilt, staticDir } from './harness';

interface Violation {
  directive: string;
  blocked: string;
}

const servers: Server[] = [];
const closers: (() => Promise<void>)[] = [];
let browser: Browser;
let evil: { origin: string; hits: string[] };
let tampered: string;

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** An HTTP front for the app:// handler: `root` served as app://erp/ would be. */
function serveApp(root: string, options: { header: boolean }): Promise<string> {
  const handle = createAppProtocolHandler({ root, csp: contentSecurityPolicy });
  return listen(
    createServer((req, res) => {
      const answer = handle({ url: `${APP_ORIGIN}${req.url ?? '/'}`, method: req.method ?? 'GET' });
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (options.header || name !== 'content-security-policy') headers[name] = value;
      });
      void answer.arrayBuffer().then((body) => {
        res.writeHead(answer.status, headers);
        res.end(Buffer.from(body));
      });
    }),
  );
}

/** Chromium's report of every policy violation, collected from before the page's first script. */
async function open(url: string): Promise<{ page: Page; policy: string | undefined }> {
  const page = await browser.newPage();
  await page.addInitScript(`
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
  `);
  const response = await page.goto(url);
  // The app itself runs: React has put its first screen into #root.
  await page.waitForFunction('document.getElementById("root")?.childElementCount > 0');
  return { page, policy: response?.headers()['content-security-policy'] };
}

const violations = (page: Page) => page.evaluate('window.__violations') as Promise<Violation[]>;
const ran = (page: Page, flag: string) => page.evaluate(`window.${flag} === 1`);

/** Adds an inline and a remote script to the running page, as an injected bug would. */
async function inject(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const inline = document.createElement('script');
    inline.textContent = 'window.__dynamicInline = 1';
    document.head.append(inline);
    const remote = document.createElement('script');
    remote.src = ${JSON.stringify(`${evil.origin}/dynamic.js`)};
    document.head.append(remote);
  })()`);
  await page.waitForFunction('window.__violations.length >= 4');
}

beforeAll(async () => {
  ensureBuilt();
  // A build from before the page had its policy would prove nothing: build it again.
  if (!readFileSync(join(staticDir, 'index.html'), 'utf8').includes('Content-Security-Policy')) {
    rmSync(join(staticDir, 'index.html'));
    ensureBuilt();
  }
  const hits: string[] = [];
  const origin = await listen(
    createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' });
      res.end('window.__remote = 1; window.__dynamicRemote = 1;');
    }),
  );
  evil = { origin, hits };
  // The real build, with an inline script and another origin's script written into the page.
  tampered = mkdtempSync(join(tmpdir(), 'fse-csp-'));
  cpSync(staticDir, tampered, { recursive: true });
  const index = join(tampered, 'index.html');
  writeFileSync(
    index,
    readFileSync(index, 'utf8').replace(
      '</head>',
      `<script>window.__inline = 1</script>\n<script src="${origin}/evil.js"></script>\n</head>`,
    ),
  );
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const close of closers) await close();
  for (const s of servers) s.close();
  if (tampered && existsSync(tampered)) rmSync(tampered, { recursive: true, force: true });
});

interface Serving {
  name: string;
  /** Policies in force: the header and the page's <meta>, or the <meta> alone. */
  policies: 1 | 2;
  /** Serves `dir` (a built renderer) and answers the address of its page. */
  start(dir: string): Promise<string>;
}

// The desktop app's scheme, with and without its header; and the same kind of policy where the
// same page is served over HTTP: web mode, and head office's console.
const servings: Serving[] = [
  {
    name: 'app://erp/ (the header and the page’s <meta>)',
    policies: 2,
    start: async (dir) => `${await serveApp(dir, { header: true })}/index.html`,
  },
  {
    name: 'app://erp/ with the page’s <meta> alone (no header)',
    policies: 1,
    start: async (dir) => `${await serveApp(dir, { header: false })}/index.html`,
  },
  {
    name: 'web mode',
    policies: 2,
    start: async (dir) => {
      const web = await startWebMode({
        call: () => Promise.reject(new Error('no core in this test')),
        staticDir: dir,
      });
      closers.push(() => web.close());
      return `${web.origin}/`;
    },
  },
  {
    name: 'head office’s console',
    policies: 2,
    start: async (dir) => {
      const app = express();
      mountConsole(app, dir);
      return `${await listen(createServer(app))}/console/`;
    },
  },
];

describe.each(servings)('the built page served by $name', ({ policies, start }) => {
  it('loads the app with no violation of its own, under the desktop page’s policy', async () => {
    const { page, policy } = await open(await start(staticDir));
    expect(policy).toBe(policies === 2 ? contentSecurityPolicy : undefined);
    expect(await violations(page)).toEqual([]);
    // Its stylesheet applied, its module script ran (React rendered), from its own origin.
    expect(await page.evaluate('document.styleSheets.length')).toBeGreaterThan(0);
    await page.close();
  });

  it('refuses an inline script and a remote script, written in the page or added later', async () => {
    const { page } = await open(await start(tampered));
    await inject(page);
    for (const flag of ['__inline', '__remote', '__dynamicInline', '__dynamicRemote'])
      expect(await ran(page, flag), flag).toBe(false);
    const seen = await violations(page);
    // One written and one added of each kind, reported by each policy in force.
    expect(seen.filter((v) => v.blocked === 'inline')).toHaveLength(2 * policies);
    expect(seen.filter((v) => v.blocked.startsWith(evil.origin))).toHaveLength(2 * policies);
    expect(seen.every((v) => v.directive === 'script-src-elem')).toBe(true);
    // Chromium never even asked the other origin.
    expect(evil.hits).toEqual([]);
    // And the app still came up around them.
    expect(
      await page.evaluate('document.getElementById("root").childElementCount'),
    ).toBeGreaterThan(0);
    await page.close();
  });
});
