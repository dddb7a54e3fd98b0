import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callbackData, compactId, expandId, parseCallbackData } from './callback';
import { cutText, escapeCut, escapeHtml, htmlToText, truncateHtml } from './html';

/** Well-formed: every tag closed in order, no stray < > &, no lone surrogate. */
function wellFormed(html: string): boolean {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)>|[<>]|&(?!(amp|lt|gt|quot);)/g)) {
    if (!m[2]) return false;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]);
  }
  return (
    stack.length === 0 &&
    !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(html)
  );
}

describe('escapeHtml', () => {
  it('escapes the four characters HTML parse mode reads', () => {
    expect(escapeHtml(`<b>Tom & "Jerry"</b> 'x'`)).toBe(
      "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; 'x'",
    );
    expect(htmlToText(escapeHtml(`<b>&"' 🙂 ሰላም`))).toBe(`<b>&"' 🙂 ሰላም`);
  });
});

describe('cutText and truncateHtml', () => {
  it('leave short texts alone', () => {
    expect(cutText('hello', 5)).toBe('hello');
    expect(truncateHtml('<b>hi</b>', 9)).toBe('<b>hi</b>');
  });

  it('never split a surrogate pair', () => {
    const s = '😀'.repeat(10);
    for (let max = 1; max < 20; max++) {
      const cut = cutText(s, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(wellFormed(cut)).toBe(true);
      const html = truncateHtml(`<b>${s}</b>`, max + 8);
      expect(html.length).toBeLessThanOrEqual(max + 8);
      expect(wellFormed(html)).toBe(true);
    }
  });

  it('cut between entities and close the tags left open', () => {
    const html = `<b>Order</b> <i>${escapeHtml('a&b<c>'.repeat(20))}</i>`;
    const cut = truncateHtml(html, 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toMatch(/…<\/i>$/);
    expect(wellFormed(cut)).toBe(true);
  });

  it('keep any escaped text well-formed and within the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.integer({ min: 1, max: 300 }),
        (text, max) => {
          const html = `<b>${escapeHtml(text)}</b>\n<i>${escapeCut(text, 50)}</i>`;
          const cut = truncateHtml(html, max);
          expect(cut.length).toBeLessThanOrEqual(max);
          expect(wellFormed(cut)).toBe(true);
          if (html.length <= max) expect(cut).toBe(html);
        },
      ),
    );
  });
});

describe('callback data', () => {
  const orderId = '019a2b3c-4d5e-7f60-8a1b-2c3d4e5f6a7b';

  it('carries an order id in 22 characters and reads it back', () => {
    expect(compactId(orderId)).toHaveLength(22);
    expect(expandId(compactId(orderId))).toBe(orderId);
    expect(expandId(compactId('ORD-7'))).toBe('ORD-7');
    for (const action of [
      { action: 'verify', orderId },
      { action: 'reject', orderId },
      { action: 'document', document: 'dispatch_note', orderId },
    ] as const) {
      const data = callbackData(action);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(parseCallbackData(data)).toEqual(action);
    }
  });

  it('refuses data it did not make, and ids too long for 64 bytes', () => {
    for (const data of ['', 'v', 'x:abc', 'd:zz:' + compactId(orderId), 'v:short', 'v:~'])
      expect(parseCallbackData(data), data).toBeNull();
    expect(() => callbackData({ action: 'verify', orderId: 'x'.repeat(70) })).toThrow(/64 bytes/);
  });
});
