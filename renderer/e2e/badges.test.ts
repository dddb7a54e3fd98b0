// Badges and leaderboards (issue 16, decision 0034) in Chromium at 1024×768 against the branch
// app: the admin sets a badge rule on the Badges screen, a driver delivers two stops with full
// proof (through the contract: the proof's screen is driver.test.ts), and on Badges the driver
// sees the badge held, their points this week and month, and the drivers' leaderboard with
// ranks, the drivers with no work sharing one rank,; "only the people around me" narrows it.
// Screens are checked by axe, for cut-off text and sideways scrolling, and photographed.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { companyDay } from '../../core/locale/day';
import { signaturePng } from '../../core/trips/fixture.test-support';
import { axeViolations, clippedElements, sidewaysOverflow } from './a11y-checks';
import { screenshot, signIn, startHarness, type Harness } from './harness';

async function photo(page: Page, name: string): Promise<void> {
  expect(await sidewaysOverflow(page), name).toEqual([]);
  expect(await clippedElements(page), name).toEqual([]);
  expect(await axeViolations(page), name).toEqual([]);
  await screenshot(page, name);
  // 200% zoom of a 1024×768 window is a 512×384 one: nothing may scroll sideways there either.
  await page.setViewportSize({ width: 512, height: 384 });
  expect(await sidewaysOverflow(page), `${name} at 200%`).toEqual([]);
  await screenshot(page, `${name}-zoom200`);
  await page.setViewportSize({ width: 1024, height: 768 });
}

describe('badges and leaderboards', () => {
  let h: Harness;
  let admin = '';
  let branch = '';
  let driverId = '';
  const orderIds: string[] = [];
  const sqlite = () => h.host.core.db.sqlite;

  beforeAll(async () => {
    h = await startHarness({ demo: true });
    admin = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    const idRow = z.object({ id: z.string() });
    branch = idRow.parse(sqlite().prepare(`SELECT id FROM branches WHERE code = 'FAC'`).get()).id;
    driverId = idRow.parse(
      sqlite().prepare(`SELECT id FROM users WHERE username = 'driver'`).get(),
    ).id;
    // Two more drivers with no work yet: they tie.
    for (const [username, displayName] of [
      ['e2e-driver-a', 'Abebe Girma'],
      ['e2e-driver-b', 'Kebede Tola'],
    ] as const)
      await h.call(
        'users.create',
        { username, displayName, role: 'driver', branchId: branch, password: 'demo1234' },
        admin,
      );
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('lets the admin set a badge rule in words', async () => {
    const { page } = await h.newPerson();
    await page.setViewportSize({ width: 1024, height: 768 });
    page.setDefaultTimeout(20_000);
    await signIn(page, h.web.url, 'admin');
    await page.keyboard.press('Alt+Digit1');
    await page.getByRole('heading', { name: 'Badges and leaderboards', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New badge rule' }).click();
    const form = page.getByRole('form', { name: 'New badge rule' });
    await form.waitFor();
    // Without a name the core names the box.
    await form.getByRole('button', { name: 'Save the rule' }).click();
    await form.locator('[data-field="name"] .field-error').waitFor();
    await form.getByLabel('Badge name').fill('Two clean deliveries');
    await form.getByLabel('For', { exact: true }).selectOption('driver');
    await form.getByLabel('Kind of rule').selectOption('count');
    await form.getByLabel('Kind of work').selectOption('delivery');
    await form.getByLabel('How many').fill('2');
    await form.getByLabel('Period', { exact: true }).selectOption('ever');
    await form.getByLabel('Points', { exact: true }).fill('50');
    expect(await form.textContent()).toContain('Deliveries with full proof: 2 (all time)');
    await photo(page, 'badges-rule-form');
    await form.getByRole('button', { name: 'Save the rule' }).click();
    await page.getByText('The rule “Two clean deliveries” is saved.').waitFor();
    const rule = page.locator('tr[data-rule="Two clean deliveries"]');
    await rule.waitFor();
    expect(await rule.textContent()).toContain('Drivers');
    const rules = await h.call('badges.rules', {}, admin);
    expect(rules.find((r) => r.name === 'Two clean deliveries')).toMatchObject({
      role: 'driver',
      rule: 'count',
      kind: 'delivery',
      threshold: 2,
      period: 'ever',
      points: 50,
      active: true,
    });
    await photo(page, 'badges-admin');
  });

  it("shows the driver's badge after two deliveries, and the board with shared ranks", async () => {
    // Two stops delivered with full proof, through the contract.
    const goods = z
      .object({ v: z.string() })
      .parse(
        sqlite()
          .prepare(
            'SELECT variant_id AS v FROM stock_balances WHERE branch_id = ? AND on_hand - reserved >= 40 ORDER BY variant_id LIMIT 1',
          )
          .get(branch),
      ).v;
    for (const [i, name] of ['Cafe Lucy', 'Bistro Abay'].entries()) {
      const customer = await h.call(
        'customers.create',
        { branchId: branch, name, address: `${name}, Bole`, phone: `+25191177000${i}` },
        admin,
      );
      const placed = await h.call(
        'field.placeOrder',
        { customerId: customer.id, branchId: branch, lines: [{ variantId: goods, quantity: 2 }] },
        admin,
      );
      orderIds.push(placed.orderId);
    }
    const trip = await h.call(
      'trips.plan',
      {
        branchId: branch,
        day: companyDay(h.host.core.db, Date.now()),
        driverId,
        vehicle: 'AA-3-12345',
        orderIds,
      },
      admin,
    );
    const driver = (await h.call('auth.login', { username: 'driver', password: 'demo1234' })).token;
    for (const [i, orderId] of orderIds.entries())
      await h.call(
        'trips.prove',
        {
          tripId: trip.tripId,
          orderId,
          lines: [{ lineNo: 1, delivered: 2, damaged: 0, short: 0 }],
          returns: [],
          collected: null,
          signature: { contentBase64: signaturePng(40, i) },
          photos: {},
          signedBy: 'Owner',
        },
        driver,
      );

    const { page } = await h.newPerson();
    await page.setViewportSize({ width: 1024, height: 768 });
    page.setDefaultTimeout(20_000);
    await signIn(page, h.web.url, 'driver');
    await page.keyboard.press('Alt+KeyW');
    await page.getByRole('heading', { name: 'My badges', level: 1 }).waitFor();
    const badge = page.locator('[data-badge="Two clean deliveries"]');
    await badge.waitFor();
    expect(await badge.getAttribute('data-badge-status')).toBe('held');
    expect(await badge.textContent()).toContain('Deliveries with full proof: 2 (all time)');

    // The board on screen is the core's: ranks, and ties sharing one (1, 2, 2 …).
    const core = await h.call('badges.leaderboard', { role: 'driver', period: 'week' }, driver);
    const board = page.locator('table.leaderboard[data-state="ready"]');
    await board.waitFor();
    const rows = board.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(core.rows.length);
    const ranks = await rows.evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-person'), Number(tr.getAttribute('data-rank'))]),
    );
    expect(ranks).toEqual(core.rows.map((r) => [r.name, r.rank]));
    const rankOf = new Map(ranks.map(([name, rank]) => [name, rank]));
    // Two deliveries and the badge's 50 points put Yonas first; the two with no work tie.
    expect(rankOf.get('Yonas Bekele')).toBe(1);
    expect(rankOf.get('Abebe Girma')).toBe(rankOf.get('Kebede Tola'));
    expect(rankOf.get('Abebe Girma')).toBeGreaterThan(1);
    const yonas = core.rows.find((r) => r.name === 'Yonas Bekele');
    expect(yonas?.badgePoints).toBeGreaterThanOrEqual(50);
    const mine = board.locator('tr[data-person="Yonas Bekele"]');
    expect(await mine.getAttribute('aria-current')).toBe('true');
    expect(await mine.locator('td[data-col="points"]').textContent()).toBe(String(yonas?.points));
    expect(await page.locator('[data-my-points="week"]').textContent()).toContain(
      `${yonas?.points} points, rank 1`,
    );
    await photo(page, 'badges-driver');

    // The month's board says the same; "around me" keeps me and the two below.
    await page.getByRole('radio', { name: 'This month' }).check();
    await expect
      .poll(() => board.locator('tr[data-person="Yonas Bekele"]').getAttribute('data-rank'))
      .toBe('1');
    await page.locator('[data-around]').check();
    await expect.poll(() => rows.count()).toBe(Math.min(3, core.rows.length));
    expect(await board.locator('tr[data-person="Yonas Bekele"]').count()).toBe(1);
  });

  it('shows the badge withdrawn, and why, when the goods of a delivery come back', async () => {
    await h.call(
      'field.returnOrder',
      { orderId: orderIds[1] ?? '', reason: 'Wrong size', lines: [{ lineNo: 1, quantity: 2 }] },
      admin,
    );
    const { page } = await h.newPerson();
    await page.setViewportSize({ width: 1024, height: 768 });
    page.setDefaultTimeout(20_000);
    await signIn(page, h.web.url, 'driver');
    await page.keyboard.press('Alt+KeyW');
    const badge = page.locator('[data-badge="Two clean deliveries"]');
    await badge.waitFor();
    expect(await badge.getAttribute('data-badge-status')).toBe('withdrawn');
    expect(await badge.textContent()).toContain('Withdrawn');
    expect(await badge.textContent()).toContain('the work that earned it no longer counts');
    await photo(page, 'badges-withdrawn');
  });
});
