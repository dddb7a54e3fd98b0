import { describe, expect, it } from 'vitest';
import type { OrderDetail } from '../orders/queries';
import { parseCallbackData } from './callback';
import { documentCaption, renderOrderCard, welcomeText } from './card';
import { htmlToText, telegramLimits } from './html';

const nasty = `<b>&"' 🙂 ሰላም ዓለም`;

function order(over: Partial<OrderDetail> = {}, lineCount = 2): OrderDetail {
  const lines = Array.from({ length: lineCount }, (_, i) => ({
    lineNo: i + 1,
    variantId: `v${i}`,
    sku: `SKU-${i}`,
    name: i === 0 ? `Mug ${nasty}` : `Product number ${i} with a fairly long name`,
    quantity: 3,
    unitPrice: 1250,
    lineTotal: 3750,
    dispatchedQty: 0,
    receivedQty: null as number | null,
    confirmedQty: 0,
    cancelledQty: 0,
  }));
  return {
    id: '019a2b3c-4d5e-7f60-8a1b-2c3d4e5f6a7b',
    number: 'SH01-000042',
    shopId: 's1',
    shopName: `Shop ${nasty}`,
    shopCode: 'SH01',
    factoryId: 'f1',
    factoryName: 'Factory',
    status: 'placed',
    total: 3750 * lineCount,
    paid: 0,
    paymentFlag: null,
    priced: true,
    payments: [],
    backordered: 0,
    lineCount,
    placedAt: Date.UTC(2026, 10, 12, 7, 30),
    updatedAt: Date.UTC(2026, 10, 12, 7, 30),
    note: `Deliver to the back door ${nasty}`,
    placedByName: 'Abebe',
    rejectionReason: null,
    cancelReason: null,
    vehicle: null,
    driverName: null,
    plannedDispatchOn: null,
    dispatchedAt: null,
    deliveredAt: null,
    lines,
    timeline: [
      {
        step: 'placed',
        statusAfter: 'placed',
        at: Date.UTC(2026, 10, 12, 7, 30),
        userId: 'u1',
        userName: `Abebe ${nasty}`,
        deviceId: 'd1',
        note: null,
      },
    ],
    slips: [],
    discrepancies: [],
    ...over,
  };
}

/** Telegram's HTML parser in miniature: only our tags, balanced, no stray < > &. */
function validHtml(html: string): boolean {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)(b|i)>|[<>]|&(?!(amp|lt|gt|quot);)/g)) {
    if (!m[2]) return false;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]);
  }
  return stack.length === 0;
}

describe('the order card', () => {
  it('shows number, shop, lines, total and status, with people’s text escaped', () => {
    const card = renderOrderCard(order(), { audience: 'branch', timeZone: 'UTC' });
    expect(validHtml(card.text)).toBe(true);
    const text = htmlToText(card.text);
    expect(text).toContain('Order SH01-000042');
    expect(text).toContain(`Shop ${nasty} (SH01)`);
    // Every amount in the company's currency (the default's symbol here).
    expect(text).toContain(`1. Mug ${nasty} · SKU-0 — 3 × Br\u00a012.50 = Br\u00a037.50`);
    expect(text).toContain('Total: Br\u00a075.00');
    expect(text).toContain('Placed, waiting for a payment slip');
    expect(text).toContain(`2026-11-12 07:30 · Placed · Abebe ${nasty}`);
    expect(card.text).not.toContain('<b>&"');
  });

  it('offers the PDFs the order has, and finance Reject (never Verify) once a slip is attached', () => {
    const placed = renderOrderCard(order(), { audience: 'finance' });
    expect(placed.replyMarkup.inline_keyboard.flat().map((b) => b.text)).toEqual([
      '📄 Order sheet',
    ]);
    const slip = {
      fileHash: 'h',
      mime: 'image/png',
      size: 1,
      originalName: 's.png',
      attachedAt: 1,
      status: 'pending',
      reason: null,
    };
    const waiting = order({ status: 'slip_attached', slips: [slip] });
    const finance = renderOrderCard(waiting, { audience: 'finance' });
    const buttons = finance.replyMarkup.inline_keyboard.flat();
    expect(buttons.map((b) => b.text)).toEqual(['📄 Order sheet', '🧾 Payment proof', '❌ Reject']);
    expect(buttons.map((b) => parseCallbackData(b.callback_data)?.action)).toEqual([
      'document',
      'document',
      'reject',
    ]);
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    expect(htmlToText(finance.text)).toContain(
      'To verify, record the amount, date and bank reference in the app (Payments waiting)',
    );
    // The shop's group sees the documents, never the buttons.
    expect(
      renderOrderCard(waiting, { audience: 'branch' }).replyMarkup.inline_keyboard,
    ).toHaveLength(1);
  });

  it('fits 200 lines and a 5,000-character note into 4096 characters, saying what it left out', () => {
    const long = order({ note: `${'ሰላም 🙂 <&> '.repeat(500)}`.slice(0, 5000) }, 200);
    const card = renderOrderCard(long, { audience: 'branch' });
    expect(card.text.length).toBeLessThanOrEqual(telegramLimits.message);
    expect(validHtml(card.text)).toBe(true);
    const text = htmlToText(card.text);
    expect(text).toMatch(/… and \d+ more lines: see the order sheet/);
    expect(text).toContain('Total: Br\u00a07,500.00');
    expect(text).toContain('Timeline');
    expect(text).toMatch(/Note: .*…/);
  });

  it('keeps the newest steps and some lines when every text is as long and as full of & < > as allowed', () => {
    const worst = '&<>"'.repeat(400);
    const steps = Array.from({ length: 30 }, (_, i) => ({
      step: i === 29 ? 'cancelled' : 'payment_rejected',
      statusAfter: 'placed' as const,
      at: Date.UTC(2026, 10, 12, 8, i),
      userId: 'u',
      userName: worst,
      deviceId: 'd',
      note: worst,
    }));
    const card = renderOrderCard(
      order(
        {
          shopName: worst,
          factoryName: worst,
          note: worst,
          status: 'cancelled',
          cancelReason: worst,
          timeline: steps,
        },
        200,
      ),
      { audience: 'branch', timeZone: 'UTC' },
    );
    expect(card.text.length).toBeLessThanOrEqual(telegramLimits.message);
    expect(validHtml(card.text)).toBe(true);
    const text = htmlToText(card.text);
    expect(text).toMatch(/^1\. Mug/m);
    expect(text).toMatch(/… and \d+ more lines/);
    expect(text).toMatch(/… \d+ earlier steps/);
    expect(text).toContain('2026-11-12 08:29 · Cancelled');
  });

  it('cuts captions to 1024 characters', () => {
    const caption = documentCaption(order({ shopName: 'ሰ'.repeat(3000) }), 'order_sheet');
    expect(caption.length).toBeLessThanOrEqual(telegramLimits.caption);
    expect(validHtml(caption)).toBe(true);
  });

  it('welcomes a group by its escaped title', () => {
    const text = welcomeText(nasty, 'erp_bot');
    expect(validHtml(text)).toBe(true);
    expect(htmlToText(text)).toContain(`Hello, ${nasty}!`);
  });

  it('shows what was dispatched and what is back-ordered, and a part payment, in the currency', () => {
    const base = order({ status: 'dispatched' }, 2);
    const lines = base.lines.map((l, i) =>
      i === 0 ? { ...l, dispatchedQty: 2 } : { ...l, dispatchedQty: 1, cancelledQty: 2 },
    );
    const card = renderOrderCard(
      { ...base, lines, backordered: 1, paid: 5000 },
      { audience: 'branch', currency: { code: 'USD', symbol: '$', minorUnits: 2 } },
    );
    const text = htmlToText(card.text);
    expect(text).toContain('sent 2, back-ordered 1');
    expect(text).toContain('sent 1, cancelled 2');
    expect(text).toContain('Dispatched 3, back-ordered 1');
    expect(text).toContain('Paid $\u00a050.00 of $\u00a075.00');
  });
});
