// End-to-end harness: the built UI served by web mode from a DesktopHost on a temp data folder,
// and Chromium driven by playwright-core (the system Chromium; nothing is downloaded).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { InputOf, OperationName, OutputOf } from '../../core/contract/api';
import { copyDemoInto } from '../../core/testing/demo';
import { DesktopHost } from '../../electron/host/desktop-host';
import { EncryptedTokenStore, keyFileCipher } from '../../electron/host/token-store';
import { startWebMode, type WebMode } from '../../electron/web-mode';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const staticDir = join(repoRoot, 'dist/renderer');
export const screenshotDir = join(repoRoot, 'test-results/screenshots');

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The UI must be built (npm test builds it first); build it once if a run starts without it. */
export function ensureBuilt(): void {
  if (existsSync(join(staticDir, 'index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
  if (!existsSync(join(staticDir, 'index.html')))
    throw new Error('vite build did not produce dist/renderer/index.html');
}

export interface Harness {
  host: DesktopHost;
  web: WebMode;
  browser: Browser;
  dataDir: string;
  /** The core directly, as a test checks what the UI shows against the ledger. */
  call<N extends OperationName>(name: N, input: InputOf<N>, token?: string): Promise<OutputOf<N>>;
  /** A browser context of its own (its own sessionStorage: one person) at 1280×800. */
  newPerson(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Runs on the host before the web mode starts (seeding a large history, say). */
  prepare?: (host: DesktopHost) => void | Promise<void>;
  /** Starts on the demo company, as if loaded there (copied from the run's template: faster). */
  demo?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'fse-e2e-'));
  if (options.demo) await copyDemoInto(dataDir);
  const host = new DesktopHost({
    dataDir,
    appVersion: '0.1.0-e2e',
    tokens: new EncryptedTokenStore(dataDir, keyFileCipher(dataDir)),
    syncIntervalMs: 0,
  });
  await options.prepare?.(host);
  const web = await startWebMode({ call: host.call.bind(host), staticDir });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: chromiumArgs,
  });
  const contexts: BrowserContext[] = [];
  return {
    host,
    web,
    browser,
    dataDir,
    call: (name, input, token) => host.core.call(name, input, token),
    async newPerson() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      // A page that breaks the CSP or throws shows up in the test output, not silently.
      page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
      page.on('console', (m) => {
        // A refused call is logged by Chromium as a failed resource; the test checks those itself.
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
          console.error(`[console] ${m.text()}`);
      });
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await web.close();
      host.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * The counter's payment step, as a clerk takes the rest in cash: it opens on the cart's Enter
 * (`form` is its name in the page's language), F1 chooses cash, Enter records the sale.
 */
export async function payTheRestInCash(page: Page, form = 'Payment'): Promise<void> {
  await page.getByRole('form', { name: form }).waitFor();
  await page.keyboard.press('F1');
  await page.keyboard.press('Enter');
}

/** Signs in through the login screen and waits for the signed-in shell. */
export async function signIn(page: Page, url: string, username: string, password = 'demo1234') {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /^Sign in/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export interface Figures {
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
}

/** Opens the stock screen (Alt+K) and reads one item's row as the clerk sees it. */
export async function stockOnScreen(page: Page, sku: string): Promise<Figures> {
  await page.keyboard.press('Alt+KeyK');
  const row = page.locator(`table.stock[data-state="ready"] tr[data-sku="${sku}"]`);
  await row.waitFor();
  const cell = async (col: string) =>
    Number((await row.locator(`td[data-col="${col}"]`).innerText()).replace(/,/g, ''));
  return {
    onHand: await cell('onHand'),
    reserved: await cell('reserved'),
    available: await cell('available'),
    inTransit: await cell('inTransit'),
  };
}

/** A real PNG (a small "payment slip") made in memory: signature, IHDR, IDAT, IEND with CRCs. */
export async function makePng(width = 240, height = 120): Promise<Buffer> {
  const { deflateSync } = await import('node:zlib');
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const stripe = y < 24 ? [29, 78, 216] : (x + y) % 40 < 20 ? [245, 247, 250] : [225, 231, 240];
      row.set(stripe, 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
