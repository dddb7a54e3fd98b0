// Head office's admin console: the same UI, served by the sync server at /console/, on the
// server's own replica: branches' sync state, devices, enrollment codes.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { formatHlc } from '../../core/hlc';
import { http, startWorld, type Site, type World } from '../../sync-server/testing/world';
import { chromiumArgs, ensureBuilt, screenshot } from './harness';

let w: World;
let shop: Site;
let browser: Browser;
beforeAll(async () => {
  ensureBuilt();
  w = await startWorld();
  shop = await w.enroll('SH01');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
});

describe('the head-office console', () => {
  it('signs the admin in and shows each branch’s sync state and its devices', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const response = await page.goto(`${w.base}/console/`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: /^Sign in/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.getByRole('button', { name: /Sync & devices/ }).click();
    await expect
      .poll(async () => page.getByText('SH01 PC').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await page.getByText(/Shop One/).count()).toBeGreaterThan(0);
    // Every PC is listed with its newest backup; this one never made one, and that is warned about.
    await page
      .getByRole('list', { name: "Backups of SH01's PCs" })
      .getByText(/^SH01 PC #\d+: never$/)
      .waitFor();
    expect(await page.getByRole('list', { name: 'Backup warnings' }).textContent()).toMatch(
      /Shop One \(SH01\): SH01 PC #\d+ has never backed up/,
    );
    // The console knows it is head office: no "works on its own", and "sync now" folds.
    const indicator = page.getByTestId('sync-indicator');
    await expect.poll(() => indicator.textContent()).toMatch(/^Head office/);
    expect(await indicator.textContent()).toMatch(/branches' work in as of/);
    await page.getByText('head office: branch PCs sync with it').waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('button', { name: 'Sync now' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'console-sync-devices');
    await page.close();
  });

  it('shows the admin Telegram and Backups & updates screens, and a link code', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${w.base}/console/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: /^Sign in/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page
      .getByRole('button', { name: /Telegram/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Telegram', level: 1 }).waitFor();
    // Head office has the bot's settings: they load (no token yet), and the notice a branch PC
    // shows instead ("Telegram is set up at head office") is absent.
    const settings = page.getByRole('main');
    await settings.getByRole('heading', { name: 'Bot settings' }).waitFor();
    await settings.getByText('Waiting to send', { exact: true }).waitFor();
    expect(await settings.locator('dt:has-text("Bot token") + dd').textContent()).toBe('not set');
    expect(await settings.getByRole('status').count()).toBe(0);
    expect(await settings.getByRole('alert').count()).toBe(0);
    await screenshot(page, 'console-telegram');

    await page.keyboard.press('Alt+KeyA');
    await page.getByRole('heading', { name: 'Backups & updates', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'App updates' }).waitFor();
    // A backup taken now is listed as complete: its manifest agrees with it.
    await page.getByRole('button', { name: 'Back up now' }).click();
    await page.getByRole('row', { name: /Head-office store .* Complete/ }).waitFor();
    await screenshot(page, 'console-backups');

    await page.getByRole('button', { name: 'Link my Telegram' }).click();
    await page.getByRole('region', { name: 'Link my Telegram' }).waitFor();
    await screenshot(page, 'console-link-telegram');
    await page.close();
  });

  it('shows the admin an event head office refused from a shop PC, with its reason', async () => {
    // With nothing but the shop PC's device token, someone tries to make themselves an admin.
    const device = shop.core.context().device!;
    const id = randomUUID();
    const answer = await http<{ refused: { id: string; code: string }[] }>(
      w.base,
      'POST',
      '/sync/push',
      {
        events: [
          {
            id: randomUUID(),
            type: 'user.saved',
            schemaVersion: 1,
            branchId: device.branchId,
            deviceId: device.id,
            userId: id,
            hlc: formatHlc({ wall: Date.now(), counter: 0, node: device.id }),
            createdAt: Date.now(),
            aggregateId: id,
            payload: { id, username: 'intruder', role: 'admin', branchId: w.branch.HQ },
          },
        ],
      },
      shop.token,
    );
    expect(answer.body.refused).toMatchObject([{ code: 'HEAD_OFFICE_ONLY' }]);
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.goto(`${w.base}/console/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: /^Sign in/ }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page
      .getByRole('button', { name: /Sync & devices/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Events head office refused' }).waitFor();
    const row = page.getByRole('row', { name: /user\.saved/ });
    expect(await row.textContent()).toMatch(/HEAD_OFFICE_ONLY/);
    expect(await row.textContent()).toMatch(/SH01/);
    // At 1024×768 the Enrolled PCs table fits its panel, and the screen has nothing to scroll
    // sideways.
    const pcs = page.getByRole('table', { name: 'Enrolled PCs' });
    await pcs.getByRole('row', { name: /SH01 PC/ }).waitFor();
    const width = await pcs.evaluate((table) => ({
      table: table.getBoundingClientRect().right,
      panel: table.parentElement?.getBoundingClientRect().right ?? 0,
      content: table.closest('.content')?.scrollWidth ?? 0,
      visible: table.closest('.content')?.clientWidth ?? 0,
    }));
    expect(width.table).toBeLessThanOrEqual(width.panel);
    expect(width.content).toBeLessThanOrEqual(width.visible);
    await screenshot(page, 'console-refusals');
    await page.close();
  });
});
