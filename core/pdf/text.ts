// Mixed-script text. pdfkit prints a string in one font, and no single font covers Latin, Ge'ez,
// Arabic and Chinese, so a string is cut into runs, each in the first font of the chain that has its
// glyphs, and the runs are written one after another with `continued`.
//
// Lines are laid out here rather than by pdfkit's wrapper: its wrapper measures and breaks in
// one font, and it puts every font's top (not its baseline) on the line, so runs in fonts with
// different ascents would not sit on one baseline.
//
// Right-to-left text (an Arabic name) is put in display order by the part of the Unicode bidi
// algorithm in ./bidi.ts, paired brackets mirrored; nested embeddings are not handled.
/// <reference types="pdfkit" />
import { invariant } from '../errors';
import { embeddingLevels, hasRightToLeft, mirrored, visualIndices } from './bidi';
import type { FontSet, FontWeight, LoadedFont } from './fonts';

export interface TextStyle {
  size: number;
  weight?: FontWeight;
  color?: string;
}

export interface Run {
  font: LoadedFont;
  text: string;
}

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
/** Letters and digits pick their font; spaces and punctuation stay with the run they are in. */
const strong = /[\p{L}\p{N}]/u;
const ellipsis = '…';
/** Line height as a multiple of the font size: a little tighter than Noto Sans' own 1.36, which
 * leaves room for stacked accents that our names do not have. */
export const lineSpacing = 1.3;

const codePoints = (cluster: string): number[] => Array.from(cluster, (c) => c.codePointAt(0) ?? 0);

function fontFor(cluster: string, chain: readonly LoadedFont[]): LoadedFont | undefined {
  const points = codePoints(cluster);
  const first = points[0] ?? 0;
  // A cluster whose combining marks no font has still prints its base character.
  return chain.find((f) => points.every((p) => f.covers(p))) ?? chain.find((f) => f.covers(first));
}

export function splitRuns(text: string, chain: readonly LoadedFont[]): Run[] {
  const primary = chain[0];
  if (!primary || text === '') return [];
  // Most text is Latin: no need to cut it into grapheme clusters (the slow part) to know that.
  if (codePoints(text).every((p) => primary.covers(p))) return [{ font: primary, text }];
  const runs: Run[] = [];
  for (const { segment } of graphemes.segment(text)) {
    const current = runs.at(-1);
    if (
      current &&
      !strong.test(segment) &&
      codePoints(segment).every((p) => current.font.covers(p))
    ) {
      current.text += segment;
      continue;
    }
    // Nothing covers it: the primary font prints its "missing glyph" box, which at least shows
    // that something is there.
    const font = fontFor(segment, chain) ?? primary;
    if (current?.font === font) current.text += segment;
    else runs.push({ font, text: segment });
  }
  return runs;
}

/**
 * The runs in the order they are drawn, left to right (./bidi.ts): right-to-left stretches are
 * reversed, with any numbers and brackets they hold, and their brackets mirrored.
 */
export function visualOrder(runs: readonly Run[]): Run[] {
  if (!runs.some((r) => hasRightToLeft(r.text))) return [...runs];
  const clusters = runs.flatMap((run) =>
    Array.from(graphemes.segment(run.text), ({ segment }) => ({ font: run.font, text: segment })),
  );
  const levels = embeddingLevels(clusters.map((c) => c.text));
  const groups: { font: LoadedFont; level: number; texts: string[] }[] = [];
  for (const i of visualIndices(levels)) {
    const cluster = clusters[i];
    const level = levels[i] ?? 0;
    if (!cluster) continue;
    const text = level % 2 === 1 ? mirrored(cluster.text) : cluster.text;
    const last = groups.at(-1);
    if (last?.font === cluster.font && last.level === level) last.texts.push(text);
    else groups.push({ font: cluster.font, level, texts: [text] });
  }
  return groups.flatMap(({ font, level, texts }) =>
    level % 2 === 1 && texts.some(hasRightToLeft)
      ? wordsForFontkit(texts).map((text) => ({ font, text }))
      : [{ font, text: texts.join('') }],
  );
}

/**
 * fontkit puts a right-to-left word's glyphs right to left, and with them any space the word
 * carries, since pdfkit lays a string out word by word, each with the space after it. So a
 * right-to-left stretch is handed over as separate words and spaces in display order, each
 * word's letters in logical order, as Arabic letters join only in that order.
 */
function wordsForFontkit(visual: readonly string[]): string[] {
  const pieces: string[] = [];
  let word: string[] = [];
  const flush = () => {
    if (word.length > 0) pieces.push(word.reverse().join(''));
    word = [];
  };
  for (const cluster of visual) {
    if (!/^\s+$/u.test(cluster)) {
      word.push(cluster);
      continue;
    }
    flush();
    pieces.push(cluster);
  }
  flush();
  return pieces;
}

export class TextWriter {
  /** A table measures the same strings (headers, SKUs, names) over and over. */
  private readonly widths = new Map<string, number>();

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly fonts: FontSet,
  ) {}

  private chain(style: TextStyle): readonly LoadedFont[] {
    return this.fonts[style.weight ?? 'regular'];
  }

  private primary(style: TextStyle): LoadedFont {
    const font = this.chain(style)[0];
    invariant(font, 'The font set is empty');
    return font;
  }

  lineHeight(style: TextStyle): number {
    return style.size * lineSpacing;
  }

  width(text: string, style: TextStyle): number {
    const key = `${style.weight ?? 'regular'} ${style.size} ${text}`;
    let total = this.widths.get(key);
    if (total === undefined) {
      total = 0;
      for (const run of splitRuns(text, this.chain(style)))
        total += this.doc.font(run.font.name).fontSize(style.size).widthOfString(run.text);
      this.widths.set(key, total);
    }
    return total;
  }

  /** The text, cut short with an ellipsis where needed so that it fits the width. */
  fit(text: string, width: number, style: TextStyle): string {
    if (this.width(text, style) <= width) return text;
    const clusters = Array.from(graphemes.segment(text), (g) => g.segment);
    const candidate = (n: number) => clusters.slice(0, n).join('').trimEnd() + ellipsis;
    // The widest prefix that fits, by bisection: names are short but a table has many cells.
    let low = 0;
    let high = clusters.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (this.width(candidate(mid), style) <= width) low = mid;
      else high = mid - 1;
    }
    return low === 0 && this.width(ellipsis, style) > width ? '' : candidate(low);
  }

  /** Breaks the text into lines no wider than the width; a word too long for a line is cut. */
  wrap(text: string, width: number, style: TextStyle, maxLines = Infinity): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let line = '';
      for (const token of paragraph.split(/(\s+)/)) {
        if (token === '') continue;
        if (this.width(line + token, style) <= width) {
          line += token;
          continue;
        }
        if (line.trim() !== '') lines.push(line.trimEnd());
        line = /^\s+$/.test(token) ? '' : token;
        while (this.width(line, style) > width) {
          const head = this.longestPrefix(line, width, style);
          lines.push(head);
          line = line.slice(head.length);
        }
      }
      lines.push(line.trimEnd());
    }
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines - 1);
    kept.push(this.fit(lines.slice(maxLines - 1).join(' ') + ellipsis, width, style));
    return kept;
  }

  private longestPrefix(text: string, width: number, style: TextStyle): string {
    let prefix = '';
    for (const { segment } of graphemes.segment(text)) {
      if (prefix !== '' && this.width(prefix + segment, style) > width) break;
      prefix += segment;
    }
    return prefix;
  }

  /**
   * Writes one line with its top at y. With a width, the text is aligned in it and cut short
   * with an ellipsis if it does not fit; without one it is written as it is.
   */
  line(
    text: string,
    x: number,
    y: number,
    style: TextStyle,
    options: { width?: number; align?: 'left' | 'right' | 'center' } = {},
  ): void {
    const { width, align = 'left' } = options;
    const shown = width === undefined ? text : this.fit(text, width, style);
    const runs = visualOrder(splitRuns(shown, this.chain(style)));
    if (runs.length === 0) return;
    let left = x;
    if (width !== undefined && align !== 'left') {
      const spare = width - this.width(shown, style);
      left += align === 'right' ? spare : spare / 2;
    }
    // Every run sits on the primary font's baseline, whatever its own ascent: the primary
    // font's ascent-to-descent box is centred in the line.
    const primary = this.primary(style);
    const extent = (primary.ascent + primary.descent) * style.size;
    const baseline = y + (this.lineHeight(style) - extent) / 2 + primary.ascent * style.size;
    this.doc.fillColor(style.color ?? '#000000');
    runs.forEach((run, i) => {
      const common: PDFKit.Mixins.TextOptions = {
        lineBreak: false,
        baseline: 'alphabetic',
        continued: i < runs.length - 1,
      };
      this.doc.font(run.font.name).fontSize(style.size);
      if (i === 0) this.doc.text(run.text, left, baseline, common);
      else this.doc.text(run.text, common);
    });
  }
}
