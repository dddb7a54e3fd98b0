// The readers on the colleague-made invoices of core/invoices/testing: every layout's text
// layer, and phone photos of two layouts, against the words a perfect reader would find.
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../errors';
import type { Page, Word } from '../document';
import {
  LAYOUTS,
  invoiceImage,
  invoicePdf,
  makeInvoice,
  phonePhoto,
  truthWords,
  type LayoutName,
} from '../testing/generate';
import { closeOcr } from './ocr';
import { readDocument } from './read';

afterAll(closeOcr);

/** Words the English OCR model can spell: the Amharic, Arabic and Chinese names are not. */
const latin = (word: Word): boolean => /^[\x21-\x7e]+$/.test(word.text);

/** The share of `truth` found in `read`, each read word matching at most one true word. */
function recall(truth: Word[], read: Word[]): number {
  const left = read.map((w) => w.text);
  const found = truth.filter((t) => {
    const at = left.indexOf(t.text);
    if (at >= 0) left.splice(at, 1);
    return at >= 0;
  });
  return found.length / truth.length;
}

const centre = (b: Word): { x: number; y: number } => ({ x: b.x + b.w / 2, y: b.y + b.h / 2 });

describe('the readers on generated invoices', () => {
  it('reads every layout from its text layer, each word about where it was printed', async () => {
    const offsets: number[] = [];
    for (const [i, layout] of LAYOUTS.entries()) {
      const invoice = makeInvoice(500 + i, layout);
      const truth = truthWords(invoice);
      const read = await readDocument(await invoicePdf(invoice), 'application/pdf');
      expect(read.source).toBe('text-layer');
      expect(read.pages).toHaveLength(truth.length);
      read.pages.forEach((page: Page, p) => {
        const words = truth[p]!.words;
        expect(page.width).toBeCloseTo(truth[p]!.width, 1);
        expect(page.words.map((w) => w.text).sort()).toEqual(words.map((w) => w.text).sort());
        // The nearest read copy of each printed word on its line (PDF.js's box is the font's
        // ascent to descent, the truth's the line height: a few points apart down the page).
        for (const t of words) {
          const c = centre(t);
          const across = page.words
            .filter((w) => w.text === t.text && Math.abs(centre(w).y - c.y) < 4)
            .map((w) => Math.abs(centre(w).x - c.x));
          offsets.push(Math.min(...across));
        }
      });
    }
    // A word's place inside a run is estimated from rough character widths (./pdf.ts).
    offsets.sort((a, b) => a - b);
    expect(offsets[Math.floor(offsets.length * 0.95)]).toBeLessThan(2);
    expect(offsets.at(-1)).toBeLessThan(8);
  });

  const photos: [LayoutName, number][] = [
    ['classic', 0.93],
    ['receipt-narrow', 0.75],
  ];
  for (const [layout, least] of photos)
    it(`reads a phone photo of a ${layout} invoice, its boxes near the printed words`, async () => {
      const invoice = makeInvoice(41, layout);
      const [truth] = truthWords(invoice);
      const dpi = 200;
      const shrink = 0.8;
      const png = await invoiceImage(invoice, 0, { dpi });
      const photo = await phonePhoto(png, { rotateDegrees: 2, scale: shrink });
      const read = await readDocument(photo, 'image/jpeg');
      expect(Math.abs(read.deskewDegrees - -2)).toBeLessThan(1);
      expect(read.confidence).toBeGreaterThan(0.8);
      const [page] = read.pages;
      const words = truth!.words.filter(latin);
      expect(recall(words, page!.words)).toBeGreaterThan(least);
      const total = invoice.truth.total;
      expect(page!.words.some((w) => w.text.replace(/\D/g, '') === String(total))).toBe(true);

      // Turned and turned back about the centre: a printed point keeps its place from it.
      const flat = await sharp(png).metadata();
      const px = (dpi / 72) * shrink;
      const toPhoto = (b: Word) => ({
        x: centre(b).x * px - (flat.width! * shrink) / 2 + page!.width / 2,
        y: centre(b).y * px - (flat.height! * shrink) / 2 + page!.height / 2,
      });
      const distances = words.flatMap((t) => {
        const match = page!.words.find((w) => w.text === t.text);
        if (!match) return [];
        const [a, b] = [toPhoto(t), centre(match)];
        return [Math.hypot(a.x - b.x, a.y - b.y)];
      });
      distances.sort((a, b) => a - b);
      // Repeated words may match another copy; most sit within a few pixels.
      expect(distances[Math.floor(distances.length / 2)]).toBeLessThan(8);
    });

  it('refuses a blurred, low-resolution photo, naming how sure it was', async () => {
    const invoice = makeInvoice(77, 'classic');
    const png = await invoiceImage(invoice, 0);
    const photo = await phonePhoto(png, { scale: 0.3, blurSigma: 1 });
    const error = await readDocument(photo, 'image/jpeg').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'FILE_REJECTED', details: { field: 'file' } });
    expect((error as DomainError).message).toMatch(
      /this photo cannot be read reliably \(only \d+% sure\): take the photo again/,
    );
  });
});
