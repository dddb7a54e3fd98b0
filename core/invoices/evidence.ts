// Where on the page a value stands (decision 0033): a model's answer counts as read only where
// the document's own words hold it. Words are put back into rows by their boxes; a value is
// looked for in runs of neighbouring words, numbers as amounts in any common print format
// (1,234.56 · 1.234,56 · 1 234,56 · 1'234.56), dates in the usual orders, codes with their
// separators aside and names nearly alike. What is not found is not made up: it has no place.
import type { Box, Evidence, Page, Word } from './document';
import { dateReadings, separatorReadings } from './numbers';
import { unionBox } from './parse/rows';
import { normaliseCode, normalisePhone, normaliseText, similarity } from './similarity';

/** Neighbouring words on one row, with their joint box and the least sure word's confidence. */
export interface Span {
  page: number;
  row: number;
  text: string;
  box: Box;
  confidence: number;
  words: number;
}

/** A page's words in rows, top to bottom, each row left to right. */
export function rowsOf(page: Page): Word[][] {
  const words = [...page.words].sort((a, b) => a.y + a.h / 2 - (b.y + b.h / 2) || a.x - b.x);
  const rows: { centre: number; height: number; words: Word[] }[] = [];
  for (const word of words) {
    const centre = word.y + word.h / 2;
    const row = rows.at(-1);
    if (row && Math.abs(centre - row.centre) <= Math.max(row.height, word.h) / 2) {
      row.words.push(word);
      row.centre = (row.centre * (row.words.length - 1) + centre) / row.words.length;
    } else rows.push({ centre, height: word.h, words: [word] });
  }
  return rows.map((r) => r.words.sort((a, b) => a.x - b.x));
}

/** The pages' text in reading order, rows rebuilt from the boxes, wide gaps kept as columns. */
export function readingText(pages: Page[]): string {
  return pages
    .map((page) => {
      const rows = rowsOf(page).map((row) =>
        row
          .map((word, i) => {
            const before = row[i - 1];
            if (!before) return word.text;
            const gap = word.x - (before.x + before.w);
            return `${gap > 1.5 * word.h ? '   ' : ' '}${word.text}`;
          })
          .join(''),
      );
      return `--- page ${page.number} ---\n${rows.join('\n')}`;
    })
    .join('\n');
}

/** Every run of up to `longest` neighbouring words of a row, in reading order. */
export function spansOf(pages: Page[], longest = 12): Span[] {
  const spans: Span[] = [];
  let rowNo = 0;
  for (const page of pages)
    for (const row of rowsOf(page)) {
      rowNo++;
      for (let i = 0; i < row.length; i++)
        for (let n = 1; n <= longest && i + n <= row.length; n++) {
          const words = row.slice(i, i + n);
          spans.push({
            page: page.number,
            row: rowNo,
            text: words.map((w) => w.text).join(' '),
            box: unionBox(words),
            confidence: Math.min(...words.map((w) => w.confidence)),
            words: n,
          });
        }
    }
  return spans;
}

/**
 * The amounts a printed number may be, most likely first: "1.500" is 1.5 or 1500, "1,500" is
 * 1500 or 1.5. A sign, brackets or a trailing minus make it negative; a currency beside it is
 * ignored. Empty when it is no number.
 */
export function amountReadings(printed: string): number[] {
  let t = printed.trim().replace(/[\s\u00a0\u202f'’]/g, '');
  let negative = false;
  if (/^\(.*\)$/.test(t)) [negative, t] = [true, t.slice(1, -1)];
  // A currency before it ("ETB", "Br.", "$") or after it goes; "INV-42" is no negative 42.
  const prefix = /^(?:[a-z]{1,4}\.?|[^\w\s\-+.,(])(?=[-+]?[\d.,])/i.exec(t)?.[0] ?? '';
  t = t.slice(prefix.length);
  if (prefix && /^[-+]/.test(t)) return [];
  t = t.replace(/(?<=\d)(?:[a-z]{1,4}\.?|[^\w\s\-+.,)])(-?)$/i, '$1');
  if (t.endsWith('-')) [negative, t] = [true, t.slice(0, -1)];
  if (/^[-+]/.test(t)) [negative, t] = [negative || t.startsWith('-'), t.slice(1)];
  const sign = negative ? -1 : 1;
  const values = separatorReadings(t).map((r) => sign * r.value);
  // A value given by a model is English: 1.500 is one and a half first, 1,500 fifteen hundred.
  return t.includes('.') && !t.includes(',') ? values.reverse() : values;
}

/** The dates a print may be, both day-month orders where both are dates (./numbers.ts). */
export { dateReadings };

export type ValueKind = 'amount' | 'quantity' | 'date' | 'code' | 'phone' | 'email' | 'text';

/** How alike a printed name must be to count as the value. */
const TEXT_ALIKE = 0.8;

interface Fit {
  span: Span;
  alike: number;
}

/** A document's spans, read once for every value looked up in it. */
export class DocumentIndex {
  private readonly spans: (Span & { norm: string; code: string; amounts: number[] })[];

  constructor(pages: Page[]) {
    this.spans = spansOf(pages).map((s) => ({
      ...s,
      norm: normaliseText(s.text),
      code: normaliseCode(s.text),
      // Read once: every figure of every line is looked for among them.
      amounts: s.words <= 3 ? amountReadings(s.text) : [],
    }));
  }

  /** The words mention it (a credit note says so). */
  mentions(word: RegExp): boolean {
    return this.spans.some((s) => s.words === 1 && word.test(s.text));
  }

  /**
   * Where `value` is printed, the best-fitting place, nearest `near` when several fit (a line's
   * figures on its own row); null when the words do not hold it. `digits`: an amount's minor
   * units, the value being in them.
   */
  find(
    kind: ValueKind,
    value: string | number,
    options: { digits?: number; near?: Evidence | null } = {},
  ): Evidence | null {
    const fits = this.fitting(kind, value, options.digits ?? 0);
    if (fits.length === 0) return null;
    const near = options.near;
    const distance = (s: Span) =>
      near ? (s.page === near.page ? Math.abs(s.box.y - near.box.y) : 1e9) : 0;
    // The tightest run that holds it ("1,621.50", not "ETB 1,621.50"); a phone, the fullest
    // ("+251 911 234 567", not its last three groups).
    const size = (s: Span) => (kind === 'phone' ? -s.words : s.words);
    const better = (b: Fit, a: Fit) =>
      b.alike - a.alike || distance(a.span) - distance(b.span) || size(a.span) - size(b.span);
    const best = fits.reduce((a, b) => (better(b, a) > 1e-9 ? b : a));
    return {
      page: best.span.page,
      box: best.span.box,
      confidence: Math.round(best.span.confidence * best.alike * 1000) / 1000,
      by: 'model',
    };
  }

  private fitting(kind: ValueKind, value: string | number, digits: number): Fit[] {
    const out: Fit[] = [];
    const exact = (test: (s: (typeof this.spans)[number]) => boolean, longest: number) => {
      for (const s of this.spans)
        if (s.words <= longest && test(s)) out.push({ span: s, alike: 1 });
    };
    if (kind === 'amount' || kind === 'quantity') {
      const scale = 10 ** (kind === 'amount' ? digits : 0);
      const wanted = Number(value);
      // "1 234,56" may be one number in two or three words.
      exact((s) => s.amounts.some((n) => Math.round(n * scale) === wanted), 3);
      return out;
    }
    const text = String(value);
    if (kind === 'date') exact((s) => dateReadings(s.text).includes(text), 4);
    else if (kind === 'phone') {
      const phone = normalisePhone(text);
      const phoneish = (s: Span) => s.text.split(' ').every((w) => /^[+\d()\-./]+$/.test(w));
      if (phone) exact((s) => phoneish(s) && normalisePhone(s.text) === phone, 6);
    } else if (kind === 'email') {
      const email = text.trim().toLowerCase();
      exact((s) => s.text.toLowerCase().includes(email), 1);
    } else if (kind === 'code') {
      const code = normaliseCode(text);
      if (!code) return out;
      // A label may be glued on ("TIN:0012345678", "No.INV-7").
      exact((s) => s.code === code || (s.words === 1 && labelled(s.code, code)), 5);
    } else {
      const norm = normaliseText(text);
      const count = norm.split(' ').length;
      for (const s of this.spans) {
        if (Math.abs(s.words - count) > 2) continue;
        const alike = s.norm === norm ? 1 : similarity(s.norm, norm);
        if (alike >= TEXT_ALIKE) out.push({ span: s, alike });
      }
    }
    return out;
  }
}

const labelled = (printed: string, code: string) =>
  code.length >= 4 && printed.endsWith(code) && /^[A-Z]+$/.test(printed.slice(0, -code.length));
