// UI speed with a long history: the demo company plus 100,000 orders and two years of counter
// sales (1,000,000 sale lines over 10 shops, core/bench/dashboards-seed.ts, as `npm run bench`
// seeds them) and factory production, served by web mode from a DesktopHost and driven in
// Chromium. Prints a table and, last, one JSON line: first_screen_ms (navigation → sign-in form
// usable), dashboard_first_paint_ms (a signed-in admin opening the app → head office's dashboard
// drawn, issue 17; median of several runs; null when the build has no dashboard screen) and filter_100k_ms
// (status filter on the order list of 100,000 orders → the filtered rows on screen; median of
// several runs).
import type { Page } from 'playwright-core';
import { asc, count, eq } from 'drizzle-orm';
import {
  branches,
  orders as ordersTable,
  users,
  variants as variantsTable,
} from '../../core/db/schema';
import { ensureShops, seedProduction, seedSales } from '../../core/bench/dashboards-seed';
import { DEMO_PASSWORD } from '../../core/demo/seed';
import { companyDay } from '../../core/locale/day';
import { orderStatuses } from '../../core/vocabulary';
import type { DesktopHost } from '../../electron/host/desktop-host';
import { signIn, startHarness } from '../e2e/harness';

// BENCH_ORDERS: a smaller history for the test suite's smoke run (renderer/bench/ui.bench.test.ts).
const ORDERS = Number(process.env['BENCH_ORDERS'] ?? '100000');
if (!(Number.isInteger(ORDERS) && ORDERS >= 200 && ORDERS <= 1_000_000))
  throw new Error(`BENCH_ORDERS must be a whole number from 200 to 1,000,000, not ${ORDERS}`);
// BENCH_SALE_LINES: the counter sales' size (the smoke run's is small).
const SALE_LINES = Number(process.env['BENCH_SALE_LINES'] ?? '1000000');
if (!(Number.isInteger(SALE_LINES) && SALE_LINES >= 100 && SALE_LINES <= 2_000_000))
  throw new Error(
    `BENCH_SALE_LINES must be a whole number from 100 to 2,000,000, not ${SALE_LINES}`,
  );
const RUNS = 7;
const PAINT_RUNS = 5;
const PAINT_TARGET_MS = 1000;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const statusMix = [
  ['delivered', 0.6],
  ['cancelled', 0.05],
  ['dispatched', 0.08],
  ['payment_verified', 0.08],
  ['slip_attached', 0.09],
  ['placed', 0.1],
] as const;

/** A small deterministic generator, so every run seeds the same history. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Order history written straight into orders + order_lines (what the projections would write),
 * then the counter sales and production the dashboards draw.
 */
async function seedOrders(host: DesktopHost): Promise<{ ms: number; saleLines: number }> {
  const started = performance.now();
  await host.core.call('setup.loadDemo', {});
  const db = host.core.db.sqlite;
  const orm = host.core.db.orm;
  const branchId = (code: string) =>
    orm.select({ id: branches.id }).from(branches).where(eq(branches.code, code)).get()!.id;
  const shops = ['SH01', 'SH02'].map((code) => ({ code, id: branchId(code) }));
  const factoryId = branchId('FAC');
  const placedBy = orm
    .select({ id: users.id })
    .from(users)
    .where(eq(users.username, 'shop1'))
    .get()!.id;
  const variants = orm
    .select({ id: variantsTable.id, sku: variantsTable.sku, price: variantsTable.price })
    .from(variantsTable)
    .orderBy(asc(variantsTable.sku))
    .all();
  // The company day of placement and the steps' times, as the order projections write them:
  // the dashboards' aggregates key on them (decision 0035).
  const insertOrder = db.prepare(
    `INSERT INTO orders (id, number, shop_id, factory_id, status, total, line_count, placed_at, placed_by, updated_at,
       day, paid_at, dispatched_at, delivered_at)
     VALUES (?, ?, ?, ?, ?, ?, 2, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertLine = db.prepare(
    `INSERT INTO order_lines (order_id, line_no, variant_id, sku, name, quantity, unit_price, line_total, dispatched_qty, received_qty)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const next = random(20261122);
  const now = Date.now();
  const start = now - 730 * DAY;
  const counters: Record<string, number> = { SH01: 0, SH02: 0 };
  db.transaction(() => {
    for (let i = 0; i < ORDERS; i++) {
      const shop = shops[next() < 0.55 ? 0 : 1]!;
      let pick = next();
      const status = statusMix.find(([, share]) => (pick -= share) < 0)?.[0] ?? 'delivered';
      const placedAt = Math.floor(start + ((i + next()) * (now - start)) / ORDERS);
      const orderId = `bench-${String(i).padStart(6, '0')}`;
      const lines = [0, 1].map((n) => {
        const v = variants[(i + n * 3) % variants.length]!;
        return { v, quantity: 1 + Math.floor(next() * 20) };
      });
      const total = lines.reduce((sum, l) => sum + l.quantity * l.v.price, 0);
      const number = `${shop.code}-9-${String(++counters[shop.code]!).padStart(6, '0')}`;
      const paid = ['payment_verified', 'dispatched', 'delivered'].includes(status);
      const paidAt = paid ? placedAt + Math.floor((2 + next() * 28) * HOUR) : null;
      const dispatchedAt =
        paidAt !== null && status !== 'payment_verified'
          ? paidAt + Math.floor((12 + next() * 60) * HOUR)
          : null;
      const deliveredAt =
        dispatchedAt !== null && status === 'delivered'
          ? dispatchedAt + Math.floor((8 + next() * 40) * HOUR)
          : null;
      insertOrder.run(
        orderId,
        number,
        shop.id,
        factoryId,
        status,
        total,
        placedAt,
        placedBy,
        placedAt + DAY,
        companyDay(host.core.db, placedAt),
        paidAt,
        dispatchedAt,
        deliveredAt,
      );
      lines.forEach((l, n) => {
        const shipped = status === 'dispatched' || status === 'delivered';
        insertLine.run(
          orderId,
          n + 1,
          l.v.id,
          l.v.sku,
          l.v.sku,
          l.quantity,
          l.v.price,
          l.quantity * l.v.price,
          shipped ? l.quantity : 0,
          status === 'delivered' ? l.quantity : null,
        );
      });
    }
  }).immediate();
  db.pragma('wal_checkpoint(TRUNCATE)');
  // Ten shops' counter sales over the same two years, and the factory's production.
  const { token } = await host.core.call('auth.login', {
    username: 'admin',
    password: DEMO_PASSWORD,
  });
  const shopIds = await ensureShops(host.core.db, 10, (code, name) =>
    host.core.call('branches.create', { code, name, kind: 'shop' }, token),
  );
  const sold = seedSales(host.core.db, {
    saleLines: SALE_LINES,
    branchIds: shopIds,
    variants: variants.map((v) => ({ id: v.id, price: v.price })),
    days: 730,
    deviceId: null,
    userId: placedBy,
    now,
  });
  seedProduction(host.core.db, {
    factoryId,
    variantIds: variants.map((v) => v.id),
    days: 730,
    perDay: 4,
    userId: placedBy,
    now,
  });
  return { ms: performance.now() - started, saleLines: sold.saleLines };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/**
 * Polls an expression in the page until it is true. Playwright's waitForFunction evaluates a
 * string with eval inside the page, which the app's CSP (script-src 'self') rightly refuses;
 * page.evaluate goes through the debugger protocol instead. A round trip is about a millisecond.
 */
async function until(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
  }
}

/** Waits until the order table shows the rows of this filter, fully loaded. */
async function rowsFor(page: Page, status: string) {
  await until(
    page,
    `(() => {
      const table = document.querySelector('table.orders[data-state="ready"][data-filter="${status}"]');
      if (!table) return false;
      const rows = [...table.querySelectorAll('tbody tr[data-status]')];
      return rows.length > 0 && ${status === 'all' ? 'true' : `rows.every((r) => r.dataset.status === '${status}')`};
    })()`,
  );
}

const DASHBOARD_READY = 'section.dashboard[data-state="ready"]';

/** Polls until the dashboard is drawn; the time it took from t0, or null after 20 s. */
async function untilDrawn(page: Page, t0: number): Promise<number | null> {
  for (;;) {
    const ready = (await page.evaluate(
      `!!document.querySelector('${DASHBOARD_READY}')`,
    )) as boolean;
    if (ready) return performance.now() - t0;
    if (performance.now() - t0 > 20_000) return null;
  }
}

/**
 * Head office's first paint: an admin signed in opens the app (a reload: the page, its scripts,
 * auth.me, dashboard.get and every chart) until the dashboard is drawn; each run a new person,
 * so nothing is cached in the page. Beside it, for information, from the sign-in click (which
 * derives the password's scrypt hash, about half a second by design) to the dashboard drawn.
 * When the first run finds no dashboard at all, the build has none: said, not timed.
 */
async function dashboardFirstPaint(
  h: Awaited<ReturnType<typeof startHarness>>,
): Promise<{ runs: number[]; signIn: number[]; missing?: string }> {
  const runs: number[] = [];
  const signIn: number[] = [];
  for (let i = 0; i < PAINT_RUNS; i++) {
    const { context, page } = await h.newPerson();
    try {
      await page.goto(h.web.url);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      const button = page.getByRole('button', { name: /^Sign in/ });
      await button.waitFor();
      const clicked = performance.now();
      await button.click();
      const afterSignIn = await untilDrawn(page, clicked);
      if (afterSignIn === null) {
        if (i > 0) throw new Error(`timed out waiting for ${DASHBOARD_READY}`);
        return { runs, signIn, missing: `no ${DASHBOARD_READY} within 20 s of signing in` };
      }
      signIn.push(afterSignIn);
      const t0 = performance.now();
      await page.reload({ waitUntil: 'commit' });
      const painted = await untilDrawn(page, t0);
      if (painted === null) throw new Error(`no ${DASHBOARD_READY} within 20 s of opening`);
      runs.push(painted);
    } finally {
      await context.close();
    }
  }
  return { runs, signIn };
}

async function main() {
  console.log(
    `Seeding the demo company, ${ORDERS.toLocaleString('en-US')} orders and ${SALE_LINES.toLocaleString('en-US')} sale lines…`,
  );
  let seed = { ms: 0, saleLines: 0 };
  const h = await startHarness({
    prepare: async (host) => {
      seed = await seedOrders(host);
    },
  });
  try {
    const firstScreen: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { context, page } = await h.newPerson();
      const t0 = performance.now();
      await page.goto(h.web.url);
      await until(
        page,
        `(() => {
          const input = document.querySelector('input[autocomplete="username"]');
          return !!input && !input.disabled && input.offsetParent !== null && document.activeElement === input;
        })()`,
      );
      firstScreen.push(performance.now() - t0);
      await context.close();
    }

    const paint = await dashboardFirstPaint(h);

    const { page } = await h.newPerson();
    await signIn(page, h.web.url, 'admin');
    // The order list, wherever sign-in lands (head office's dashboard, issue 17).
    await page.keyboard.press('Alt+KeyO');
    await rowsFor(page, 'all');
    const statusBox = page.getByLabel('Status');
    const filter: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Every status in turn: each selection changes the filter.
      const status = orderStatuses[i % orderStatuses.length]!;
      const t0 = performance.now();
      await statusBox.selectOption(status);
      await rowsFor(page, status);
      filter.push(performance.now() - t0);
    }
    const all: number[] = [];
    const older: number[] = [];
    for (let i = 0; i < 3; i++) {
      await statusBox.selectOption('delivered');
      await rowsFor(page, 'delivered');
      let t0 = performance.now();
      await statusBox.selectOption('');
      await rowsFor(page, 'all');
      all.push(performance.now() - t0);
      const firstRow = await page.locator('table.orders tbody tr').first().textContent();
      t0 = performance.now();
      await page.getByRole('button', { name: /^Older/ }).click();
      await until(
        page,
        `document.querySelector('table.orders[data-state="ready"] tbody tr')?.textContent !== ${JSON.stringify(firstRow)}`,
      );
      older.push(performance.now() - t0);
    }
    const orders = h.host.core.db.orm.select({ n: count() }).from(ordersTable).get()!.n;

    const rows: [string, string][] = [
      ['orders in the database', orders.toLocaleString('en-US')],
      ['sale lines seeded (10 shops, two years)', seed.saleLines.toLocaleString('en-US')],
      ['seed (demo + history)', fmt(seed.ms)],
      ['first screen, median of 5 (sign-in usable)', fmt(median(firstScreen))],
      ['first screen, each run', firstScreen.map((x) => x.toFixed(0)).join(' / ') + ' ms'],
      paint.runs.length > 0
        ? [
            `dashboard first paint, median of ${paint.runs.length} (target < ${PAINT_TARGET_MS} ms)`,
            `${fmt(median(paint.runs))} ${median(paint.runs) < PAINT_TARGET_MS ? 'PASS' : 'FAIL'}`,
          ]
        : ['dashboard first paint', `not measured: ${paint.missing}`],
      ['dashboard first paint, each run', paint.runs.map((x) => x.toFixed(0)).join(' / ') + ' ms'],
      [
        'sign-in click → dashboard drawn (with the password hash), each run',
        paint.signIn.map((x) => x.toFixed(0)).join(' / ') + ' ms',
      ],
      [`filter by status, median of ${RUNS}`, fmt(median(filter))],
      ['filter by status, each run', filter.map((x) => x.toFixed(0)).join(' / ') + ' ms'],
      ['all statuses (no filter), median of 3', fmt(median(all))],
      ['next page (Older), median of 3', fmt(median(older))],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log('\nUI bench (Chromium, web mode, 1280×800)');
    console.log('-'.repeat(width + 24));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    console.log('-'.repeat(width + 24));
    console.log(
      JSON.stringify({
        orders,
        sale_lines: seed.saleLines,
        first_screen_ms: Math.round(median(firstScreen) * 10) / 10,
        dashboard_first_paint_ms:
          paint.runs.length > 0 ? Math.round(median(paint.runs) * 10) / 10 : null,
        dashboard_sign_in_to_drawn_ms:
          paint.signIn.length > 0 ? Math.round(median(paint.signIn) * 10) / 10 : null,
        filter_100k_ms: Math.round(median(filter) * 10) / 10,
      }),
    );
  } finally {
    await h.close();
  }
}

await main();
