// The Customers screen in Chromium at 1024×768, from the keyboard alone: a clerk adds a customer
// (F2), finds them again by their phone written another way, gives them a loyalty card (F2 on
// the customer), is offered them when adding the same phone twice, and sees the points a sale
// earned them: pending, in the history with the sale's number, and the sale in their list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot, signIn, startHarness, type Harness } from './harness';

const SHIRT = 'TS-WHT-M';
/** Br 10.00 spent earns a point, spendable a week later. */
const PROGRAM = {
  spendPerPoint: 1000,
  pendingDays: 7,
  expiryDays: 365,
  pointValue: 100,
  tiers: [{ name: 'Bronze', minSpend: 0, rateBp: 10_000 }],
};

let h: Harness;
let page: Page;
let clerk = '';

const focused = () =>
  page.evaluate(`document.activeElement?.closest('[data-field]')?.getAttribute('data-field')`);
const fact = (name: string) => page.locator(`[data-fact="${name}"]`).textContent();
const detailName = () => page.locator('#customer-detail-name');

describe('the Customers screen', () => {
  beforeAll(async () => {
    h = await startHarness({ demo: true });
    const admin = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    await h.call('loyalty.saveProgram', PROGRAM, admin);
    clerk = (await h.call('auth.login', { username: 'shop1', password: 'demo1234' })).token;
    page = (await h.newPerson()).page;
    await page.setViewportSize({ width: 1024, height: 768 });
    page.setDefaultTimeout(5000);
    await signIn(page, h.web.url, 'shop1');
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('adds a customer, finds them by phone in another format and gives them a card', async () => {
    await page.keyboard.press('Alt+KeyP');
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await expect.poll(() => page.evaluate(`document.activeElement?.tagName`)).toBe('H1');

    // F2: a new customer, the focus in the name.
    await page.keyboard.press('F2');
    await page.getByRole('form', { name: 'New customer' }).waitFor();
    await expect.poll(focused).toBe('name');
    await page.keyboard.type('Meron Alemu');
    await page.keyboard.press('Tab');
    await page.keyboard.type('0911 55 66 77');
    await page.keyboard.press('Enter');
    await page.getByText('Meron Alemu is added.').waitFor();
    expect(await detailName().textContent()).toBe('Meron Alemu');
    expect(await fact('card')).toBe('—');
    await expect
      .poll(() => page.evaluate(`document.activeElement?.id`))
      .toBe('customer-detail-name');

    // Esc: the list; / the search; the phone as another shop would write it; Enter opens them.
    // The "/" follows at once, as a quick clerk's would: the focus the list gives back when it is
    // drawn again must not take it from the search box.
    await page.keyboard.press('Escape');
    await page.keyboard.press('/');
    await page.getByRole('table', { name: 'Customers found' }).waitFor();
    await expect.poll(focused).toBe('search');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('+251-911-556677');
    await page.locator('tr[data-customer="Meron Alemu"]').waitFor();
    await expect.poll(() => page.locator('table[data-state="ready"] tbody tr').count()).toBe(1);
    await screenshot(page, 'customers-found-by-phone');
    await page.keyboard.press('Enter');
    await detailName().waitFor();
    expect(await fact('phone')).toBe('0911 55 66 77');

    // F2 on the customer: the card, two Tabs after the name.
    await page.keyboard.press('F2');
    await page.getByRole('form', { name: 'Change Meron Alemu' }).waitFor();
    await expect.poll(focused).toBe('name');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect.poll(focused).toBe('card');
    await page.keyboard.type('LC-00777');
    await page.keyboard.press('Enter');
    await page.getByText('Meron Alemu is saved.').waitFor();
    expect(await fact('card')).toBe('LC-00777');
    const [byCard] = await h.call('customers.find', { search: 'LC-00777' }, clerk);
    expect(byCard).toMatchObject({ name: 'Meron Alemu', phone: '0911 55 66 77' });
    await screenshot(page, 'customers-card-given');

    // Back in the list the card shows on the row, and the focus is where the customer was opened.
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.locator('tr[data-customer="Meron Alemu"] td').nth(2).textContent())
      .toBe('LC-00777');
  });

  it('offers the customer who has the phone instead of adding them twice', async () => {
    await page.keyboard.press('F2');
    await page.getByRole('form', { name: 'New customer' }).waitFor();
    await page.keyboard.type('M. Alemu');
    await page.keyboard.press('Tab');
    await page.keyboard.type('0911556677');
    await page.keyboard.press('Enter');
    const instead = page.getByRole('button', { name: 'Open Meron Alemu' });
    await instead.waitFor();
    expect(await page.locator('[data-field="phone"] .field-error').textContent()).toMatch(
      /Meron Alemu/,
    );
    await expect
      .poll(() => page.evaluate(`document.activeElement?.textContent`))
      .toBe('Open Meron Alemu');
    await page.keyboard.press('Enter');
    await detailName().waitFor();
    expect(await detailName().textContent()).toBe('Meron Alemu');
    expect(
      await h.call('customers.list', { search: 'Alemu', limit: 10, offset: 0 }, clerk),
    ).toHaveLength(1);
    await page.keyboard.press('Escape');
  });

  it('shows the points a sale earned: pending, in the history, and the sale itself', async () => {
    const [meron] = await h.call('customers.find', { search: 'LC-00777' }, clerk);
    const { variantId } = await h.call('catalog.findByCode', { code: SHIRT }, clerk);
    await h.call('stock.adjust', { variantId, quantity: 5, reason: 'opening count' }, clerk);
    // A shirt at Br 450.00 earns 45 points, pending for a week.
    const sale = await h.call(
      'sales.record',
      {
        customerId: meron!.id,
        lines: [{ variantId, quantity: 1 }],
        payments: [{ method: 'cash' }],
      },
      clerk,
    );

    await page.keyboard.press('/');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('LC-00777');
    await page.locator('tr[data-customer="Meron Alemu"]').waitFor();
    await expect
      .poll(() => page.locator('tr[data-customer="Meron Alemu"] td').nth(4).textContent())
      .toBe('45 (45 pending)');
    await page.keyboard.press('Enter');
    await detailName().waitFor();
    await expect.poll(() => fact('balance')).toBe('45');
    expect(await fact('available')).toBe('0');
    expect(await fact('pending')).toBe('45');
    expect(await fact('tier')).toBe('Bronze');
    const earned = page.locator('[data-testid="points-history"] tr[data-kind="earn"]');
    await earned.waitFor();
    expect(await earned.textContent()).toContain(sale.number);
    expect(await earned.textContent()).toContain('+45');
    const sold = page.locator(`[data-testid="customer-sales"] tr[data-sale="${sale.number}"]`);
    await sold.waitFor();
    expect(await sold.textContent()).toContain('Br\u00a0450.00');
    await screenshot(page, 'customers-points');
  });

  it('makes an admin at head office choose the shop a new customer buys from', async () => {
    const admin = (await h.newPerson()).page;
    await admin.setViewportSize({ width: 1024, height: 768 });
    admin.setDefaultTimeout(5000);
    await signIn(admin, h.web.url, 'admin');
    await admin.keyboard.press('Alt+KeyP');
    await admin.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await admin.keyboard.press('F2');
    const form = admin.getByRole('form', { name: 'New customer' });
    await form.waitFor();
    const branch = form.getByLabel('Branch');
    await branch.waitFor();
    // Head office itself is no choice: it sells to no one.
    const choices = await branch.locator('option').allTextContents();
    expect(choices.some((c) => c.startsWith('SH01'))).toBe(true);
    expect(choices.some((c) => c.startsWith('HQ'))).toBe(false);
    await admin.keyboard.type('Tigist Haile');
    await admin.keyboard.press('Enter');
    // Not chosen: the branch is marked, and no customer is added.
    await expect.poll(() => branch.getAttribute('aria-invalid')).toBe('true');
    expect(await form.isVisible()).toBe(true);
    await branch.focus();
    await branch.selectOption({ label: choices.find((c) => c.startsWith('SH01')) ?? '' });
    await admin.keyboard.press('Tab');
    await admin.keyboard.press('Enter');
    await screenshot(admin, 'customers-admin-branch');
    await admin.getByText('Tigist Haile is added.').waitFor();
    const token = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    const shops = await h.call('branches.list', {}, token);
    const [added] = await h.call(
      'customers.list',
      { search: 'Tigist Haile', limit: 5, offset: 0 },
      token,
    );
    expect(shops.find((b) => b.id === added?.branchId)?.code).toBe('SH01');
  });
});
