// A photo of an invoice as positioned words (decision 0033). The photo is turned upright (its
// EXIF orientation), made grey and full-contrast, straightened and enlarged, then read by
// tesseract's LSTM model, which ships with the app: nothing is downloaded.
//
// Boxes are in the pixels of the STRAIGHTENED photo at the photo's own size (`straighten`,
// which the review screen shows through `uprightImage`): a box then sits exactly on its word in
// the picture shown, where mapping it back into the tilted original could only approximate a
// tilted word by an upright rectangle. Page.width and height are that picture's size.
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import { DomainError } from '../../errors';
import type { Page, Word } from '../document';

/** The photo upright, grey, full-contrast and straightened, at its own size, as a PNG. */
export interface Straightened {
  png: Buffer;
  width: number;
  height: number;
  /** Degrees the photo was turned to straighten it, clockwise as seen. */
  deskewDegrees: number;
  /** False when the picture looks like no printed page at all (see `survey`). */
  print: boolean;
}

/** Tilts beyond this are searched for; a photo turned further is taken again, not guessed at. */
const maxSkew = 10;
/** A tilt smaller than this is left alone: turning the picture would only blur it. */
const minSkew = 0.2;
/**
 * Above this `speckle` a picture is not a page of print (noise, a lens pointed at a carpet) and
 * is not given to the OCR: tesseract spends a minute on such a picture and finds only garbage.
 */
const noisySpeckle = 0.15;

export async function straighten(bytes: Uint8Array): Promise<Straightened> {
  const { data, info } = await sharp(bytes)
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch(() => {
      throw new DomainError(
        'FILE_REJECTED',
        'file: this picture is damaged or not a JPEG or PNG: take the photo again, or save it as JPEG',
        { field: 'file' },
      );
    });
  stretchContrast(data);
  const gray = { raw: { width: info.width, height: info.height, channels: 1 as const } };
  const { skew, speckle } = await survey(data, info.width, info.height);
  const deskewDegrees = Math.abs(skew) < minSkew ? 0 : -skew;
  const turned = sharp(data, gray);
  if (deskewDegrees !== 0) turned.rotate(deskewDegrees, { background: '#ffffff' });
  const png = await turned
    .toColourspace('b-w')
    .png({ compressionLevel: 2 })
    .toBuffer({ resolveWithObject: true });
  return {
    png: png.data,
    width: png.info.width,
    height: png.info.height,
    deskewDegrees,
    print: speckle <= noisySpeckle,
  };
}

/**
 * Stretches the grey levels so the ink is near black and the paper white. Not sharp's
 * `normalise`, which stretches between the 1st and 99th percentiles: on an invoice with little
 * text the ink is under 1% of the pixels, so it stretched the paper's JPEG noise into grey
 * blotches and halos. The dark end here is the 0.1th percentile; a picture with no contrast to
 * speak of (a blank page) is left alone.
 */
function stretchContrast(data: Buffer): void {
  const histogram = histogramOf(data);
  const level = (fraction: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v] ?? 0;
      if (seen >= fraction * data.length) return v;
    }
    return 255;
  };
  const dark = level(0.001);
  const light = level(0.99);
  if (light - dark < 32) return;
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++)
    table[v] = Math.max(0, Math.min(255, Math.round(((v - dark) * 255) / (light - dark))));
  for (let i = 0; i < data.length; i++) data[i] = table[data[i] ?? 0] ?? 0;
}

/** The tilt of a grey picture's text lines, in degrees clockwise as seen (see `survey`). */
export const estimateSkew = async (gray: Buffer, width: number, height: number): Promise<number> =>
  (await survey(gray, width, height)).skew;

/**
 * A look at a grey picture, on a copy about 1000 px wide split into ink and paper (Otsu).
 *
 * `skew` is the tilt of the text lines, in degrees clockwise as seen (y grows down): the angle
 * at which the ink, projected onto the picture's height, bunches most into rows (the variance
 * of the row profile peaks when the projection runs along the lines). Searched every half
 * degree, then every 0.05° near the best.
 *
 * `speckle` is the share of neighbouring pixels, side by side, of which one is ink and the other
 * paper: about 0.01–0.05 on a printed page (a dark desk around it adds little), 0.35 on noise.
 */
export async function survey(
  gray: Buffer,
  width: number,
  height: number,
): Promise<{ skew: number; speckle: number }> {
  const small = Math.min(1, 1000 / width);
  const { data, info } = await sharp(gray, { raw: { width, height, channels: 1 } })
    .resize(Math.max(1, Math.round(width * small)))
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const threshold = otsu(data);
  const ink: { x: number; y: number }[] = [];
  let changes = 0;
  let wasInk = false;
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const isInk = (data[y * info.width + x] ?? 255) < threshold;
      if (x > 0 && isInk !== wasInk) changes++;
      wasInk = isInk;
      if (isInk) ink.push({ x: x - info.width / 2, y: y - info.height / 2 });
    }
  const speckle = changes / data.length;
  // A blank page, one all dark, or noise: nothing to straighten by.
  if (ink.length < 50 || ink.length > data.length * 0.5 || speckle > noisySpeckle)
    return { skew: 0, speckle };
  const span = Math.ceil(Math.hypot(info.width, info.height)) + 2;
  const bins = new Float64Array(span);
  const score = (degrees: number): number => {
    const t = (degrees * Math.PI) / 180;
    const sin = Math.sin(t);
    const cos = Math.cos(t);
    bins.fill(0);
    for (const { x, y } of ink) {
      const bin = Math.round(y * cos - x * sin + span / 2);
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    let sum = 0;
    for (const b of bins) sum += b * b;
    return sum;
  };
  const best = (from: number, to: number, step: number): number => {
    let bestAngle = 0;
    let bestScore = -1;
    for (let a = from; a <= to + 1e-9; a += step) {
      const s = score(a);
      // Ties go to the smaller tilt, so a page with no lines is not turned.
      if (s > bestScore * (1 + 1e-9) || (s >= bestScore && Math.abs(a) < Math.abs(bestAngle))) {
        bestScore = s;
        bestAngle = a;
      }
    }
    return bestAngle;
  };
  const coarse = best(-maxSkew, maxSkew, 0.5);
  return { skew: Math.round(best(coarse - 0.5, coarse + 0.5, 0.05) * 100) / 100, speckle };
}

function histogramOf(data: Buffer): Float64Array {
  const histogram = new Float64Array(256);
  for (const v of data) histogram[v] = (histogram[v] ?? 0) + 1;
  return histogram;
}

/** Otsu's threshold: the grey level that best splits the picture into ink and paper. */
function otsu(data: Buffer): number {
  const histogram = histogramOf(data);
  const total = data.length;
  const sumAll = histogram.reduce((sum, count, v) => sum + v * count, 0);
  let below = 0;
  let sumBelow = 0;
  let best = 128;
  let bestBetween = -1;
  for (const [t, count] of histogram.entries()) {
    below += count;
    sumBelow += t * count;
    if (below === 0 || below === total) continue;
    const meanBelow = sumBelow / below;
    const meanAbove = (sumAll - sumBelow) / (total - below);
    const between = below * (total - below) * (meanBelow - meanAbove) ** 2;
    if (between > bestBetween) {
      bestBetween = between;
      best = t + 1;
    }
  }
  return best;
}

/**
 * How much to enlarge a picture for the OCR. The LSTM model reads best at about 300 dpi, which
 * on an A4 page is about 2400 × 3400 px: a smaller picture is enlarged until one of its sides
 * reaches that (at most 4×, past which nothing is gained). Taking the lesser of the two sides'
 * factors keeps a narrow till receipt, whose short side is small for its print, from being
 * blown up fourfold for nothing. A picture larger than about 3600 × 5000 px is brought down to
 * that: a 40-megapixel photo would take tens of seconds with no better reading.
 */
export function ocrScale(width: number, height: number): number {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  const up = Math.min(2400 / short, 3400 / long);
  if (up > 1) return Math.min(4, up);
  return Math.min(1, 3600 / short, 5000 / long);
}

const require = createRequire(import.meta.url);
const langPath = path.join(
  path.dirname(require.resolve('@tesseract.js-data/eng/package.json')),
  '4.0.0_best_int',
);

/**
 * One tesseract worker, started on first use and kept: starting one loads the 4 MB model, which
 * takes longer than reading a page. Its jobs run one after another.
 */
let worker: Promise<Tesseract.Worker> | null = null;

function ocrWorker(): Promise<Tesseract.Worker> {
  if (worker) return worker;
  const starting = (async () => {
    const w = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, {
      langPath,
      gzip: true,
      cacheMethod: 'none',
    });
    // The automatic page layout, measured against sparse text (PSM 11) on phone photos of the
    // generated invoices (core/invoices/testing), one of each layout: it found 95–96% of the
    // printed words to sparse text's 94–94.5%, chiefly the one-digit quantities and line
    // numbers sparse text drops, for 10–30% more time. PSM 4 and 6 read as well, but slower.
    await w.setParameters({
      tessedit_pageseg_mode: Tesseract.PSM.AUTO,
      user_defined_dpi: '300',
    });
    return w;
  })();
  worker = starting;
  // A worker that failed to start is tried again on the next read.
  starting.catch(() => {
    if (worker === starting) worker = null;
  });
  return starting;
}

/**
 * The longest one page may take. A clear A4 page takes 1–3 s; a picture of no print that slips
 * past `noisySpeckle` can take minutes, and would hold up every read queued behind it.
 */
const pageBudgetMs = 30_000;
class PageTimeout extends Error {}
let queue: Promise<unknown> = Promise.resolve();

/** Runs one page through the worker, after the pages before it, within `pageBudgetMs`. */
function recognize(png: Buffer): Promise<Tesseract.Page> {
  const job = queue.then(async () => {
    const running = await ocrWorker();
    const reading = running.recognize(png, {}, { blocks: true, text: false });
    // Stopping the worker below fails the reading too; its failure is the timeout's to report.
    reading.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PageTimeout()), pageBudgetMs);
    });
    try {
      return (await Promise.race([reading, timeout])).data;
    } catch (error) {
      if (!(error instanceof PageTimeout)) throw error;
      if (worker) await closeOcr();
      throw new DomainError(
        'FILE_REJECTED',
        `file: a page took more than ${pageBudgetMs / 1000} s to read and was given up: it may not be a printed page; take the photo again, straight on, filling the frame`,
        { field: 'file' },
      );
    } finally {
      clearTimeout(timer);
    }
  });
  queue = job.catch(() => undefined);
  return job;
}

/** Stops the OCR worker; the next read starts another. */
export async function closeOcr(): Promise<void> {
  const running = worker;
  worker = null;
  if (running) await (await running).terminate();
}

/**
 * Reads a picture's words. Boxes are in `picture`'s pixels; the OCR reads an enlarged copy.
 */
export async function ocrPicture(
  picture: Straightened,
): Promise<{ words: Word[]; confidence: number }> {
  if (!picture.print) return { words: [], confidence: 0 };
  const scale = ocrScale(picture.width, picture.height);
  const input =
    scale === 1
      ? picture.png
      : await sharp(picture.png)
          .resize(Math.round(picture.width * scale), Math.round(picture.height * scale), {
            kernel: 'lanczos3',
          })
          .png({ compressionLevel: 1 })
          .toBuffer();
  const data = await recognize(input);
  const words: Word[] = [];
  for (const block of data.blocks ?? [])
    for (const paragraph of block.paragraphs)
      for (const line of paragraph.lines)
        for (const word of line.words) {
          const text = word.text.trim();
          if (text === '') continue;
          const { x0, y0, x1, y1 } = word.bbox;
          words.push({
            text,
            x: x0 / scale,
            y: y0 / scale,
            w: (x1 - x0) / scale,
            h: (y1 - y0) / scale,
            confidence: word.confidence / 100,
          });
        }
  return { words, confidence: meanConfidence(words) };
}

export const meanConfidence = (words: Word[]): number =>
  words.length === 0 ? 0 : words.reduce((sum, w) => sum + w.confidence, 0) / words.length;

/** Reads a JPEG or PNG photo: one page, in the straightened photo's pixels. */
export async function ocrImage(
  bytes: Uint8Array,
): Promise<{ page: Page; confidence: number; deskewDegrees: number }> {
  const picture = await straighten(bytes);
  const { words, confidence } = await ocrPicture(picture);
  return {
    page: { number: 1, width: picture.width, height: picture.height, unit: 'px', words },
    confidence,
    deskewDegrees: picture.deskewDegrees,
  };
}
