import path from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { closeOcr, estimateSkew, ocrImage, ocrScale } from './ocr';
import { pageImage, uprightImage } from './render';

GlobalFonts.registerFromPath(path.resolve('resources/fonts/NotoSans-Regular.ttf'), 'Noto Sans');
GlobalFonts.registerFromPath(path.resolve('resources/fonts/NotoSans-Bold.ttf'), 'Noto Sans Bold');

afterAll(closeOcr);

/** Where each string was drawn: its left edge and the top of its capitals, in canvas pixels. */
interface Drawn {
  text: string;
  x: number;
  top: number;
}

/** An A4 invoice at 150 dpi, as a PNG, and where its key strings were drawn. */
async function drawInvoice(): Promise<{
  png: Buffer;
  width: number;
  height: number;
  drawn: Drawn[];
}> {
  const width = 1240;
  const height = 1754;
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fdfcf8';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#1a1a1a';
  const drawn: Drawn[] = [];
  const put = (text: string, x: number, baseline: number, size: number, bold = false): void => {
    g.font = `${size}px "${bold ? 'Noto Sans Bold' : 'Noto Sans'}"`;
    g.fillText(text, x, baseline);
    // Noto's capitals stand about 0.71 em above the baseline.
    drawn.push({ text, x, top: baseline - 0.71 * size });
  };
  put('ACME Industrial Supplies PLC', 100, 150, 40, true);
  put('Bole Road, Addis Ababa', 100, 200, 22);
  put('INVOICE', 900, 150, 36, true);
  put('Invoice No: INV-2024-0042', 100, 290, 24);
  put('Date: 2024-03-15', 820, 290, 24);
  const rows = [
    ['Steel bolts M8', '100', '0.45', '45.00'],
    ['Hex nuts M8', '200', '0.12', '24.00'],
    ['Flat washers 8mm', '500', '0.03', '15.00'],
  ];
  put('Description', 100, 420, 22, true);
  put('Qty', 640, 420, 22, true);
  put('Price', 820, 420, 22, true);
  put('Amount', 1010, 420, 22, true);
  rows.forEach(([description, qty, price, amount], i) => {
    const y = 480 + i * 50;
    put(description!, 100, y, 22);
    put(qty!, 640, y, 22);
    put(price!, 820, y, 22);
    put(amount!, 1010, y, 22);
  });
  put('Subtotal 84.00', 860, 720, 24);
  put('VAT 15% 12.60', 860, 770, 24);
  put('Total 96.60', 860, 830, 28, true);
  return { png: await canvas.encode('png'), width, height, drawn };
}

/** What a phone makes of it: tilted, stored sideways with an EXIF turn, and JPEG at q40. */
async function phonePhoto(png: Buffer, tilt: number): Promise<Buffer> {
  const tilted = await sharp(png).rotate(tilt, { background: '#fdfcf8' }).png().toBuffer();
  return sharp(tilted)
    .rotate(-90)
    .jpeg({ quality: 40 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

describe('estimateSkew', () => {
  it('finds the tilt of the text lines within a fraction of a degree', async () => {
    const { png } = await drawInvoice();
    for (const tilt of [-7.5, -2.3, 0, 1, 4, 9.2]) {
      const { data, info } = await sharp(png)
        .rotate(tilt, { background: '#ffffff' })
        .grayscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      const skew = await estimateSkew(data, info.width, info.height);
      expect(Math.abs(skew - tilt)).toBeLessThan(0.3);
    }
  });

  it('leaves a blank picture alone', async () => {
    const blank = Buffer.alloc(400 * 600, 250);
    expect(await estimateSkew(blank, 400, 600)).toBe(0);
  });
});

describe('ocrScale', () => {
  it('enlarges small pictures towards 300 dpi and brings huge ones down', () => {
    expect(ocrScale(1240, 1754)).toBeCloseTo(2400 / 1240, 5);
    expect(ocrScale(3024, 4032)).toBe(1);
    expect(ocrScale(6000, 8000)).toBeCloseTo(0.6, 5);
    expect(ocrScale(200, 300)).toBe(4);
    // A till receipt: its long side decides, not its narrow width.
    expect(ocrScale(600, 1400)).toBeCloseTo(3400 / 1400, 5);
  });
});

describe('ocrImage', () => {
  it('reads a tilted, sideways, low-quality photo and straightens it', async () => {
    const invoice = await drawInvoice();
    const photo = await phonePhoto(invoice.png, 4);
    const { page, confidence, deskewDegrees } = await ocrImage(photo);
    expect(Math.abs(deskewDegrees - -4)).toBeLessThan(1);
    expect(confidence).toBeGreaterThan(0.8);
    expect(page).toMatchObject({ number: 1, unit: 'px' });
    const texts = page.words.map((w) => w.text);
    for (const key of ['INV-2024-0042', '2024-03-15', '45.00', '24.00', '15.00', '84.00', '96.60'])
      expect(texts).toContain(key);

    // The page is the straightened photo the review screen shows.
    const upright = await sharp(await uprightImage(photo)).metadata();
    expect([page.width, page.height]).toEqual([upright.width, upright.height]);
    const shown = await pageImage({ bytes: photo, mime: 'image/jpeg' }, 1);
    expect([shown.width, shown.height]).toEqual([page.width, page.height]);

    // Turned by 4° and back about the centre, a drawn point keeps its place from the centre.
    const atCentre = (d: Drawn) => ({
      x: d.x - invoice.width / 2 + page.width / 2,
      y: d.top - invoice.height / 2 + page.height / 2,
    });
    for (const key of ['Steel', '45.00', 'Total', 'Date:']) {
      const word = page.words.find((w) => w.text === key)!;
      const drawn = atCentre(invoice.drawn.find((d) => d.text.startsWith(key))!);
      expect(Math.abs(word.x - drawn.x)).toBeLessThan(15);
      expect(Math.abs(word.y - drawn.y)).toBeLessThan(15);
    }
  });

  it('is unsure of a picture of noise', async () => {
    const noise = Buffer.alloc(900 * 1200);
    let seed = 7;
    for (let i = 0; i < noise.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      noise[i] = seed & 0xff;
    }
    const jpeg = await sharp(noise, { raw: { width: 900, height: 1200, channels: 1 } })
      .jpeg({ quality: 60 })
      .toBuffer();
    const { confidence, page } = await ocrImage(jpeg);
    expect(confidence).toBeLessThan(0.5);
    expect(page.words.every((w) => w.confidence >= 0 && w.confidence <= 1)).toBe(true);
  });
});
