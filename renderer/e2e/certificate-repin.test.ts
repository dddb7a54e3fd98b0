// Head office replaces its certificate while a shop PC is offline (decision 0014), through the
// real screens in Chromium: the admin makes a re-pin code for that PC on the console; at the PC,
// the shop clerk (no admin there) opens Sync with Alt+D, which shows the refusal and what to do; a wrong code is refused beside its box and
// changes nothing; the right one, typed and submitted with Enter, brings the PC back, and the
// order it took while cut off reaches head office.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPins } from '../../core/sync/pins';
import { DesktopHost } from '../../electron/host/desktop-host';
import { EncryptedTokenStore, keyFileCipher } from '../../electron/host/token-store';
import { startWebMode, type WebMode } from '../../electron/web-mode';
import { createSelfSignedCertificate } from '../../sync-server/http/self-signed';
import {
  PASSWORD,
  startHeadOffice,
  type HeadOffice,
} from '../../sync-server/http/testing/head-office';
import { sidewaysOverflow } from './a11y-checks';
import { chromiumArgs, ensureBuilt, screenshot, staticDir } from './harness';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

/** A certificate the admin installs in place of the one every PC pinned, announced to none. */
function replacementCertificate() {
  const dir = tempDir('fse-e2e-next-tls-');
  const made = createSelfSignedCertificate(['127.0.0.1', 'localhost']);
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(certFile, made.certPem);
  writeFileSync(keyFile, made.keyPem, { mode: 0o600 });
  return { certFile, keyFile, fingerprint: new X509Certificate(made.certPem).fingerprint256 };
}

let ho: HeadOffice;
let host: DesktopHost;
let web: WebMode;
let browser: Browser;
let original = '';

beforeAll(async () => {
  ensureBuilt();
  ho = await startHeadOffice();
  original = ho.server.fingerprint256!;
  // The shop's PC, as the desktop app runs it, enrolled over https: it pins `original`.
  const dataDir = tempDir('fse-e2e-repin-pc-');
  host = new DesktopHost({
    dataDir,
    appVersion: '0.1.0-e2e',
    tokens: new EncryptedTokenStore(dataDir, keyFileCipher(dataDir)),
    syncIntervalMs: 0,
    backupSchedule: null,
  });
  await host.enroll({
    serverUrl: ho.server.url,
    code: await ho.enrollmentCode(),
    deviceName: 'Till',
  });
  web = await startWebMode({ call: host.call.bind(host), staticDir });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  host?.close();
  await ho?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function signInAt(page: Page, url: string, username: string) {
  await page.goto(url);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Focuses an element and acts on it from the keyboard, as someone tabbing to it would. */
async function pressOn(page: Page, target: ReturnType<Page['locator']>, key = 'Enter') {
  await target.focus();
  await page.keyboard.press(key);
}

const orderAtHeadOffice = async (orderId: string) => {
  await ho.server.replica.catchUp();
  return ho.server.replica.core.db.sqlite.prepare('SELECT 1 FROM orders WHERE id = ?').get(orderId);
};

describe('re-pinning a PC that missed head office’s certificate switch', () => {
  let next: ReturnType<typeof replacementCertificate>;
  let offlineOrder = '';
  let code = '';

  it('the PC, offline, takes an order; head office switches to a certificate it never announced', async () => {
    const clerk = (await host.core.call('auth.login', { username: 'shop1', password: PASSWORD }))
      .token;
    offlineOrder = (
      await host.core.call(
        'orders.place',
        { lines: [{ variantId: ho.variantId, quantity: 2 }] },
        clerk,
      )
    ).id;
    next = replacementCertificate();
    await ho.restart({ tls: { certFile: next.certFile, keyFile: next.keyFile } });
    expect(ho.server.fingerprint256).toBe(next.fingerprint);
    expect(loadPins(host.core.db)).toEqual({ current: original, next: null });
    expect(await orderAtHeadOffice(offlineOrder)).toBeUndefined();
  });

  it('the admin presses “Re-pin code” for that PC on the console and reads the code', async () => {
    // The console is the same self-signed server: the admin's browser was told to accept it.
    const context = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      ignoreHTTPSErrors: true,
    });
    const page = await context.newPage();
    await signInAt(page, `${ho.server.url}/console/`, 'admin');
    await page.keyboard.press('Alt+KeyD');
    await page.getByRole('heading', { name: 'Sync & devices', level: 1 }).waitFor();
    const row = page.getByRole('table', { name: 'Enrolled PCs' }).getByRole('row', {
      name: /Till #\d+/,
    });
    await pressOn(page, row.getByRole('button', { name: 'Re-pin code' }));
    const shown = row.getByRole('note').filter({ hasText: /^\s*[0-9A-F]{4}(-[0-9A-Z]{4}){4}$/ });
    await shown.waitFor();
    code = ((await shown.textContent()) ?? '').trim();
    // Made for the certificate head office presents now, and it says so.
    expect(code.slice(0, 4)).toBe(next.fingerprint.replace(/:/g, '').slice(0, 4));
    expect(await shown.getAttribute('title')).toBe(`For the certificate ${next.fingerprint}`);
    expect(await page.getByRole('alert').count()).toBe(0);
    // With the code shown, the console's device list still fits 1024×768.
    expect(await sidewaysOverflow(page)).toEqual([]);
    await shown.scrollIntoViewIfNeeded();
    await screenshot(page, 'repin-console-code');
    await context.close();
  });

  describe('at the PC, as its shop clerk', () => {
    let page: Page;
    const panel = () =>
      page
        .locator('section.panel')
        .filter({ has: page.getByRole('heading', { name: 'Head office’s certificate' }) });
    const codeBox = () => page.getByLabel('Re-pin code');
    const fact = (name: string) =>
      page.locator('.facts').first().locator(`dt:text-is("${name}") + dd`);
    // The screen's own button; the top bar has another, beside the sync indicator.
    const syncNow = () =>
      page
        .locator('section.panel')
        .filter({ has: page.getByRole('heading', { name: 'This PC' }) })
        .getByRole('button', { name: 'Sync now' });

    beforeAll(async () => {
      const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
      page = await context.newPage();
      page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
      await signInAt(page, web.url, 'shop1');
      await page.keyboard.press('Alt+KeyD');
      await page.getByRole('heading', { name: 'Sync & devices', level: 1 }).waitFor();
    });

    it('shows the refusal when it tries to sync, and what to do about it', async () => {
      await pressOn(page, syncNow());
      const refusal = page.getByRole('alert').filter({ hasText: 'never announced it' });
      await refusal.waitFor();
      const said = (await refusal.textContent()) ?? '';
      expect(said).toContain(`enrolled with SHA-256 ${original}`);
      expect(said).toContain(`now ${next.fingerprint}`);
      expect(said).toMatch(/Nothing was sent to it/);
      expect(said).toMatch(
        /enter the re-pin code the admin makes for this PC on the head-office console/,
      );
      await expect.poll(() => fact('Last problem').textContent()).toContain('never announced it');
      expect(await fact('Waiting to send').textContent()).toBe('1 event');
      await expect
        .poll(() => page.getByTestId('sync-indicator').textContent(), { timeout: 10_000 })
        .toMatch(/^Offline\s*· 1 waiting/);
      // The panel shows the certificate it still trusts, and where the code goes.
      await panel().waitFor();
      expect(await panel().locator('dt:text-is("Trusted") + dd').textContent()).toBe(original);
      expect(await codeBox().count()).toBe(1);
      // The refusal's code (CERTIFICATE_CHANGED, not a bare UNAVAILABLE) puts the person in the box.
      await expect
        .poll(() => codeBox().evaluate((box) => box === box.ownerDocument.activeElement))
        .toBe(true);
      await screenshot(page, 'repin-pc-refused');
    });

    it('fits the screen at 1024×768 with nothing to scroll sideways, refusal and all', async () => {
      expect(await sidewaysOverflow(page)).toEqual([]);
    });

    it('refuses a wrong code beside its box, naming the problem, and changes nothing', async () => {
      const pinsBefore = loadPins(host.core.db);
      const last = code.at(-1) === 'Z' ? 'Y' : 'Z';
      await codeBox().focus();
      await page.keyboard.type(code.slice(0, -1) + last);
      await page.keyboard.press('Enter');
      const error = panel().locator('[data-field="code"] .field-error');
      await error.waitFor();
      const said = (await error.textContent()) ?? '';
      expect(said).toMatch(/^This re-pin code does not match this PC and the certificate/);
      expect(said).toContain(next.fingerprint);
      expect(said).toMatch(/Nothing was changed/);
      expect(await codeBox().getAttribute('aria-invalid')).toBe('true');
      // Said once, beside the box: no second banner repeating it.
      expect(await panel().locator('.banner-error').count()).toBe(0);
      expect(await panel().getByRole('status').count()).toBe(0);
      await screenshot(page, 'repin-pc-wrong-code');
      expect(await sidewaysOverflow(page)).toEqual([]);

      expect(loadPins(host.core.db)).toEqual(pinsBefore);
      expect(host.status()).toMatchObject({ pending: 1, serverFingerprint: original });
      expect(await orderAtHeadOffice(offlineOrder)).toBeUndefined();
      expect(await panel().locator('dt:text-is("Trusted") + dd').textContent()).toBe(original);
    });

    it('takes the right code, submitted with Enter: the PC trusts the new certificate and syncs', async () => {
      await codeBox().focus();
      await page.keyboard.press('ControlOrMeta+KeyA');
      await page.keyboard.type(code);
      // The whole code shows in its box as typed, to be read back to the admin.
      const box = `document.querySelector('[data-field="code"] input')`;
      expect(await page.evaluate(`${box}.scrollWidth <= ${box}.clientWidth`)).toBe(true);
      await page.keyboard.press('Enter');
      const done = panel().getByRole('status').filter({ hasText: 'now trusts' });
      await done.waitFor({ timeout: 20_000 });
      expect(await done.textContent()).toBe(
        `This PC now trusts ${next.fingerprint} and has synced.`,
      );
      expect(await codeBox().inputValue()).toBe('');
      expect(await codeBox().getAttribute('aria-invalid')).toBe('false');
      await expect
        .poll(() => panel().locator('dt:text-is("Trusted") + dd').textContent())
        .toBe(next.fingerprint);
      expect(await fact('Waiting to send').textContent()).toBe('0 events');
      expect(await fact('Connection').textContent()).toBe('Online');
      expect(await fact('Last problem').count()).toBe(0);
      // The refusal shown when Sync now failed is gone too: it no longer holds.
      expect(await page.getByRole('alert').allTextContents()).toEqual([]);
      await expect
        .poll(() => page.getByTestId('sync-indicator').textContent(), { timeout: 10_000 })
        .toMatch(/^Online\s*· all sent · last sync/);
      await screenshot(page, 'repin-pc-trusted');
      expect(await sidewaysOverflow(page)).toEqual([]);

      expect(loadPins(host.core.db)).toEqual({ current: next.fingerprint, next: null });
      expect(await orderAtHeadOffice(offlineOrder)).toBeTruthy();

      // Sync now keeps working with the new certificate.
      await pressOn(page, syncNow());
      await syncNow().waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      expect(host.status()).toMatchObject({ lastError: null, online: true });
    });

    it('refuses the same code a second time, saying each works once', async () => {
      await codeBox().focus();
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
      const error = panel().locator('[data-field="code"] .field-error');
      await expect
        .poll(() => error.textContent())
        .toMatch(/used already, and each works once\. Ask the admin for a new one/);
      expect(loadPins(host.core.db)).toEqual({ current: next.fingerprint, next: null });
    });
  });
});
