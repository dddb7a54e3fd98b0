// Reading a supplier's invoice file into positioned words (decision 0033): a PDF's text layer
// where it has one, the OCR for a scanned page or a photo. Whatever came in leaves as one
// ReadDocument; a file that cannot be read well enough is refused with what to do instead.
import sharp from 'sharp';
import { DomainError } from '../../errors';
import type { Page, ReadDocument, Word } from '../document';
import { meanConfidence, ocrImage, ocrPicture } from './ocr';
import { hasTextLayer, readPdfText } from './pdf';
import { MAX_PAGE_PIXELS, MAX_PAGES, scanPicture } from './render';
import { MAX_FILE_BYTES } from '../../sync/protocol';

export type InvoiceMime = 'application/pdf' | 'image/jpeg' | 'image/png';

export const readLimits = {
  bytes: MAX_FILE_BYTES,
  pages: MAX_PAGES,
  pixels: MAX_PAGE_PIXELS,
  /**
   * Below this mean word confidence an OCR'd file is refused. Measured on phone photos of the
   * generated invoices (core/invoices/testing): fair, dim or a little soft ones read at
   * 0.86–0.95 and found 92–100% of the printed words; one at 80 dpi read at 0.74 and found only
   * 72%, and a blurred one 0.36 and 11%. Confidence falls off a cliff rather than a slope, and
   * a photo at 0.74 already misreads one amount in four.
   */
  confidence: 0.8,
  /**
   * A scan whose first two or more scanned pages average below this is refused without reading
   * the rest: a page of noise or a blur reads at 0–0.4 (no words at all count as 0), and an
   * invoice whose first pages cannot be read (its supplier, number and date) is not worth the OCR
   * of 28 more. A 30-page scan of noise took head office 24 s before it was refused.
   */
  hopeless: 0.4,
} as const;

export interface ReadOptions {
  /** Return a poorly read photo's words instead of refusing it (the person chose to go on). */
  acceptPoor?: boolean;
}

const rejected = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('FILE_REJECTED', `file: ${message}`, { field: 'file', ...details });

export async function readDocument(
  bytes: Uint8Array,
  mime: InvoiceMime,
  options: ReadOptions = {},
): Promise<ReadDocument> {
  const started = performance.now();
  if (bytes.length === 0) throw rejected('is empty: choose the invoice file again');
  if (bytes.length > readLimits.bytes)
    throw rejected(
      `is ${(bytes.length / 1048576).toFixed(1)} MB; an invoice may be at most ${readLimits.bytes / 1048576} MB: save the PDF smaller or take the photo at a lower resolution`,
      { limit: readLimits.bytes },
    );
  const read =
    mime === 'application/pdf'
      ? await readPdf(bytes, options.acceptPoor ? null : readLimits.hopeless)
      : await readPhoto(bytes);
  const ms = Math.round(performance.now() - started);
  if (read.source === 'ocr' && read.confidence < readLimits.confidence && !options.acceptPoor) {
    const sure = Math.round(read.confidence * 100);
    throw rejected(
      mime === 'application/pdf'
        ? `this scan cannot be read reliably (only ${sure}% sure): scan the invoice again at 300 dpi, straight, or ask the supplier for the PDF itself`
        : `this photo cannot be read reliably (only ${sure}% sure): take the photo again in good light, straight on, filling the frame`,
      { confidence: read.confidence },
    );
  }
  return { ...read, ms };
}

type Reading = Omit<ReadDocument, 'ms'>;

/** Reads a PDF's pages; a scan averaging below `giveUpBelow` so far is refused at once. */
async function readPdf(bytes: Uint8Array, giveUpBelow: number | null): Promise<Reading> {
  const textPages = await readPdfText(bytes, { maxPages: readLimits.pages });
  const pages: Page[] = [];
  let deskewDegrees = 0;
  const ocrWords: Word[] = [];
  let scannedPages = 0;
  for (const page of textPages) {
    if (hasTextLayer(page)) {
      pages.push(page);
      continue;
    }
    scannedPages++;
    const picture = await scanPicture(bytes, page.number, page);
    const { words } = await ocrPicture(picture);
    const inPoints = (v: number): number => v / picture.scale;
    pages.push({
      number: page.number,
      width: inPoints(picture.width),
      height: inPoints(picture.height),
      unit: 'pt',
      words: words.map((w): Word => ({
        ...w,
        x: inPoints(w.x),
        y: inPoints(w.y),
        w: inPoints(w.w),
        h: inPoints(w.h),
      })),
    });
    // One number for the document: the page turned furthest.
    if (Math.abs(picture.deskewDegrees) > Math.abs(deskewDegrees))
      deskewDegrees = picture.deskewDegrees;
    ocrWords.push(...words);
    const sofar = meanConfidence(ocrWords);
    // Two pages, so a blank cover sheet (no words at all) is not taken for the scan's worth.
    const hopeless = scannedPages >= 2 && giveUpBelow !== null && sofar < giveUpBelow;
    if (hopeless && page.number < textPages.length)
      throw rejected(
        `this scan cannot be read reliably (only ${Math.round(sofar * 100)}% sure by page ${page.number} of ${textPages.length}, so the rest was not read): scan the invoice again at 300 dpi, straight, or ask the supplier for the PDF itself`,
        { confidence: sofar, pagesRead: page.number },
      );
  }
  const words = pages.flatMap((p) => p.words);
  return {
    source: scannedPages > 0 ? 'ocr' : 'text-layer',
    pages,
    confidence: scannedPages > 0 ? meanConfidence(words) : 1,
    deskewDegrees,
  };
}

async function readPhoto(bytes: Uint8Array): Promise<Reading> {
  // Only the header is read here, so sharp's own pixel limit is off: a picture past it is
  // refused below for its size, not as damaged.
  const meta = await sharp(bytes, { limitInputPixels: false })
    .metadata()
    .catch(() => null);
  if (!meta || (meta.format !== 'jpeg' && meta.format !== 'png'))
    throw rejected(
      'this picture is damaged or not a JPEG or PNG: take the photo again, or save it as JPEG',
    );
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > readLimits.pixels)
    throw rejected(
      `this picture is ${Math.round(pixels / 1e6)} megapixels; at most ${readLimits.pixels / 1e6} can be read: take it at a lower resolution or scale it down`,
      { limit: readLimits.pixels },
    );
  const { page, confidence, deskewDegrees } = await ocrImage(bytes);
  return { source: 'ocr', pages: [page], confidence, deskewDegrees };
}
