// Rows rebuilt from a page's word boxes (decision 0033): words levelled against the page's slope,
// chained into rows, split into cells by wide gaps; a number OCR broke in two joined again and a
// receipt's "55x0.92" split into its parts. Also how a value read from words carries its place.
import type { Box, Evidence, Page, Read, Word } from '../document';
import { parseAmount } from '../numbers';

/** A word as the rules see it (or two words of one number, "1 234,50"). */
export interface Tok {
  text: string;
  /** Lower case, without the colon or brackets around it: what labels are matched on. */
  norm: string;
  box: Box;
  conf: number;
}

export interface Row {
  page: number;
  toks: Tok[];
  top: number;
  bottom: number;
  /** Median word height: the unit every gap is measured in. */
  h: number;
  labels: Label[];
  /** Taken by the line table (its header, a line or a wrapped description). */
  inTable: boolean;
}

/** What a label names: ./labels.ts finds them; a row holds them, so their shape is here. */
export type LabelKind =
  | 'number'
  | 'date'
  | 'taxId'
  | 'order'
  | 'subtotal'
  | 'tax'
  | 'total'
  | 'grandTotal'
  | 'buyer'
  | 'supplier'
  | 'phone'
  | 'email'
  | 'bank'
  | 'other';

export interface Label {
  kind: LabelKind;
  /** Token indices [start, end). */
  start: number;
  end: number;
  /** A standalone "No." or "Date": weaker than "Invoice No." or "Invoice date". */
  weak: boolean;
}

/** A gap wider than this many word heights separates two cells of a row. */
export const CELL_GAP = 1.0;

export const right = (b: Box) => b.x + b.w;
export const xOf = (t: Tok | undefined) => t?.box.x ?? 0;
/** The white space before word i (0 for the first word). */
export const gapBefore = (toks: readonly Tok[], i: number) => {
  const a = toks[i - 1];
  const b = toks[i];
  return a && b ? b.box.x - right(a.box) : 0;
};
const bottomOf = (b: Box) => b.y + b.h;

export function unionBox(boxes: readonly Box[]): Box {
  if (boxes.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  const x = Math.min(...boxes.map((b) => b.x));
  const y = Math.min(...boxes.map((b) => b.y));
  return { x, y, w: Math.max(...boxes.map(right)) - x, h: Math.max(...boxes.map(bottomOf)) - y };
}

function normalize(text: string): string {
  if (/^to:$/i.test(text)) return 'to:';
  const n = text
    .toLowerCase()
    .replace(/^[([{]+/, '')
    .replace(/[:)\]}]+$/, '')
    .replace(/:$/, '');
  return n === '' ? ':' : n;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** "1" and "234,50" a space apart are one number when the second is a group of three digits. */
function mergeNumberGroups(toks: Tok[], h: number): Tok[] {
  const out: Tok[] = [];
  for (const t of toks) {
    const prev = out[out.length - 1];
    if (
      prev &&
      // "1 234,50"; "1319 976,00" when OCR lost the space after the millions.
      (/^[-(]?(?:[A-Z]{3}|Br|\$|€|£)?\d{1,3}(?: \d{3})*$/.test(prev.text) ||
        (/^\d{4,7}$/.test(prev.text) && /^\d{3}[.,]\d{2}$/.test(t.text))) &&
      /^\d{3}(?:[.,]\d{1,2})?\)?$/.test(t.text) &&
      t.box.x - right(prev.box) < 0.75 * h
    ) {
      const text = `${prev.text} ${t.text}`;
      out[out.length - 1] = {
        text,
        norm: normalize(text),
        box: unionBox([prev.box, t.box]),
        conf: Math.min(prev.conf, t.conf),
      };
    } else out.push(t);
  }
  return out;
}

/**
 * "55x0.92", "35x", "2@15.00": OCR runs a receipt's quantity into its sign and price. The parts
 * become words of their own, each with its share of the box.
 */
function splitTimes(tok: Tok): Tok[] {
  // Only a price with cents after the sign: "1200x800" is a size, not a quantity and a price.
  const m =
    /^(\d+)([x×X@])(\d[\d.,]*[.,]\d\d)?$/.exec(tok.text) ??
    /^()([x×X@])(\d[\d.,]*[.,]\d\d)$/.exec(tok.text);
  if (!m) return [tok];
  const parts = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
  const per = tok.box.w / tok.text.length;
  let at = tok.box.x;
  const out: Tok[] = [];
  for (const text of parts) {
    if (text)
      out.push({
        ...tok,
        text,
        norm: normalize(text),
        box: { ...tok.box, x: at, w: per * text.length },
      });
    at += per * text.length;
  }
  return out;
}

function slopesOf(words: readonly Word[], maxGap: number): number[] {
  const slopes: number[] = [];
  const byX = [...words].sort((a, b) => a.x - b.x);
  byX.forEach((w, i) => {
    const cy = w.y + w.h / 2;
    for (const v of byX.slice(i + 1)) {
      const gap = v.x - right(w);
      if (gap > maxGap * w.h) break;
      const vy = v.y + v.h / 2;
      if (gap < -0.2 * w.h || Math.abs(vy - cy) > 0.5 * Math.min(w.h, v.h)) continue;
      if (Math.abs(v.h - w.h) > 0.3 * w.h) continue;
      const dx = v.x + v.w / 2 - (w.x + w.w / 2);
      if (dx > 0) slopes.push((vy - cy) / dx);
      break;
    }
  });
  return slopes;
}

/**
 * How far the page's lines climb or fall per unit of x (a photo straightened not quite level):
 * the median slope between each word and its nearest neighbour to the right on the same line.
 */
function slopeOf(words: readonly Word[]): number {
  // A sparse page (a few cells far apart) has too few close neighbours: look further along.
  const near = slopesOf(words, 2);
  const slopes = near.length >= 5 ? near : slopesOf(words, 8);
  // Too few pairs to tell: take the page as level.
  if (slopes.length < 5) return 0;
  const m = median(slopes);
  return Math.abs(m) < 0.0015 ? 0 : Math.max(-0.1, Math.min(0.1, m));
}

/**
 * Rows by chaining each word (left to right) to the row whose rightmost word it sits level with:
 * each centre within the other's height. Comparing neighbours, not a row's first word, keeps a
 * slightly skewed photo's rows whole.
 */
export function buildRows(page: Page): Row[] {
  const found = page.words.filter(
    (w) =>
      typeof w.text === 'string' &&
      w.text.trim() !== '' &&
      [w.x, w.y, w.w, w.h].every(Number.isFinite) &&
      w.h > 0,
  );
  // Rows are found on a level page: each word's y less the page's slope times its centre's x.
  const slope = slopeOf(found);
  const words = found
    .map((w) => ({ ...w, y: w.y - slope * (w.x + w.w / 2), word: w }))
    .sort((a, b) => a.x - b.x || a.y - b.y);
  const groups: { words: typeof words; last: (typeof words)[number] }[] = [];
  for (const w of words) {
    const cy = w.y + w.h / 2;
    let best: (typeof groups)[number] | null = null;
    let bestDist = Infinity;
    for (const g of groups) {
      const l = g.last;
      const ly = l.y + l.h / 2;
      if (cy < l.y || cy > bottomOf(l) || ly < w.y || ly > bottomOf(w)) continue;
      // Reading order by centres: OCR boxes of neighbours may overlap ("108" over its "x").
      if (w.x + w.w / 2 <= l.x + l.w / 2 || w.x < l.x + 0.5 * l.w) continue;
      const dist = Math.abs(cy - ly) + Math.max(0, w.x - right(l)) * 0.01;
      if (dist < bestDist) {
        bestDist = dist;
        best = g;
      }
    }
    if (best) {
      best.words.push(w);
      best.last = w;
    } else groups.push({ words: [w], last: w });
  }
  const rows = groups.map((g) => {
    const h = median(g.words.map((w) => w.h));
    const toks = g.words.flatMap((w) =>
      splitTimes({
        text: w.text.trim(),
        norm: normalize(w.text.trim()),
        box: { x: w.x, y: w.word.y, w: w.w, h: w.h },
        conf: Number.isFinite(w.confidence) ? Math.max(0, Math.min(1, w.confidence)) : 0,
      }),
    );
    return {
      page: page.number,
      toks: mergeNumberGroups(toks, h),
      top: Math.min(...g.words.map((w) => w.y)),
      bottom: Math.max(...g.words.map(bottomOf)),
      h,
      labels: [] as Label[],
      inTable: false,
    };
  });
  const mid = (r: Row) => (r.top + r.bottom) / 2;
  return rows.sort((a, b) => mid(a) - mid(b) || xOf(a.toks[0]) - xOf(b.toks[0]));
}

/** Index ranges of a row's cells: runs of words with no gap wider than CELL_GAP heights. */
export function cellsOf(row: Row, from = 0, to = row.toks.length): [number, number][] {
  const cells: [number, number][] = [];
  let start = from;
  for (let i = from + 1; i <= to; i++) {
    if (i === to || gapBefore(row.toks, i) > CELL_GAP * row.h) {
      if (i > start) cells.push([start, i]);
      start = i;
    }
  }
  return cells;
}

/**
 * Every match of the patterns starting at a word of the row and ending at the end of a word,
 * within one cell, as word index ranges [start, end); `order` is the pattern's index.
 */
export function matchWords(
  row: Row,
  patterns: readonly RegExp[],
): { start: number; end: number; order: number }[] {
  const norms = row.toks.map((t) => t.norm);
  const text = norms.join(' ');
  const starts: number[] = [];
  let at = 0;
  for (const n of norms) {
    starts.push(at);
    at += n.length + 1;
  }
  const found: { start: number; end: number; order: number }[] = [];
  patterns.forEach((re, order) => {
    starts.forEach((offset, start) => {
      re.lastIndex = offset;
      const m = re.exec(text);
      if (!m || m[0].length === 0) return;
      let end = start;
      while (end < starts.length && (starts[end] ?? Infinity) < offset + m[0].length) end++;
      if (!spansGap(row, start, end)) found.push({ start, end, order });
    });
  });
  return found;
}

/** Words [start, end) straddle a cell gap: "Item   Description" are two headers, not one. */
function spansGap(row: Row, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) if (gapBefore(row.toks, i) > CELL_GAP * row.h) return true;
  return false;
}

// ---- A value and its place ----------------------------------------------------------------

const round3 = (n: number) => Math.round(Math.max(0, Math.min(1, n)) * 1000) / 1000;

function evidence(page: number, toks: readonly Tok[], sure: number): Evidence {
  const conf = toks.length ? Math.min(...toks.map((t) => t.conf)) : 0;
  return {
    page,
    box: unionBox(toks.map((t) => t.box)),
    confidence: round3(conf * sure),
    by: 'rules',
  };
}

export function read<T>(value: T, page: number, toks: readonly Tok[], sure: number): Read<T> {
  return { value, at: evidence(page, toks, sure) };
}

export const ocrSure = (n: { ocrFixed: boolean }) => (n.ocrFixed ? 0.8 : 1);
/** Words in reading order: right to left when every word is Arabic or Hebrew. */
export const joinText = (toks: readonly Tok[]) =>
  (toks.length > 1 && toks.every((t) => RTL.test(t.text)) ? [...toks].reverse() : toks)
    .map((t) => t.text)
    .join(' ');
export const hasLetters = (s: string) => /\p{L}{2,}/u.test(s);
const RTL = /[\u0590-\u08ff]/;
export const isNumeric = (t: Tok) => parseAmount(t.text) !== null;
export const digitsOf = (s: string) => s.replace(/\D/g, '').replace(/^0+/, '');
