import sharp from 'sharp';
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import type { Word } from '../document';
import {
  LAYOUTS,
  amountStyleOf,
  formatAmount,
  invoiceImage,
  invoicePdf,
  makeInvoice,
  phonePhoto,
  truthWords,
  type GeneratedInvoice,
  type InvoiceTruth,
} from './generate';
import { LAYOUTS_WITH_CODES } from './truth';

const SEEDS = Array.from({ length: 120 }, (_, i) => i * 7919 + 1);

function problemsWithSums(truth: InvoiceTruth): string[] {
  const problems: string[] = [];
  const subtotal = truth.lines.reduce((sum, line) => sum + line.amount, 0);
  if (subtotal !== truth.subtotal) problems.push('subtotal');
  const rate = truth.tax === 0 ? 0 : 0.15;
  if (truth.tax !== Math.round(truth.subtotal * rate)) problems.push('tax');
  if (truth.total !== truth.subtotal + truth.tax) problems.push('total');
  for (const line of truth.lines) {
    if (line.amount !== line.quantity * line.unitPrice) problems.push(`amount ${line.description}`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 500)
      problems.push(`quantity ${line.quantity}`);
    if (line.unitPrice < 50 || line.unitPrice > 2_500_000) problems.push(`price ${line.unitPrice}`);
    if ((line.code !== null) !== LAYOUTS_WITH_CODES.has(truth.layout)) problems.push('code');
  }
  if (truth.lines.length < 3 || truth.lines.length > 25) problems.push('line count');
  if (Number.isNaN(Date.parse(truth.date)) || !/^\d{4}-\d{2}-\d{2}$/.test(truth.date))
    problems.push(`date ${truth.date}`);
  return problems;
}

const inside = (word: Word, width: number, height: number) =>
  word.x >= 0 && word.y >= 0 && word.x + word.w <= width && word.y + word.h <= height;

/** Two words drawn over each other would read as neither, on paper or to OCR. */
function overlapping(words: readonly Word[]): string[] {
  const found: string[] = [];
  // Boxes are the full line height; neighbouring lines may touch, so a little slack.
  const slack = 1;
  words.forEach((a, i) => {
    for (const b of words.slice(i + 1)) {
      const apartX = a.x + a.w - slack <= b.x || b.x + b.w - slack <= a.x;
      const apartY = a.y + a.h - 3 <= b.y || b.y + b.h - 3 <= a.y;
      if (!apartX && !apartY) found.push(`${a.text} / ${b.text}`);
    }
  });
  return found;
}

async function pdfText(inv: GeneratedInvoice): Promise<{ pages: number; text: string }> {
  const pdf = await getDocumentProxy(new Uint8Array(await invoicePdf(inv)));
  const { totalPages, text } = await extractText(pdf, { mergePages: true });
  return { pages: totalPages, text };
}

describe('makeInvoice', () => {
  it('gives a truth that adds up, for every layout and many seeds', () => {
    const problems = LAYOUTS.flatMap((layout) =>
      SEEDS.flatMap((seed) =>
        problemsWithSums(makeInvoice(seed, layout).truth).map((p) => `${layout} ${seed}: ${p}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('is the same invoice for the same seed, and names its layout from the seed', () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const drawn = makeInvoice(seed);
      expect(makeInvoice(seed)).toEqual(drawn);
      expect(makeInvoice(seed, drawn.truth.layout)).toEqual(drawn);
    }
  });

  it('varies: every layout, credit notes, tax-free invoices, non-Latin names and POs occur', () => {
    const truths = SEEDS.map((seed) => makeInvoice(seed).truth);
    expect(new Set(truths.map((t) => t.layout))).toEqual(new Set(LAYOUTS));
    expect(truths.some((t) => t.kind === 'credit')).toBe(true);
    expect(truths.some((t) => t.tax === 0)).toBe(true);
    expect(truths.some((t) => t.orderReference === null)).toBe(true);
    expect(truths.some((t) => t.orderReference !== null)).toBe(true);
    for (const script of [/\p{Script=Ethiopic}/u, /\p{Script=Arabic}/u, /\p{Script=Han}/u])
      expect(truths.some((t) => script.test(t.supplierName))).toBe(true);
  });

  it('splits the two-page table over two pages, with a repeated header', () => {
    const inv = makeInvoice(5, 'two-page');
    expect(inv.pages).toHaveLength(2);
    const texts = inv.pages.map((page) => page.runs.map((run) => run.text));
    expect(texts[0]).toContain('continued on next page');
    expect(texts[1]).toContain('Description');
    expect(texts[1]!.some((t) => t.endsWith('(continued)'))).toBe(true);
  });
});

describe('truthWords', () => {
  it('puts every word inside its page, none over another', () => {
    const problems: string[] = [];
    for (const layout of LAYOUTS)
      for (const seed of SEEDS.slice(0, 40)) {
        for (const page of truthWords(makeInvoice(seed, layout))) {
          expect(page.unit).toBe('pt');
          for (const word of page.words)
            if (!inside(word, page.width, page.height) || word.confidence !== 1)
              problems.push(`${layout} ${seed} p${page.number}: ${word.text} outside`);
          for (const pair of overlapping(page.words))
            problems.push(`${layout} ${seed} p${page.number}: ${pair}`);
        }
      }
    expect(problems).toEqual([]);
  });

  it('finds the number and the total as printed among the words', () => {
    for (const layout of LAYOUTS) {
      const inv = makeInvoice(11, layout);
      const words = truthWords(inv).flatMap((page) => page.words.map((w) => w.text));
      expect(words).toContain(inv.truth.number);
      // A European total ("12 345,60") is two words, as a reader would find it.
      const total = formatAmount(inv.truth.total, amountStyleOf(layout)).split(' ');
      expect(words).toEqual(expect.arrayContaining(total));
    }
  });
});

describe('invoicePdf', () => {
  it('has a text layer with the number, the total as printed and every description', async () => {
    for (const layout of LAYOUTS)
      for (const seed of [3, 104, 2027]) {
        const inv = makeInvoice(seed, layout);
        const { pages, text } = await pdfText(inv);
        const flat = text.replace(/\s+/g, ' ');
        expect(pages).toBe(inv.pages.length);
        expect(flat).toContain(inv.truth.number);
        expect(flat).toContain(formatAmount(inv.truth.total, amountStyleOf(layout)));
        for (const line of inv.truth.lines) expect(flat).toContain(line.description);
        if (inv.truth.supplierTaxId) expect(flat).toContain(inv.truth.supplierTaxId);
      }
  });

  it('keeps Amharic, Arabic and Chinese names readable in the text layer', async () => {
    const names = new Map<string, GeneratedInvoice>();
    for (const seed of SEEDS) {
      const inv = makeInvoice(seed, 'classic');
      if (/[^\p{Script=Latin}\p{P}\p{N}\s&]/u.test(inv.truth.supplierName))
        names.set(inv.truth.supplierName, inv);
    }
    expect(names.size).toBeGreaterThanOrEqual(3);
    for (const [name, inv] of names) expect((await pdfText(inv)).text).toContain(name);
  });
});

describe('invoiceImage and phonePhoto', () => {
  it('draws each layout at the size the dpi asks, and a phone photo smaller than it', async () => {
    for (const layout of LAYOUTS) {
      const inv = makeInvoice(42, layout);
      const page = inv.pages[0]!;
      const png = await invoiceImage(inv, 0, { dpi: 72 });
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      expect([meta.width, meta.height]).toEqual([Math.round(page.width), Math.round(page.height)]);
      const photo = await phonePhoto(png);
      expect((await sharp(photo).metadata()).format).toBe('jpeg');
      expect(photo.length).toBeLessThan(png.length);
    }
  });

  it('defaults to 200 dpi and refuses a page the invoice does not have', async () => {
    const inv = makeInvoice(7, 'classic');
    const meta = await sharp(await invoiceImage(inv, 0)).metadata();
    expect([meta.width, meta.height]).toEqual([1654, 2339]);
    await expect(invoiceImage(inv, 1)).rejects.toThrow(RangeError);
  });

  it('turns, blurs and scales the photo as asked', async () => {
    const png = await invoiceImage(makeInvoice(9, 'receipt-narrow'), 0, { dpi: 100 });
    const { width = 0, height = 0 } = await sharp(png).metadata();
    const flat = await sharp(await phonePhoto(png, { rotateDegrees: 0, scale: 0.5 })).metadata();
    expect(flat.width).toBe(Math.round(width * 0.5));
    const turned = await sharp(await phonePhoto(png, { rotateDegrees: 5, scale: 0.5 })).metadata();
    // A turned page needs a wider, taller frame (filled with white).
    expect(turned.width).toBeGreaterThan(flat.width!);
    expect(turned.height).toBeGreaterThan(Math.round(height * 0.5));
  });
});
