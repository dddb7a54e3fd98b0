// Pages as pictures: a PDF page rendered for the OCR and for the review screen, and a photo as
// the OCR read it. The review screen draws a word's box over `pageImage`'s PNG scaled so that
// the page's width and height (in the Page's units) span the picture (decision 0033).
import { renderPageAsImage } from 'unpdf';
import sharp from 'sharp';
import { DomainError } from '../../errors';
import { hasTextLayer, openPdf, pdfError, readPdfText } from './pdf';
import { straighten, type Straightened } from './ocr';

/**
 * PDF.js 5 hands rendered pixels over with `ArrayBuffer.prototype.transfer`, which Node 20
 * lacks (Electron's Node has it); without it every page renders blank. A copy stands in: the
 * original is not detached, which PDF.js never relies on.
 */
function polyfillTransfer(): void {
  if ('transfer' in ArrayBuffer.prototype) return;
  const transfer = function (this: ArrayBuffer, length?: number): ArrayBuffer {
    const copy = new ArrayBuffer(length ?? this.byteLength);
    new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(this.byteLength, copy.byteLength)));
    return copy;
  };
  for (const name of ['transfer', 'transferToFixedLength'])
    Object.defineProperty(ArrayBuffer.prototype, name, { value: transfer, configurable: true });
}

/**
 * The most pixels a page is drawn with. A page may declare any size (one of 14,400 points a side
 * was drawn at 14,400 pixels a side: 12 s and 1.4 GB for a blank page); past this it is drawn
 * smaller, which the OCR and the review screen both allow for (they are told the scale used).
 */
export const MAX_PAGE_PIXELS = 40_000_000;

/** `scale` pixels per point, or less if the page would pass MAX_PAGE_PIXELS at it. */
export const cappedScale = (scale: number, size: { width: number; height: number }): number =>
  Math.min(scale, Math.sqrt(MAX_PAGE_PIXELS / Math.max(1, size.width * size.height)));

/** One PDF page as a PNG, `scale` pixels per point (less for a page too large: cappedScale). */
export async function renderPdfPage(
  bytes: Uint8Array,
  pageNumber: number,
  { scale }: { scale: number },
): Promise<Buffer> {
  polyfillTransfer();
  const pdf = await openPdf(bytes);
  try {
    const size = (await pdf.getPage(pageNumber)).getViewport({ scale: 1 });
    const png = await renderPageAsImage(pdf, pageNumber, {
      scale: cappedScale(scale, size),
      canvasImport: () => import('@napi-rs/canvas'),
    });
    return Buffer.from(png);
  } catch (error) {
    throw pdfError(error);
  } finally {
    await pdf.destroy();
  }
}

/**
 * A scanned PDF page as the OCR reads it: rendered so its short side is about 2400 px (300 dpi
 * on A4), then straightened like a photo. `scale` is pixels per point, so an OCR box divided by
 * it is in points, in the frame of this (straightened) picture.
 */
export async function scanPicture(
  bytes: Uint8Array,
  pageNumber: number,
  size: { width: number; height: number },
): Promise<Straightened & { scale: number }> {
  const scale = cappedScale(
    Math.min(6, Math.max(1, 2400 / Math.min(size.width, size.height))),
    size,
  );
  const png = await renderPdfPage(bytes, pageNumber, { scale });
  return { ...(await straighten(png)), scale };
}

/**
 * A photo turned upright (its EXIF orientation) and straightened as the OCR straightened it,
 * at the photo's own size: the picture whose pixels an OCR'd page's boxes are in.
 */
export async function uprightImage(bytes: Uint8Array): Promise<Buffer> {
  return (await straighten(bytes)).png;
}

/** The most pages a PDF is read for review: as many as an invoice may have (read.ts). */
export const MAX_PAGES = 30;

/** Pixels per point at which a PDF page with a text layer is shown for review (144 dpi). */
const reviewScale = 2;

/**
 * What the review screen shows for a page, with the PNG's size in pixels. A box on the Page
 * (x, y, w, h in the Page's units) is drawn at those times `width / page.width`. For a PDF page
 * with a text layer: the page rendered. For a scanned page: the page as the OCR read it,
 * rendered and straightened (`scanPicture`). For a photo: `uprightImage`.
 */
export async function pageImage(
  file: { bytes: Uint8Array; mime: string },
  pageNumber: number,
): Promise<{ png: Buffer; width: number; height: number }> {
  if (file.mime !== 'application/pdf') {
    if (pageNumber !== 1)
      throw new DomainError('NOT_FOUND', `file: a photo has one page, not ${pageNumber}`, {
        field: 'file',
      });
    const { png, width, height } = await straighten(file.bytes);
    return { png, width, height };
  }
  const pages = await readPdfText(file.bytes, { maxPages: MAX_PAGES });
  const page = pages[pageNumber - 1];
  if (!page)
    throw new DomainError(
      'NOT_FOUND',
      `file: this PDF has ${pages.length} pages, not ${pageNumber}`,
      { field: 'file' },
    );
  if (!hasTextLayer(page)) {
    const { png, width, height } = await scanPicture(file.bytes, pageNumber, page);
    return { png, width, height };
  }
  const png = await renderPdfPage(file.bytes, pageNumber, { scale: reviewScale });
  const { width = 0, height = 0 } = await sharp(png).metadata();
  return { png, width, height };
}
