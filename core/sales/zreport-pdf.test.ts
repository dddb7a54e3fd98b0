// The Z report PDF of a real day at shop 1's till, read back with poppler's pdftotext: a shift
// opened with a float, a sale in cash and one by card, a return refunded in cash, the drawer
// counted short with its reason, and every figure where the clerk looks for it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { companyCurrency, companyLocale, formatMoney } from '../locale/money';
import { openDemo, companyToday } from '../testing/demo';
import { renderZReportPdf } from './zreport-pdf';

execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'fse-zreport-'));
function textOf(pdf: Buffer, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(
    /\u00a0/g,
    ' ',
  );
}

describe('the Z report PDF', () => {
  it('prints the day of a till: sales, the return, payments by method, the shift and its count', async () => {
    const world = await openDemo();
    const shop = world.as('shop1');
    const shirt = world.variant['TS-WHT-M']!;
    const cup = world.variant['CUP-SML']!;
    for (const variantId of [shirt, cup])
      await shop('stock.adjust', { variantId, quantity: 20, reason: 'opening count' });
    await shop('shifts.open', { openingFloat: 50_000 });
    const cash = await shop('sales.record', {
      lines: [{ variantId: shirt, quantity: 2 }],
      payments: [{ method: 'cash' }],
    });
    const card = await shop('sales.record', {
      lines: [{ variantId: cup, quantity: 3 }],
      payments: [{ method: 'card' }],
    });
    const back = await shop('sales.return', {
      saleId: cash.id,
      lines: [{ lineNo: 1, quantity: 1 }],
      refunds: [{ method: 'cash' }],
      reason: 'wrong size',
    });
    const open = await shop('shifts.current', {});
    const expected = open!.expectedCash;
    expect(expected).toBe(50_000 + cash.total - back.amount);
    await shop('shifts.close', { countedCash: expected - 500, reason: 'coin short' });

    const day = companyToday(world);
    // The demo PC is head office's, so its till answers to head office: the admin reads its day.
    const admin = world.as('admin');
    const report = await admin('shifts.zReport', { day });
    const money = (minor: number) =>
      formatMoney(minor, companyCurrency(world.core.db), companyLocale(world.core.db)).replace(
        /\u00a0/g,
        ' ',
      );
    const pdf = await renderZReportPdf(report, {
      currency: companyCurrency(world.core.db),
      locale: companyLocale(world.core.db),
      timeZone: 'UTC',
    });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = textOf(pdf, 'z.pdf');

    expect(text).toContain('Z REPORT');
    expect(text).toContain(`Day close ${day}`);
    expect(text).toContain(report.branchName);
    expect(text).toContain(`${cash.number} to ${card.number}`);
    expect(text).toMatch(/Sales +2\b/);
    expect(text).toMatch(new RegExp(`Total sold +${escape(money(cash.total + card.total))}`));
    expect(text).toMatch(/Returns +1\b/);
    expect(text).toMatch(new RegExp(`Refunded +${escape(money(-back.amount))}`));
    expect(text).toMatch(
      new RegExp(
        `Cash +${escape(money(cash.total))} +${escape(money(back.amount))} +${escape(money(cash.total - back.amount))}`,
      ),
    );
    expect(text).toMatch(
      new RegExp(
        `Card +${escape(money(card.total))} +${escape(money(0))} +${escape(money(card.total))}`,
      ),
    );
    expect(text).toContain(`should hold (floats and cash, before any count): ${money(expected)}`);
    // The shift: its float, what it should have held, what was counted, the difference and why.
    expect(text).toContain(money(50_000));
    expect(text).toContain(money(expected - 500));
    expect(text).toContain(money(-500));
    expect(text).toContain('coin short');
    expect(text).toContain('Page 1 of 1');

    // The contract's op sends the same document, named for the day and the till.
    const file = await admin('shifts.zReportPdf', { day });
    expect(file.mime).toBe('application/pdf');
    expect(file.fileName).toMatch(new RegExp(`^z-report-${day}-till-\\d+\\.pdf$`));
    const sent = textOf(Buffer.from(file.contentBase64, 'base64'), 'sent.pdf');
    expect(sent).toContain(`${cash.number} to ${card.number}`);
    expect(sent).toContain('coin short');
  });

  it('prints a day without sales or shifts, and the same bytes twice', async () => {
    const world = await openDemo();
    const report = await world.as('admin')('shifts.zReport', { day: '2026-01-15' });
    const options = {
      currency: companyCurrency(world.core.db),
      locale: companyLocale(world.core.db),
      timeZone: 'UTC',
    };
    const [a, b] = await Promise.all([
      renderZReportPdf(report, options),
      renderZReportPdf(report, options),
    ]);
    expect(Buffer.compare(a, b)).toBe(0);
    const text = textOf(a, 'empty.pdf');
    expect(text).toMatch(/Receipts +none/);
    expect(text).toContain('No shift was opened on this till that day.');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
