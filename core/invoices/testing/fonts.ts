// Where each piece of text goes, measured once here so that the PDF, the picture and the ideal
// text layer agree to the point. Widths come from pdfkit (fontkit underneath) with the shipped
// Noto fonts; the canvas is given the same files and the same left edges.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { fontsFolder } from '../../pdf/fonts';
import type { Box } from '../document';
import type { FontName, Run } from './types';

export const FONT_FILES: Readonly<Record<FontName, string>> = {
  regular: 'NotoSans-Regular.ttf',
  bold: 'NotoSans-Bold.ttf',
  ethiopic: 'NotoSansEthiopic-Regular.ttf',
  arabic: 'NotoSansArabic-Regular.ttf',
  cjk: 'NotoSansCJKsc-Regular.otf',
};

export const FONT_NAMES: readonly FontName[] = ['regular', 'bold', 'ethiopic', 'arabic', 'cjk'];

export function fontPath(font: FontName): string {
  return join(fontsFolder(), FONT_FILES[font]);
}

/** Noto Sans' own ascent and descent (per unit of size): every run sits on its baseline. */
const ASCENT = 1.069;
const DESCENT = 0.293;

let measurer: PDFKit.PDFDocument | undefined;

/** A document never written out, kept only to measure strings with pdfkit's own metrics. */
function measuringDocument(): PDFKit.PDFDocument {
  if (measurer) return measurer;
  const doc = new PDFDocument({ autoFirstPage: false });
  for (const font of FONT_NAMES) doc.registerFont(font, readFileSync(fontPath(font)));
  measurer = doc;
  return doc;
}

const widths = new Map<string, number>();

export function textWidth(text: string, font: FontName, size: number): number {
  const key = `${font} ${size} ${text}`;
  let width = widths.get(key);
  if (width === undefined) {
    width = measuringDocument().font(font).fontSize(size).widthOfString(text);
    widths.set(key, width);
  }
  return width;
}

export function baseline(run: Pick<Run, 'y' | 'size'>): number {
  return run.y + ASCENT * run.size;
}

export function lineHeight(size: number): number {
  return (ASCENT + DESCENT) * size;
}

/** Something drawn in one call: its text, left edge and width. */
export interface Piece {
  text: string;
  left: number;
  width: number;
}

/**
 * The words of a run with their left edges. Right-to-left text (Arabic) puts its first word on
 * the right; each word is drawn on its own so neither pdfkit nor the canvas has to reorder words.
 */
export function placeWords(run: Run): Piece[] {
  const space = textWidth(' ', run.font, run.size);
  const total = textWidth(run.text, run.font, run.size);
  const left = run.align === 'right' ? run.x - total : run.x;
  const words = run.text.split(' ');
  const pieces: Piece[] = [];
  if (run.font === 'arabic') {
    let right = left + total;
    for (const word of words) {
      const width = textWidth(word, run.font, run.size);
      if (word !== '') pieces.push({ text: word, left: right - width, width });
      right -= width + space;
    }
    return pieces;
  }
  // The width of the words before, with the space after them, rather than a sum of words:
  // kerning across a space is then counted as pdfkit counts it when it draws the whole run.
  words.forEach((word, i) => {
    const before = i === 0 ? 0 : textWidth(`${words.slice(0, i).join(' ')} `, run.font, run.size);
    if (word !== '')
      pieces.push({ text: word, left: left + before, width: textWidth(word, run.font, run.size) });
  });
  return pieces;
}

/**
 * What a renderer draws for a run, left to right: the whole run at once, or for right-to-left
 * text its words one by one with the spaces between, so neither pdfkit nor the canvas has to
 * reorder words. The spaces are drawn too: pdf.js then gives the words back in reading order
 * with spaces between, where separately placed words would come out run together.
 */
export function drawPieces(run: Run): Piece[] {
  if (run.font !== 'arabic') {
    const width = textWidth(run.text, run.font, run.size);
    return [{ text: run.text, left: run.align === 'right' ? run.x - width : run.x, width }];
  }
  const space = textWidth(' ', run.font, run.size);
  const words = placeWords(run);
  return words
    .flatMap((word, i) =>
      i === words.length - 1
        ? [word]
        : [word, { text: ' ', left: word.left - space, width: space }],
    )
    .sort((a, b) => a.left - b.left);
}

export function wordBoxes(run: Run): (Box & { text: string })[] {
  return placeWords(run).map((piece) => ({
    text: piece.text,
    x: piece.left,
    y: run.y,
    w: piece.width,
    h: lineHeight(run.size),
  }));
}
