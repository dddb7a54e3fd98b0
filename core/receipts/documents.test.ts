// A return's receipt and a till's Z report, printed through the queue (receipts.print with a
// returnId, receipts.printZReport) to a test printer on a real TCP port and read back: the text,
// the barcode and the cut; and both waiting, then printed by Retry, when the printer is off.
import { afterEach, describe, expect, it } from 'vitest';
import { formatMoney } from '../locale/money';
import { pointsBalance } from '../loyalty/ledger';
import type { DemoWorld } from '../testing/demo';
import { failure, companyToday } from '../testing/demo';
import { receiptOfReturn } from './return-receipt';
import { saleWithFigures } from './testing/counter-sale';
import { decodeEscPos, textLines } from './testing/escpos-decode';
import { closedPort, startTestPrinter, type TestPrinter } from './testing/test-printer';

const printers: TestPrinter[] = [];
afterEach(async () => {
  await Promise.all(printers.splice(0).map((p) => p.close()));
});

async function printer() {
  const p = await startTestPrinter();
  printers.push(p);
  return p;
}

const network = (w: DemoWorld, port: number, paperWidth: 58 | 80 = 58) =>
  w.as('admin')('receipts.savePrinter', {
    kind: 'network',
    host: '127.0.0.1',
    port,
    paperWidth,
    timeoutMs: 2_000,
  });

const row = (label: string, value: string) =>
  expect.stringMatching(
    new RegExp(
      `^${[label, value].map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(' +')}$`,
    ),
  );

/** Two shirts and a cup sold with discounts and points; one shirt comes back for cash. */
async function aReturn() {
  const fixture = await saleWithFigures();
  const back = await fixture.world.as('shop1')('sales.return', {
    saleId: fixture.sale.id,
    lines: [{ lineNo: 1, quantity: 1 }],
    refunds: [{ method: 'cash' }],
    reason: 'too small',
  });
  return { ...fixture, back };
}

describe('a return’s receipt', () => {
  it('reads the return: its lines, refund, reason and the points it took and gave back', async () => {
    const { world, sale, back, customerId } = await aReturn();
    const receipt = receiptOfReturn(world.core.db, back.id);
    expect(receipt).toMatchObject({
      kind: 'return',
      number: back.number,
      saleNumber: sale.number,
      saleId: sale.id,
      total: back.amount,
      payments: [{ method: 'cash', amount: back.amount, tendered: null, reference: null }],
      reason: 'too small',
      customer: {
        name: 'Almaz Bekele',
        tier: 'Silver',
        pointsIn: back.pointsGivenBack,
        pointsOut: back.pointsTakenBack,
        points: pointsBalance(world.core.db, customerId, Date.now()).balance,
      },
    });
    const [shirt] = receipt.lines;
    // One of two shirts: half the line's discount and tax, and what it cost after them.
    expect(shirt).toMatchObject({ quantity: 1, lineTotal: back.amount, taxRateBp: 1_500 });
    expect(shirt!.unitPrice - shirt!.discount).toBe(back.amount);
    expect(receipt.taxes).toEqual([{ rateBp: 1_500, amount: back.tax }]);
  });

  it('prints through receipts.print { returnId }: the return, its sale, the refund, the points, barcode and cut', async () => {
    const { world, sale, back } = await aReturn();
    const p = await printer();
    await network(world, p.port);
    expect(await world.as('shop1')('receipts.print', { returnId: back.id })).toEqual({
      printed: true,
      kind: 'network',
      error: null,
    });
    const receipt = receiptOfReturn(world.core.db, back.id);
    const money = (minor: number) =>
      formatMoney(minor, receipt.currency, receipt.locale).replace(/\u00a0/g, ' ');
    const decoded = decodeEscPos(await p.job(0));
    const lines = textLines(decoded);
    expect(lines).toContainEqual(row('Return', back.number));
    expect(lines).toContainEqual(row('Sale', sale.number));
    expect(lines).toContainEqual(row('REFUND', money(back.amount)));
    expect(lines).toContainEqual(row('Cash', money(back.amount)));
    expect(lines).toContainEqual(row('VAT 15% included', money(back.tax)));
    expect(lines.some((l) => /^Change\b/.test(l))).toBe(false);
    expect(lines).toContain('Reason: too small');
    expect(back.pointsTakenBack).toBeGreaterThan(0);
    expect(lines).toContainEqual(
      row('Points taken back', back.pointsTakenBack.toLocaleString('en')),
    );
    expect(lines).toContainEqual(
      row('Points given back', back.pointsGivenBack.toLocaleString('en')),
    );
    expect(lines).toContainEqual(
      row('Points balance', receipt.customer!.points!.toLocaleString('en')),
    );
    expect(decoded.barcodes).toEqual([{ symbology: 'code128', data: back.number }]);
    expect(decoded.cut).toBe(true);
    expect(Math.max(...decoded.lines.map((l) => l.columns))).toBeLessThanOrEqual(32);
    const queued = world.core.db.sqlite
      .prepare('SELECT kind, status FROM receipt_queue WHERE document_id = ?')
      .get(back.id);
    expect(queued).toEqual({ kind: 'return', status: 'printed' });
  });

  it('waits with the printer off, is listed as waiting, and Retry prints it', async () => {
    const { world, back } = await aReturn();
    await network(world, await closedPort());
    const outcome = await world.as('shop1')('receipts.print', { returnId: back.id });
    expect(outcome).toMatchObject({ printed: false, kind: 'network' });
    expect(await world.as('shop1')('receipts.waiting', {})).toEqual([
      expect.objectContaining({ kind: 'return', documentId: back.id, number: back.number }),
    ]);
    const p = await printer();
    await network(world, p.port);
    expect(await world.as('shop1')('receipts.retry', {})).toMatchObject({ printed: 1, waiting: 0 });
    expect(textLines(decodeEscPos(await p.job(0)))).toContainEqual(row('Return', back.number));
  });

  it('is refused for a return this PC does not have, or for both a sale and a return', async () => {
    const { world, sale, back } = await aReturn();
    await world.as('admin')('receipts.savePrinter', { kind: 'pdf' });
    const missing = await failure(world.as('shop1')('receipts.print', { returnId: 'no-such' }));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', field: 'returnId' });
    const both = await failure(
      world.as('shop1')('receipts.print', { saleId: sale.id, returnId: back.id }),
    );
    expect(both).toMatchObject({ code: 'VALIDATION', field: 'saleId' });
  });
});

describe('the Z report on the receipt printer', () => {
  it('prints the till’s day: sales, returns, methods, expected cash, points; queued as z:<device>:<day>', async () => {
    const { world, sale, earlier, back } = await aReturn();
    const p = await printer();
    await network(world, p.port, 80);
    const day = companyToday(world);
    expect(await world.as('admin')('receipts.printZReport', { day })).toEqual({
      printed: true,
      kind: 'network',
      error: null,
    });
    const report = await world.as('admin')('shifts.zReport', { day });
    const settings = await world.as('admin')('company.settings', {});
    const money = (minor: number) =>
      formatMoney(minor, settings.currency, settings.locale).replace(/\u00a0/g, ' ');
    const decoded = decodeEscPos(await p.job(0));
    const lines = textLines(decoded);
    expect(lines.map((l) => l.trim())).toContain('Z REPORT');
    expect(lines).toContainEqual(row('Day', day));
    expect(lines).toContainEqual(row('Sales', '2'));
    expect(lines).toContainEqual(row('Total sold', money(earlier.total + sale.total)));
    expect(lines).toContainEqual(row('Returns', '1'));
    expect(lines).toContainEqual(row('Refunded', money(-back.amount)));
    expect(lines).toContainEqual(
      row('Net (sold less refunded)', money(report.sales.total - back.amount)),
    );
    expect(lines).toContain('Cash');
    expect(lines).toContainEqual(row('Cash expected', money(report.expectedCash)));
    expect(lines).toContainEqual(row('Earned', report.points.earned.toLocaleString('en')));
    expect(lines).toContainEqual(row('Redeemed', '300'));
    expect(decoded.cut).toBe(true);
    expect(Math.max(...decoded.lines.map((l) => l.columns))).toBeLessThanOrEqual(48);
    const queued = world.core.db.sqlite
      .prepare("SELECT document_id AS id, status FROM receipt_queue WHERE kind = 'z_report'")
      .all();
    expect(queued).toEqual([{ id: `z:${report.deviceId}:${day}`, status: 'printed' }]);
  });

  it('waits when the printer is off and prints from Retry; gives the A4 PDF to a PDF printer', async () => {
    const { world } = await aReturn();
    await network(world, await closedPort());
    const day = companyToday(world);
    const off = await world.as('admin')('receipts.printZReport', { day });
    expect(off).toMatchObject({ printed: false, kind: 'network' });
    expect(await world.as('admin')('receipts.waiting', {})).toEqual([
      expect.objectContaining({ kind: 'z_report', number: `Z ${day}`, saleId: null }),
    ]);
    const p = await printer();
    await network(world, p.port);
    expect(await world.as('admin')('receipts.retry', {})).toMatchObject({ printed: 1 });
    expect(textLines(decodeEscPos(await p.job(0))).map((l) => l.trim())).toContain('Z REPORT');

    await world.as('admin')('receipts.savePrinter', { kind: 'pdf' });
    const pdf = await world.as('admin')('receipts.printZReport', { day });
    if (pdf.kind !== 'pdf' || !pdf.printed) throw new Error('expected a PDF');
    expect(pdf.pdf.fileName).toMatch(new RegExp(`^z-report-${day}-till-\\d+\\.pdf$`));
  });
});
