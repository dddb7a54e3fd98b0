// The admin sets up head office's AI model in the console (issue 14), against the local
// OpenAI-compatible stand-in over real HTTP: a refused key is said so, the right one saved and
// tested says which JSON mode the server supports, and the key is never shown again — not in the
// page, not in any answer the console receives. A branch PC says where the model is set up.
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../sync-server/testing/openai-server';
import { startWorld, type World } from '../../sync-server/testing/world';
import { axeViolations, clippedElements, sidewaysOverflow } from './a11y-checks';
import {
  chromiumArgs,
  ensureBuilt,
  screenshot,
  signIn,
  startHarness,
  type Harness,
} from './harness';

const KEY = 'sk-e2e-right-7f3a9c41d2';
const WRONG_KEY = 'sk-e2e-wrong-0b8e55aa17';
const MODEL = 'stand-in-model';

/** Opens the screen by its key and waits for its settings to load. */
async function openAiScreen(page: Page): Promise<void> {
  await page.locator('main').focus();
  await page.keyboard.press('Alt+KeyX');
  await page.getByRole('heading', { name: 'AI model', level: 1 }).waitFor();
}

describe("head office's console: the AI model", () => {
  let w: World;
  let ai: OpenAiStandIn;
  let browser: Browser;
  beforeAll(async () => {
    ensureBuilt();
    ai = await startOpenAiStandIn({ apiKey: KEY, models: [MODEL], capability: 'json_schema' });
    w = await startWorld();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
    await ai?.close();
  });

  it('refuses a wrong key, saves and tests the right one, and never shows the key again', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    // Every answer the console receives, read in full, to look for the key in them afterwards.
    const bodies: Promise<string>[] = [];
    page.on('response', (r: Response) => bodies.push(r.text().catch(() => '')));
    await signIn(page, `${w.base}/console/`, 'admin', 'correct-horse-battery');
    await openAiScreen(page);
    const main = page.getByRole('main');
    const keyState = main.getByTestId('ai-key-state');
    expect(await keyState.textContent()).toBe('not set');
    // No note that the model is head office's: this is head office.
    expect(await main.getByText("set up at head office's console").count()).toBe(0);

    // An address that is not one: the error is beside the address, and focus goes there.
    const address = main.getByLabel('Server address');
    await address.fill('gpu-box');
    await main.getByLabel('Model', { exact: true }).fill(MODEL);
    await address.press('Enter');
    const addressError = main.locator('[data-field="baseUrl"] .field-error');
    await addressError.waitFor();
    expect(await addressError.textContent()).toMatch(/server's address/);
    await expect
      .poll(() =>
        page.evaluate<boolean>(`document.activeElement?.closest('[data-field="baseUrl"]') != null`),
      )
      .toBe(true);

    // The stand-in's address with a wrong key: the test says the key was refused (and saves first).
    await address.fill(ai.url);
    await main.getByLabel('Use the AI model').check();
    await main.getByLabel('New API key').fill(WRONG_KEY);
    await main.getByRole('button', { name: 'Test the connection' }).click();
    const failed = main.getByText(/^The test failed: the server refused the API key/);
    await failed.waitFor();
    expect(await main.getByRole('status').textContent()).toMatch(/refused the API key \(401\)/);
    await keyState.filter({ hasText: /^set$/ }).waitFor();
    expect(await main.getByLabel('New API key').inputValue()).toBe('');

    // The right key, saved with Enter; then the test says the server holds answers to a schema.
    await main.getByLabel('New API key').fill(KEY);
    await main.getByLabel('New API key').press('Enter');
    await main.getByText('Saved.', { exact: true }).waitFor();
    await main.getByRole('button', { name: 'Test the connection' }).click();
    await main
      .getByText(
        /^The connection works: "stand-in-model" answered in .* ms\. The server supports structured outputs \(JSON Schema\)\.$/,
      )
      .waitFor();
    await main
      .locator('dt:has-text("JSON mode found") + dd')
      .filter({ hasText: 'structured outputs (JSON Schema)' })
      .waitFor();
    const chat = ai.calls.filter((c) => c.path === '/v1/chat/completions');
    expect(chat.at(-1)).toMatchObject({ status: 200, authorization: `Bearer ${KEY}` });

    // A server without structured outputs: the test finds JSON mode instead.
    ai.set({ capability: 'json_object' });
    await main.getByRole('button', { name: 'Test the connection' }).click();
    await main.getByText(/The server supports JSON mode only/).waitFor();
    expect(await sidewaysOverflow(page)).toEqual([]);
    expect(await clippedElements(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'console-ai-settings');

    // Reloaded: the key is "set", and neither key is in the page or in anything it was sent.
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await openAiScreen(page);
    await keyState.filter({ hasText: /^set$/ }).waitFor();
    expect(await main.getByLabel('Server address').inputValue()).toBe(ai.url);
    expect(await main.getByLabel('Model', { exact: true }).inputValue()).toBe(MODEL);
    expect(await main.getByLabel('New API key').inputValue()).toBe('');
    expect(await main.getByLabel('New API key').getAttribute('type')).toBe('password');
    const html = await page.content();
    expect(html).not.toContain(KEY);
    expect(html).not.toContain(WRONG_KEY);
    const received = await Promise.all(bodies);
    expect(received.some((b) => b.includes('"apiKey":"set"'))).toBe(true);
    for (const body of received) {
      expect(body).not.toContain(KEY);
      expect(body).not.toContain(WRONG_KEY);
    }
    expect(await sidewaysOverflow(page)).toEqual([]);
    expect(await clippedElements(page)).toEqual([]);
    await screenshot(page, 'console-ai-settings-reloaded');

    // In Amharic the form fits as well, every word its own.
    await page.locator('.topbar select').first().selectOption('am');
    await page.getByRole('heading', { name: 'የAI ሞዴል', level: 1 }).waitFor();
    expect(await keyState.textContent()).toBe('ተቀምጧል');
    expect(await sidewaysOverflow(page)).toEqual([]);
    expect(await clippedElements(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'console-ai-settings-am');
    await page.locator('.topbar select').first().selectOption('en');
    await page.getByRole('heading', { name: 'AI model', level: 1 }).waitFor();

    // Removing the key: a server on the premises often needs none.
    await main.getByLabel('Remove the stored API key').check();
    await main.getByRole('button', { name: 'Save' }).click();
    await keyState.filter({ hasText: 'not set' }).waitFor();
    await page.close();
  }, 120_000);
});

describe('a branch PC: the AI model is head office’s', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ demo: true });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('says where the model is set up instead of a form', async () => {
    const { page } = await h.newPerson();
    await page.setViewportSize({ width: 1024, height: 768 });
    await signIn(page, h.web.url, 'admin');
    await openAiScreen(page);
    const main = page.getByRole('main');
    await main.getByText("The AI model is set up at head office's console.").waitFor();
    expect(await main.getByRole('form').count()).toBe(0);
    expect(await main.getByRole('alert').count()).toBe(0);
    expect(await sidewaysOverflow(page)).toEqual([]);
    await screenshot(page, 'branch-ai-settings');
  }, 60_000);
});
