// The driver's day (issue 16, decision 0034), in Chromium at 1024×768 against the branch app:
// the driver opens today's trip (Alt+T), opens the first stop, marks one line damaged with a
// photo and one short, each with a reason, records cash collected, writes the customer's name
// and signs with the mouse on the pad (which waits until every line is marked), and saves twice
// in a row. One proof is made, the stop shows delivered, and its delivery note opens. Screens are
// checked by axe, for cut-off text and sideways scrolling, and photographed.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRows } from '../../core/db/rows';
import { companyDay } from '../../core/locale/day';
import { axeViolations, clippedElements, sidewaysOverflow } from './a11y-checks';
import { makePng, screenshot, signIn, startHarness, type Harness } from './harness';

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

/** Replaces what a box holds by typing, as a person does. */
async function retype(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

describe("the driver's trips", () => {
  let h: Harness;
  let page: Page;
  let orderId = '';
  let secondOrder = '';
  const sqlite = () => h.host.core.db.sqlite;

  beforeAll(async () => {
    h = await startHarness({ demo: true });
    const admin = (await h.call('auth.login', { username: 'admin', password: 'demo1234' })).token;
    const idRow = z.object({ id: z.string() });
    const branch = idRow.parse(
      sqlite().prepare(`SELECT id FROM branches WHERE code = 'FAC'`).get(),
    ).id;
    const driverId = idRow.parse(
      sqlite().prepare(`SELECT id FROM users WHERE username = 'driver'`).get(),
    ).id;
    const goods = parseRows(
      z.object({ v: z.string() }),
      sqlite()
        .prepare(
          'SELECT variant_id AS v FROM stock_balances WHERE branch_id = ? AND on_hand - reserved >= 40 ORDER BY variant_id LIMIT 2',
        )
        .all(branch),
    ).map((r) => r.v);
    expect(goods).toHaveLength(2);
    const customer = async (name: string, phone: string) =>
      (
        await h.call(
          'customers.create',
          { branchId: branch, name, address: `${name}, Bole Road`, phone },
          admin,
        )
      ).id;
    const place = async (customerId: string, quantities: [number, number]) => {
      const placed = await h.call(
        'field.placeOrder',
        {
          customerId,
          branchId: branch,
          lines: [
            { variantId: goods[0] ?? '', quantity: quantities[0] },
            { variantId: goods[1] ?? '', quantity: quantities[1] },
          ],
        },
        admin,
      );
      expect(placed.status).toBe('open');
      return placed.orderId;
    };
    orderId = await place(await customer('Cafe Lucy', '+251911223344'), [5, 3]);
    secondOrder = await place(await customer('Bistro Abay', '+251911556677'), [2, 2]);
    await h.call(
      'trips.plan',
      {
        branchId: branch,
        day: companyDay(h.host.core.db, Date.now()),
        driverId,
        vehicle: 'AA-3-12345',
        orderIds: [orderId, secondOrder],
      },
      admin,
    );
    page = (await h.newPerson()).page;
    await page.setViewportSize({ width: 1024, height: 768 });
    page.setDefaultTimeout(20_000);
    await signIn(page, h.web.url, 'driver');
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it("shows today's trip with its stops in order", async () => {
    await page.keyboard.press('Alt+KeyT');
    await page.getByRole('heading', { name: 'My trips', level: 1 }).waitFor();
    const stops = page.locator('[data-stop]');
    await expect.poll(() => stops.count()).toBe(2);
    expect(await stops.nth(0).textContent()).toContain('Cafe Lucy');
    expect(await stops.nth(0).textContent()).toContain('Bole Road');
    expect(await stops.nth(1).textContent()).toContain('Bistro Abay');
    expect(await stops.nth(0).getAttribute('data-status')).toBe('pending');
    await photo(page, 'driver-trips');
  });

  it('marks the lines, collects cash, signs, and saves once though Save is pressed twice', async () => {
    await page.locator('[data-open-stop="1"]').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('form', { name: 'Proof of delivery' }).waitFor();
    const pad = page.locator('[data-signature-pad]');
    // The pad waits, and says so, until every line is marked.
    expect(await pad.getAttribute('data-disabled')).toBe('true');
    expect(await page.locator('.signature-pad [role="status"]').textContent()).toMatch(
      /waits until every line is marked: 2 left/,
    );
    await photo(page, 'driver-stop-open');

    // Line 1: one damaged (broken in the van), with the camera's photo.
    const line1 = page.locator('[data-line="1"]');
    await retype(page, '[data-field="lines.0.damaged"] input', '1');
    expect(await line1.locator('[data-field="lines.0.delivered"] input').inputValue()).toBe('4');
    await line1.getByLabel('Why damaged or short').fill('Broken in the van');
    const file = line1.locator('input[type="file"]');
    expect(await file.getAttribute('accept')).toBe('image/*');
    expect(await file.getAttribute('capture')).toBe('environment');
    await file.setInputFiles({
      name: 'damage.png',
      mimeType: 'image/png',
      buffer: await makePng(),
    });
    await line1.locator('[data-photo-thumb]').waitFor();
    await line1.getByLabel('Checked with the customer').check();
    await expect.poll(() => line1.getAttribute('data-marked')).toBe('true');

    // Line 2: one short (not loaded).
    const line2 = page.locator('[data-line="2"]');
    await retype(page, '[data-field="lines.1.short"] input', '1');
    await line2.getByLabel('Why damaged or short').fill('Not loaded at the factory');
    await line2.getByLabel('Checked with the customer').check();
    await expect.poll(() => line2.getAttribute('data-marked')).toBe('true');
    await expect.poll(() => pad.getAttribute('data-disabled')).toBe('false');

    await page.getByLabel('Paid by').selectOption('cash');
    await page.getByLabel('Amount collected').fill('50.00');
    await page.getByLabel('Name of the person who signs').fill('Lucy Tesfaye');

    // A signature drawn with the mouse.
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    if (!box) throw new Error('the signature pad is not on screen');
    await page.mouse.move(box.x + 30, box.y + box.height * 0.7);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++)
      await page.mouse.move(
        box.x + 30 + i * 20,
        box.y + box.height * (0.7 - 0.4 * Math.abs(Math.sin(i / 2))),
        { steps: 2 },
      );
    await page.mouse.up();
    await expect.poll(() => pad.getAttribute('data-signed')).toBe('true');
    await photo(page, 'driver-stop-signed');

    // Save, twice at once: one proof.
    const save = page.locator('[data-save-proof]');
    await save.dblclick();
    await page.getByText('Stop 1 (Cafe Lucy) is delivered.').waitFor();
    const proofs = parseRows(
      z.object({ id: z.string(), signedBy: z.string(), collected: z.number().int() }),
      sqlite()
        .prepare(
          'SELECT id, signed_by AS signedBy, collected FROM delivery_proofs WHERE order_id = ?',
        )
        .all(orderId),
    );
    expect(proofs).toHaveLength(1);
    expect(proofs[0]).toMatchObject({ signedBy: 'Lucy Tesfaye', collected: 5000 });
    const lines = parseRows(
      z.object({
        lineNo: z.number().int(),
        delivered: z.number().int(),
        damaged: z.number().int(),
        short: z.number().int(),
        reason: z.string().nullable(),
        photo: z.string().nullable(),
      }),
      sqlite()
        .prepare(
          'SELECT line_no AS lineNo, delivered, damaged, short, reason, photo_file AS photo FROM delivery_proof_lines WHERE proof_id = ? ORDER BY line_no',
        )
        .all(proofs[0]?.id),
    );
    expect(lines.map((l) => [l.delivered, l.damaged, l.short])).toEqual([
      [4, 1, 0],
      [2, 0, 1],
    ]);
    expect(lines[0]?.photo).toMatch(/^[0-9a-f]{64}$/);
    expect(lines[1]?.reason).toBe('Not loaded at the factory');
    // Sent again with the same proof id (a retry): still one proof.
    const events = z
      .object({ n: z.number().int() })
      .parse(
        sqlite().prepare(`SELECT count(*) AS n FROM events WHERE type = 'delivery.proved'`).get(),
      );
    expect(events.n).toBe(1);

    const first = page.locator('[data-stop="1"]');
    await expect.poll(() => first.getAttribute('data-status')).toBe('delivered');
    expect(await first.locator('[data-stop-status]').textContent()).toBe('Delivered');
    await photo(page, 'driver-stop-delivered');
  });

  it('opens the delivery note of the delivered stop', async () => {
    await page.locator('[data-open-note="1"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('iframe.pdf-frame').waitFor();
    expect(await page.locator('[data-pdf-save]').getAttribute('download')).toMatch(
      /-delivery-note\.pdf$/,
    );
    await page.getByRole('button', { name: 'Close' }).click();
  });

  it('marks a stop not delivered with its reason', async () => {
    await page.locator('[data-open-stop="2"]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-not-delivered]').click();
    // Without a reason the core names the box.
    await page.getByRole('button', { name: 'Mark not delivered' }).click();
    await page.locator('[data-field="reason"] .field-error').waitFor();
    await page.getByLabel('Why it could not be delivered').fill('Shop closed');
    await page.getByRole('button', { name: 'Mark not delivered' }).click();
    await page.getByText('Stop 2 (Bistro Abay) is marked not delivered').waitFor();
    await expect
      .poll(() => page.locator('[data-stop="2"]').getAttribute('data-status'))
      .toBe('failed');
    const stop = z
      .object({ status: z.string(), reason: z.string().nullable() })
      .parse(
        sqlite()
          .prepare('SELECT status, fail_reason AS reason FROM trip_stops WHERE order_id = ?')
          .get(secondOrder),
      );
    expect(stop).toEqual({ status: 'failed', reason: 'Shop closed' });
  });

  it('reads in Amharic too', async () => {
    await page.getByLabel('Language').selectOption('am');
    await page.getByRole('heading', { name: 'የእኔ ጉዞዎች', level: 1 }).waitFor();
    expect(await page.locator('[data-stop="1"] [data-stop-status]').textContent()).toBe('ደርሷል');
    await photo(page, 'driver-trips-am');
    await page.getByLabel('ቋንቋ').selectOption('en');
    await page.getByRole('heading', { name: 'My trips', level: 1 }).waitFor();
  });
});
