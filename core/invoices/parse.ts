// Reads a supplier invoice from its positioned words by layout rules alone (decision 0033): rows
// rebuilt from the boxes, header fields found by their labels, the line table by its header or by
// rows whose numbers multiply out (quantity × price = amount). No template per supplier: the rules
// must hold on layouts never seen. Every value carries the box it came from and how sure the rule
// was, so the review screen can highlight it and a clerk can judge it.
import type { Box, Evidence, Page, Read, ReadInvoice, ReadLine, Word } from './document';
import { currencyOf, parseAmount, parseDate, parseQuantity } from './numbers';
import type { ParsedAmount, ParsedNumber } from './numbers';

export interface ParseOptions {
  /** Item codes the shop knows: a first-column word among them is a code whatever it looks like. */
  knownCodes?: ReadonlySet<string>;
  /** YYYY-MM-DD: an ambiguous d/m date that would be in the future is read the other way. */
  today?: string;
}

// ---- Rows and tokens ----------------------------------------------------------------------

/** A word as the rules see it (or two words of one number, "1 234,50"). */
interface Tok {
  text: string;
  /** Lower case, without the colon or brackets around it: what labels are matched on. */
  norm: string;
  box: Box;
  conf: number;
}

interface Row {
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

/** A gap wider than this many word heights separates two cells of a row. */
const CELL_GAP = 1.0;

const right = (b: Box) => b.x + b.w;
const xOf = (t: Tok | undefined) => t?.box.x ?? 0;
/** The white space before word i (0 for the first word). */
const gapBefore = (toks: readonly Tok[], i: number) => {
  const a = toks[i - 1];
  const b = toks[i];
  return a && b ? b.box.x - right(a.box) : 0;
};
const bottomOf = (b: Box) => b.y + b.h;

function unionBox(boxes: readonly Box[]): Box {
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

function median(values: number[]): number {
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

/**
 * How far the page's lines climb or fall per unit of x (a photo straightened not quite level):
 * the median slope between each word and its nearest neighbour to the right on the same line.
 */
function slopeOf(words: readonly Word[]): number {
  const slopes: number[] = [];
  const byX = [...words].sort((a, b) => a.x - b.x);
  byX.forEach((w, i) => {
    const cy = w.y + w.h / 2;
    for (const v of byX.slice(i + 1)) {
      const gap = v.x - right(w);
      if (gap > 2 * w.h) break;
      const vy = v.y + v.h / 2;
      if (gap < -0.2 * w.h || Math.abs(vy - cy) > 0.5 * Math.min(w.h, v.h)) continue;
      if (Math.abs(v.h - w.h) > 0.3 * w.h) continue;
      const dx = v.x + v.w / 2 - (w.x + w.w / 2);
      if (dx > 0) slopes.push((vy - cy) / dx);
      break;
    }
  });
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
function buildRows(page: Page): Row[] {
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
function cellsOf(row: Row, from = 0, to = row.toks.length): [number, number][] {
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
function matchWords(
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

// ---- Labels ----------------------------------------------------------------------------------

type LabelKind =
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

interface Label {
  kind: LabelKind;
  /** Token indices [start, end). */
  start: number;
  end: number;
  /** A standalone "No." or "Date": weaker than "Invoice No." or "Invoice date". */
  weak: boolean;
}

const NO = String.raw`(?:no\.?|number|num\.?|#|nr\.?|n°|nº|no\.#|no#)`;
/** Wordings per field, matched on a row's normalized words joined by single spaces. */
const LABELS: readonly (readonly [LabelKind, string, boolean?])[] = [
  [
    'number',
    String.raw`(?:tax |commercial |proforma |sales )?(?:invoice|inv\.?|bill|bil|credit note|credit memo|document|doc\.?|receipt|fs|fiscal|cn) ?${NO}`,
  ],
  ['number', String.raw`no\.?|number|#|n°|nº`, true],
  [
    'date',
    String.raw`(?:invoice|issue|document|tax point|billing|bill|inv\.?) date|date of (?:issue|invoice)|date issued|issued(?: on)?|dated`,
  ],
  ['date', String.raw`date`, true],
  [
    'taxId',
    String.raw`(?:supplier |seller |our )?(?:tin(?: ${NO})?|tin#|vat ${NO}|vat reg\.?(?:istration)?(?: ${NO})?|vat id|tax (?:id|1d|ld)(?:entification)?(?: ${NO})?|tax reg\.?(?:istration)?(?: ${NO})?|tax identification number|vat registration number)`,
  ],
  [
    'order',
    String.raw`p\.?o\.?(?: ${NO}| ref\.?| reference)?|purchase order(?: ${NO}| ref\.?| reference)?|your order(?: ${NO}| ref\.?| reference)?|order (?:ref\.?|reference|${NO})|your ref(?:erence)?\.?|customer order(?: ${NO})?|l\.?p\.?o\.?(?: ${NO})?`,
  ],
  [
    'subtotal',
    String.raw`sub ?-?total|sub-total|net amount|net total|total net|(?:total|amount) (?:excl\.?|excluding|exclusive of|before|without|w/o|net of) ?(?:vat|tax)?|taxable(?: amount| total)?|txbl|total before (?:vat|tax)`,
  ],
  [
    'tax',
    String.raw`(?:total |add |plus )?(?:vat|tax|gst|sales tax|vat amount|tax amount|value added tax)(?: @)?(?: \d+(?:[.,]\d+)? ?%| \d+(?:[.,]\d+)? %)?|vat@\d+(?:[.,]\d+)?%|vat\d+%`,
  ],
  ['total', String.raw`total(?: amount| value| sum)?|invoice total|total \(?[a-z]{3}\)?|sum total`],
  [
    'grandTotal',
    String.raw`grand total|amount due|total due|amount payable|total payable|balance due|net payable|amount to pay|to pay|total to pay|total (?:incl\.?|including|inclusive of|inc\.?|with) ?(?:vat|tax)?|total amount due|total invoice amount|credit total|total credit`,
  ],
  [
    'buyer',
    String.raw`bill to|billed to|ship to|shipped to|sold to|deliver to|delivered to|delivery address|invoice to|invoiced to|customer(?: name)?|buyer|client|consignee|to:|purchaser`,
  ],
  ['supplier', String.raw`from|supplier(?: name)?|seller|vendor|issued by|sold by`, true],
  [
    'phone',
    String.raw`tel\.?|telephone|phone(?: ${NO})?|mobile|mob\.?|cell|ph\.?|tel/fax|phone/fax`,
  ],
  ['email', String.raw`e-?mail(?: address)?`],
  [
    'bank',
    String.raw`bank(?: name| details| account)?|account(?: name| ${NO})?|a/c(?: ${NO})?|acc\.? ${NO}|iban|swift|bic|sort code|routing(?: ${NO})?`,
  ],
  [
    'other',
    String.raw`due date|date due|due on|payment due|delivery date|order date|ship date|supply date|valid until|terms|payment terms|page|address|website|web|fax|p\.?o\.? box|box|line total|total qty|total quantity|total items|total weight|total discount|discount|items|notes?|remarks|signature|prepared by|received by|approved by|checked by|amount in words|cashier|currency|exchange rate|payment method|mode of payment`,
  ],
];
const LABEL_RES = LABELS.map(([kind, src, weak]) => ({
  kind,
  weak: weak ?? false,
  re: new RegExp(`(?:${src})(?= |$)`, 'y'),
}));
const LABEL_PATTERNS = LABEL_RES.map((l) => l.re);
const TAX_NOT_BEFORE = new Set([
  'incl',
  'incl.',
  'including',
  'excl',
  'excl.',
  'excluding',
  'inc',
  'inc.',
  'before',
  'without',
  'with',
  'customer',
  'buyer',
  'client',
]);
const TAX_NOT_AFTER =
  /^(?:no\.?|number|#|reg\.?|registration|id|identification|invoice|incl\.?|inclusive|excl\.?|exclusive|point|date)$/;
const BUYER_WORDS = new Set([
  'customer',
  "customer's",
  'buyer',
  "buyer's",
  'client',
  "client's",
  'your',
  'purchaser',
]);

function matchLabels(row: Row): Label[] {
  const norms = row.toks.map((t) => t.norm);
  const cellStarts = new Set(cellsOf(row).map(([s]) => s));
  const found: (Label & { order: number })[] = [];
  for (const { start, end, order } of matchWords(row, LABEL_PATTERNS)) {
    {
      const pattern = LABEL_RES[order];
      if (!pattern) continue;
      const { kind, weak } = pattern;
      const before = norms[start - 1];
      const after = norms[end];
      let k = kind;
      if (weak && !cellStarts.has(start)) continue;
      if (
        k === 'tax' &&
        ((before && TAX_NOT_BEFORE.has(before)) || (after && TAX_NOT_AFTER.test(after)))
      )
        continue;
      if ((k === 'taxId' || k === 'phone' || k === 'email') && before && BUYER_WORDS.has(before))
        k = 'other';
      if (k === 'order' && after === 'box') continue;
      found.push({ kind: k, start, end, weak, order });
    }
  }
  found.sort(
    (a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || a.order - b.order,
  );
  const taken: Label[] = [];
  for (const f of found)
    if (!taken.some((t) => f.start < t.end && t.start < f.end))
      taken.push({ kind: f.kind, start: f.start, end: f.end, weak: f.weak });
  return taken.sort((a, b) => a.start - b.start);
}

const isFooter = (row: Row) =>
  /\bpage \d+(?: ?(?:of|\/) ?\d+)?\b|\bcontinued\b|\bcont'?d\b|\b(?:carried|brought) (?:forward|fwd)\b|\bc\/f\b|\bb\/f\b/.test(
    row.toks.map((t) => t.norm).join(' '),
  );

// ---- Evidence ----------------------------------------------------------------------------------

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

function read<T>(value: T, page: number, toks: readonly Tok[], sure: number): Read<T> {
  return { value, at: evidence(page, toks, sure) };
}

const ocrSure = (n: { ocrFixed: boolean }) => (n.ocrFixed ? 0.8 : 1);
/** Words in reading order: right to left when every word is Arabic or Hebrew. */
const joinText = (toks: readonly Tok[]) =>
  (toks.length > 1 && toks.every((t) => RTL.test(t.text)) ? [...toks].reverse() : toks)
    .map((t) => t.text)
    .join(' ');
const hasLetters = (s: string) => /\p{L}{2,}/u.test(s);
const RTL = /[\u0590-\u08ff]/;
const isNumeric = (t: Tok) => parseAmount(t.text) !== null;

// ---- The line table ------------------------------------------------------------------------

type Cat = 'qty' | 'price' | 'amount' | 'code' | 'desc' | 'num' | 'other';
const COLUMN_RES: readonly (readonly [Cat, RegExp])[] = (
  [
    [
      'price',
      String.raw`unit price|price|rate|unit cost|unit rate|price/unit|u/price|u\.price|each|cost|price each|unit price excl\.?(?: vat)?`,
    ],
    ['qty', String.raw`qty\.?|quantity|qnty|units|unit qty|no\.? of units|pcs|nos|qty/units`],
    [
      'amount',
      String.raw`amount|total|line total|total price|ext\.? price|extended|extension|net amount|value|sum|total amount|line amount|net`,
    ],
    [
      'code',
      String.raw`code|item code|item no\.?|item #|sku|ref\.?|reference|part no\.?|part number|part #|article|art\.? no\.?|product code|item|product id|item id`,
    ],
    [
      'desc',
      String.raw`description|item description|product|details|particulars|goods|services?|product description|name|item name|product name|goods description|designation|description of goods`,
    ],
    ['num', String.raw`#|no\.?|s\.? ?no\.?|sn|line|ln|sr\.?|s/n|sl\.? ?no\.?`],
    ['other', String.raw`unit|uom|u/m|vat|tax|discount|disc\.?|disc %|vat %|tax %|[a-z]{3}`],
  ] as const
).map(([cat, src]) => [cat, new RegExp(`(?:${src})(?= |$)`, 'y')] as const);

interface Column {
  cat: Cat;
  left: number;
  right: number;
  /** The header's word was "Item": a code beside a Description column, else the description. */
  item: boolean;
}

/** The row's columns when it is a table header: amount, quantity or price, and some text column. */
function headerColumns(row: Row): Column[] | null {
  // A header names columns; a figure in it (but a rate, "VAT 15%") makes it a line.
  if (row.toks.some((t) => /\d/.test(t.text) && !/^\(?\d+(?:[.,]\d+)?%\)?$/.test(t.text)))
    return null;
  const norms = row.toks.map((t) => t.norm);
  const found = matchWords(
    row,
    COLUMN_RES.map(([, re]) => re),
  ).map((f) => ({ ...f, cat: COLUMN_RES[f.order]?.[0] ?? 'other' }));
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || a.order - b.order);
  const taken: typeof found = [];
  for (const f of found) if (!taken.some((t) => f.start < t.end && t.start < f.end)) taken.push(f);
  const cats = new Set(taken.map((t) => t.cat));
  const covered = taken.reduce((n, t) => n + t.end - t.start, 0);
  if (!cats.has('amount') || !(cats.has('qty') || cats.has('price'))) return null;
  if (!cats.has('desc') && !cats.has('code')) return null;
  if (taken.filter((t) => t.cat !== 'other').length < 3 || covered < 0.6 * row.toks.length)
    return null;
  taken.sort((a, b) => a.start - b.start);
  const columns: Column[] = taken.map((t, i) => {
    const next = taken[i + 1]?.start ?? row.toks.length;
    let end = t.end;
    // "Price (ETB)": a word no column claims belongs to the column before it in the same cell.
    while (end < next && gapBefore(row.toks, end) <= CELL_GAP * row.h) end++;
    const toks = row.toks.slice(t.start, end);
    return {
      cat: t.cat,
      left: Math.min(...toks.map((k) => k.box.x)),
      right: Math.max(...toks.map((k) => right(k.box))),
      item: norms[t.start] === 'item' && t.end - t.start === 1,
    };
  });
  if (!cats.has('desc')) for (const c of columns) if (c.item) c.cat = 'desc';
  // Two amount-like columns ("Amount", "Total" after a VAT column): the rightmost is the line's.
  const amounts = columns.filter((c) => c.cat === 'amount');
  for (const c of amounts.slice(0, -1)) c.cat = 'other';
  for (const cat of ['qty', 'price', 'desc', 'code'] as const)
    for (const c of columns.filter((k) => k.cat === cat).slice(1)) c.cat = 'other';
  return columns;
}

/** The column a word of a table row falls in, by overlap with the header's words. */
function columnOf(tok: Tok, columns: readonly Column[], h: number): Column | null {
  let best: Column | null = null;
  let bestOverlap = 0;
  for (const c of columns) {
    const overlap =
      Math.min(right(tok.box), c.right + 0.5 * h) - Math.max(tok.box.x, c.left - 0.5 * h);
    if (overlap > bestOverlap) {
      bestOverlap = overlap;
      best = c;
    }
  }
  if (best) return best;
  // Text is printed left-aligned: a text column reaches right up to the next column's start.
  const sorted = [...columns].sort((a, b) => a.left - b.left);
  if (!currencyOf(tok.text))
    for (const [i, c] of sorted.entries()) {
      const next = sorted[i + 1]?.left ?? Infinity;
      const text = c.cat === 'desc' || c.cat === 'code';
      if (text && tok.box.x >= c.left - 0.5 * h && tok.box.x < next) return c;
    }
  // Figures are printed right-aligned: the nearest figure column by its edges.
  let nearest: Column | null = null;
  let dist = Infinity;
  for (const c of columns) {
    if (c.cat === 'desc' || c.cat === 'code') continue;
    const d = Math.max(c.left - right(tok.box), tok.box.x - c.right, 0);
    if (d < dist) {
      dist = d;
      nearest = c;
    }
  }
  // A figure far from every column (a quantity whose header OCR lost) belongs to none.
  return dist < 4 * h ? nearest : null;
}

interface Triple {
  q: { tok: Tok; n: ParsedNumber };
  p: { tok: Tok; n: ParsedAmount };
  a: { tok: Tok; n: ParsedAmount };
}

/** Signs aside: a credit note prints "(100.00)" beside a price of 25.00. */
const multipliesOut = (q: number, p: ParsedAmount, a: ParsedAmount) =>
  a.minor !== 0 && q > 0 && Math.abs(Math.abs(q * p.value * 100) - Math.abs(a.minor)) <= 1.0001;

/** The quantity, price and amount among a row's numbers: the triple that multiplies out. */
function findTriple(toks: readonly Tok[]): Triple | null {
  const nums = toks.flatMap((tok) => {
    const a = parseAmount(tok.text);
    return a ? [{ tok, a, q: parseQuantity(tok.text) }] : [];
  });
  let best: Triple | null = null;
  let bestScore = -Infinity;
  nums.forEach((a, ai) =>
    nums.forEach((p, pi) =>
      nums.forEach((q, qi) => {
        if (ai === pi || ai === qi || pi === qi) return;
        if (!q.q || !multipliesOut(q.q.value, p.a, a.a)) return;
        // The amount is usually last, the price before it; a quantity has no decimals.
        const score =
          (ai === nums.length - 1 ? 4 : 0) +
          (pi < ai ? 1 : 0) +
          (q.q.decimals === 0 ? 1 : 0) +
          (p.a.decimals === 2 ? 1 : 0) +
          (a.a.decimals === 2 ? 1 : 0) -
          (Math.abs(ai - pi) + Math.abs(pi - qi)) * 0.1;
        if (score > bestScore) {
          bestScore = score;
          best = {
            q: { tok: q.tok, n: q.q },
            p: { tok: p.tok, n: p.a },
            a: { tok: a.tok, n: a.a },
          };
        }
      }),
    ),
  );
  return best;
}

/** An item code printed before a description: capitals with digits or dashes ("CTN-3P", "A42"). */
function looksLikeCode(text: string, knownCodes: ReadonlySet<string> | undefined): boolean {
  if (knownCodes?.has(text)) return true;
  return (
    /^(?=.*\d)(?=.*[A-Z])[A-Z0-9][A-Z0-9\-_./]*$/.test(text) ||
    /^[A-Z0-9]+(?:-[A-Z0-9]+)+$/.test(text)
  );
}

interface LineDraft {
  line: ReadLine;
  row: Row;
  descToks: Tok[];
  /** Where the description starts: a wrapped row below must start near it. */
  descX: number;
  /** The row's own words hold no description (a receipt prints it on the row above). */
  needsDesc: boolean;
}

type Figure = { toks: Tok[]; v: number; sure: number };
const digitsOf = (s: string) => s.replace(/\D/g, '').replace(/^0+/, '');

/**
 * Quantity, price and amount from the words of their cells. When they do not multiply out, one
 * was misread, and the other two tell which: an amount or price whose digits are those of the
 * product or quotient lost or gained a separator; a whole amount ÷ price is a quantity OCR
 * dropped a digit of. A repaired figure is read less surely; null when nothing fits.
 */
function figures(
  qToks: readonly Tok[],
  pToks: readonly Tok[],
  aToks: readonly Tok[],
): { figs: [Figure, Figure, Figure]; exact: boolean } | null {
  const cq = lastOf(qToks, parseQuantity);
  const cp = lastOf(pToks, parseAmount);
  const ca = lastOf(aToks, parseAmount);
  const pRaw = pToks[pToks.length - 1];
  const aRaw = aToks[aToks.length - 1];
  const fig = (tok: Tok, v: number, sure: number): Figure => ({ toks: [tok], v, sure });
  if (cq && cp && ca && multipliesOut(cq.n.value, cp.n, ca.n)) {
    const figs: [Figure, Figure, Figure] = [
      fig(cq.tok, cq.n.value, 0.97 * ocrSure(cq.n)),
      fig(cp.tok, cp.n.minor, 0.97 * ocrSure(cp.n)),
      fig(ca.tok, ca.n.minor, 0.97 * ocrSure(ca.n)),
    ];
    return { figs, exact: true };
  }
  if (cq && cp) {
    const product = Math.round(cq.n.value * cp.n.value * 100);
    if (aRaw && digitsOf(aRaw.text) === digitsOf(String(product)))
      return {
        figs: [fig(cq.tok, cq.n.value, 0.7), fig(cp.tok, cp.n.minor, 0.7), fig(aRaw, product, 0.5)],
        exact: false,
      };
  }
  if (cq && ca && cq.n.value > 0) {
    const price = ca.n.minor / cq.n.value;
    if (Number.isInteger(price) && pRaw && digitsOf(pRaw.text) === digitsOf(String(price)))
      return {
        figs: [fig(cq.tok, cq.n.value, 0.7), fig(pRaw, price, 0.5), fig(ca.tok, ca.n.minor, 0.7)],
        exact: false,
      };
  }
  if (cp && ca && cp.n.minor > 0) {
    const quantity = ca.n.minor / cp.n.minor;
    if (Number.isInteger(quantity) && quantity > 0)
      return {
        figs: [
          fig(cq?.tok ?? ca.tok, quantity, 0.5),
          fig(cp.tok, cp.n.minor, 0.7),
          fig(ca.tok, ca.n.minor, 0.7),
        ],
        exact: false,
      };
  }
  if (cq && cp && ca)
    return {
      figs: [
        fig(cq.tok, cq.n.value, 0.5),
        fig(cp.tok, cp.n.minor, 0.5),
        fig(ca.tok, ca.n.minor, 0.5),
      ],
      exact: false,
    };
  if (cq && cp && !ca)
    return {
      figs: [
        fig(cq.tok, cq.n.value, 0.6),
        fig(cp.tok, cp.n.minor, 0.6),
        fig(aRaw ?? cp.tok, Math.round(cq.n.value * cp.n.value * 100), 0.3),
      ],
      exact: false,
    };
  if (cq && ca)
    return {
      figs: [
        fig(cq.tok, cq.n.value, 0.6),
        fig(ca.tok, Math.round(ca.n.minor / (cq.n.value || 1)), 0.3),
        fig(ca.tok, ca.n.minor, 0.6),
      ],
      exact: false,
    };
  return null;
}

/** "55 x 0.92 *50.60": the words before and after a times sign, and the row's last figure. */
function timesPattern(row: Row): { q: Tok[]; p: Tok[]; a: Tok[] } | null {
  const last = row.toks[row.toks.length - 1];
  if (!last) return null;
  const i = row.toks.findIndex((t) => /^[x×X@]$/.test(t.text));
  const q = row.toks[i - 1];
  const p = row.toks[i + 1];
  // The row starts with the quantity, or ends with a figure: "Pallet 1200 x 800" is a size.
  const figured = /\d/.test(last.text) && p !== last;
  if (i >= 1 && q && p && parseQuantity(q.text) && /\d/.test(p.text) && (figured || i === 1))
    return { q: [q], p: [p], a: p !== last ? [last] : [] };
  if (!/\d/.test(last.text)) return null;
  // "137x417 *571.29": the price lost its point, so the sign was not split from it.
  const joined = row.toks.find((t) => t !== last && /^\d+[x×X]\d[\d.,]*$/.test(t.text));
  if (!joined || !parseAmount(last.text)) return null;
  const [qt = '', pt = ''] = joined.text.split(/[x×X]/);
  const per = joined.box.w / joined.text.length;
  const part = (text: string, at: number): Tok => ({
    ...joined,
    text,
    norm: text,
    box: { ...joined.box, x: joined.box.x + per * at, w: per * text.length },
  });
  return { q: [part(qt, 0)], p: [part(pt, qt.length + 1)], a: [last] };
}

/** A code as OCR may have framed it: "(COC-25" is COC-25; "$G-50" is SG-50. */
const cleanCode = (text: string) => {
  const bare = text.replace(/^[([{|]+|[)\]}|.,:;]+$/g, '');
  return /^[$A-Z0-9\-_./]+$/.test(bare) ? bare.replace(/\$/g, 'S') : bare;
};

/** The last word of a cell that parses, with what it parsed to. */
function lastOf<N>(
  toks: readonly Tok[],
  parse: (s: string) => N | null,
): { tok: Tok; n: N } | null {
  for (const tok of [...toks].reverse()) {
    const n = parse(tok.text);
    if (n) return { tok, n };
  }
  return null;
}

function draftFrom(
  row: Row,
  triple: Triple | null,
  cols: { q: Tok[]; p: Tok[]; a: Tok[]; desc: Tok[]; code: Tok[] } | null,
  options: ParseOptions,
  above: Row | null,
): LineDraft | null {
  let q: { toks: Tok[]; v: number; sure: number } | null = null;
  let p: { toks: Tok[]; v: number; sure: number } | null = null;
  let a: { toks: Tok[]; v: number; sure: number } | null = null;
  const fromCols = cols ? figures(cols.q, cols.p, cols.a) : null;
  const times = cols || triple ? null : timesPattern(row);
  const fromTimes = times ? figures(times.q, times.p, times.a) : null;
  if (fromCols?.exact || !triple) {
    const chosen = fromCols ?? fromTimes;
    if (chosen) [q, p, a] = chosen.figs;
  } else {
    q = { toks: [triple.q.tok], v: triple.q.n.value, sure: 0.97 * ocrSure(triple.q.n) };
    p = { toks: [triple.p.tok], v: triple.p.n.minor, sure: 0.97 * ocrSure(triple.p.n) };
    a = { toks: [triple.a.tok], v: triple.a.n.minor, sure: 0.97 * ocrSure(triple.a.n) };
  }
  if (!q || !p || !a) return null;
  const used = new Set([...q.toks, ...p.toks, ...a.toks]);
  let descToks: Tok[];
  let codeToks: Tok[] = [];
  if (cols && (cols.desc.length || cols.code.length)) {
    descToks = cols.desc.filter((t) => !used.has(t) && !currencyOf(t.text));
    codeToks = cols.code.filter((t) => !used.has(t));
  } else {
    const firstUsed = Math.min(...[...used].map((t) => row.toks.indexOf(t)));
    descToks = row.toks.filter(
      (t, i) =>
        !used.has(t) &&
        !currencyOf(t.text) &&
        !(isNumeric(t) && (i > firstUsed || i === 0)) &&
        !(cols && [...cols.q, ...cols.p, ...cols.a].includes(t)),
    );
  }
  const needsDesc = !descToks.some((t) => hasLetters(t.text));
  let descPage = row.page;
  if (needsDesc && above) {
    descToks = above.toks.filter((t) => !currencyOf(t.text));
    descPage = above.page;
  }
  // A code is guessed from the first word only where no header says which column holds codes.
  const guess = !cols || (options.knownCodes?.has(descToks[0]?.text ?? '') ?? false);
  const [first, ...rest] = descToks;
  if (
    guess &&
    !codeToks.length &&
    first &&
    rest.length &&
    looksLikeCode(first.text, options.knownCodes)
  ) {
    codeToks = [first];
    descToks = rest;
  }
  const descRead = descToks.length
    ? read(joinText(descToks), descPage, descToks, needsDesc ? 0.8 : 0.9)
    : read('', row.page, a.toks, 0.2);
  return {
    row,
    descToks,
    needsDesc,
    descX: descToks[0]?.box.x ?? xOf(row.toks[0]),
    line: {
      code: codeToks.length ? read(cleanCode(joinText(codeToks)), descPage, codeToks, 0.9) : null,
      description: descRead,
      quantity: read(q.v, row.page, q.toks, q.sure),
      unitPrice: read(p.v, row.page, p.toks, p.sure),
      amount: read(a.v, row.page, a.toks, a.sure),
    },
  };
}

const STOP_KINDS: ReadonlySet<LabelKind> = new Set(['subtotal', 'tax', 'total', 'grandTotal']);
const FIELD_KINDS: ReadonlySet<LabelKind> = new Set([
  'bank',
  'number',
  'date',
  'taxId',
  'order',
  'phone',
  'email',
  'buyer',
  'subtotal',
  'tax',
  'total',
  'grandTotal',
]);

/** Labels a description row above a line cannot hold ("Date coding ink" may). */
const DESCRIBING_KINDS: ReadonlySet<LabelKind> = new Set([
  'number',
  'date',
  'taxId',
  'order',
  'buyer',
  'subtotal',
  'tax',
  'total',
  'grandTotal',
]);

/** A row directly below a line, with text where the description is and no figures: its second line. */
function wraps(draft: LineDraft, row: Row, columns: readonly Column[] | null): boolean {
  // Where descriptions sit above their figures, words below a line begin the next one.
  if (draft.needsDesc) return false;
  if (draft.row.page !== row.page || row.top - draft.row.bottom > 1.2 * draft.row.h) return false;
  if (row.labels.some((l) => FIELD_KINDS.has(l.kind)) || isFooter(row)) return false;
  if (columns) {
    return row.toks.every((t) => {
      const c = columnOf(t, columns, row.h);
      return c !== null && (c.cat === 'desc' || (c.cat === 'code' && !isNumeric(t)));
    });
  }
  return !row.toks.some(isNumeric) && Math.abs(xOf(row.toks[0]) - draft.descX) < 2 * row.h;
}

function joinWrapped(draft: LineDraft, row: Row) {
  draft.descToks = [...draft.descToks, ...row.toks];
  draft.line.description = read(joinText(draft.descToks), row.page, draft.descToks, 0.85);
  draft.row = { ...draft.row, bottom: row.bottom };
  row.inTable = true;
}

/** The invoice's lines, in reading order across pages; the rows they took are marked inTable. */
function readLines(pages: readonly Row[][], options: ParseOptions): ReadLine[] {
  const drafts: LineDraft[] = [];
  const anyHeader = pages.some((rows) => rows.some((r) => headerColumns(r)));
  let columns: Column[] | null = null;
  let open = false;
  const draftOf = (row: Row | undefined, above: Row | null): LineDraft | null => {
    if (!row || row.inTable || isFooter(row)) return null;
    if (!(columns && anyHeader)) {
      // A row that starts with a label is a field ("Deposit held 2,000.00"); a label word inside
      // a description ("Baking powder 1kg tin") is not.
      if (row.labels.some((l) => FIELD_KINDS.has(l.kind) && !l.weak && l.start === 0)) return null;
      return draftFrom(row, findTriple(row.toks), null, options, above);
    }
    const cols = {
      q: [] as Tok[],
      p: [] as Tok[],
      a: [] as Tok[],
      desc: [] as Tok[],
      code: [] as Tok[],
    };
    const loose: Tok[] = [];
    for (const t of row.toks) {
      const cat = columnOf(t, columns, row.h)?.cat;
      if (cat === undefined) loose.push(t);
      if (cat === 'qty') cols.q.push(t);
      else if (cat === 'price') cols.p.push(t);
      else if (cat === 'amount') cols.a.push(t);
      else if (cat === 'desc') cols.desc.push(t);
      else if (cat === 'code') cols.code.push(t);
    }
    // No quantity header (OCR lost it): a whole number outside every column is the quantity.
    if (!cols.q.length && !columns.some((c) => c.cat === 'qty'))
      cols.q.push(...loose.filter((t) => parseQuantity(t.text)?.decimals === 0));
    return draftFrom(row, findTriple(row.toks), cols, options, above);
  };
  /** A row of words only, directly above a line that has no description of its own. */
  const describes = (row: Row | undefined, line: Row): row is Row =>
    row !== undefined &&
    !row.inTable &&
    row.page === line.page &&
    line.top - row.bottom < 1.2 * line.h &&
    row.toks.some((t) => hasLetters(t.text)) &&
    !row.labels.some((l) => !l.weak && l.start === 0 && DESCRIBING_KINDS.has(l.kind)) &&
    !isFooter(row) &&
    headerColumns(row) === null;
  for (const rows of pages) {
    const headerAt = rows.findIndex((r) => headerColumns(r) !== null);
    const header = rows[headerAt];
    let from = 0;
    if (header) {
      columns = headerColumns(header);
      header.inTable = true;
      from = headerAt + 1;
      open = true;
    } else if (anyHeader && !open) continue;
    let last: LineDraft | null = null;
    for (const [i, row] of rows.entries()) {
      if (i < from || row.inTable) continue;
      // The totals end the table; a line whose description says "Total" does not.
      if (anyHeader && row.labels.some((l) => STOP_KINDS.has(l.kind)) && !findTriple(row.toks)) {
        open = false;
        break;
      }
      if (isFooter(row)) continue;
      if (headerColumns(row)) {
        row.inTable = true;
        continue;
      }
      let draft = draftOf(row, null);
      if (draft?.needsDesc) {
        const above = rows[i - 1];
        if (describes(above, row)) {
          draft = draftOf(row, above);
          above.inTable = true;
        } else if (!(columns && anyHeader)) draft = null;
      }
      if (!draft && last && wraps(last, row, anyHeader ? columns : null)) {
        // A row of words before a line without a description is that line's, not a wrap.
        const next = rows[i + 1];
        const nextDraft = next && describes(row, next) ? draftOf(next, null) : null;
        if (!nextDraft?.needsDesc) {
          joinWrapped(last, row);
          continue;
        }
      }
      if (draft) {
        row.inTable = true;
        drafts.push(draft);
        last = draft;
      } else if (row.toks.some(isNumeric)) last = null;
    }
  }
  return drafts.map((d) => d.line);
}

// ---- Header fields ---------------------------------------------------------------------------

interface Candidate {
  kind: LabelKind;
  weak: boolean;
  page: number;
  toks: Tok[];
  /** Same row: 1; the row below: a little less sure. */
  sure: number;
  /** Reading order, for "the first one". */
  order: number;
}

const PUNCT = /^[:#\-–—|=.]+$/;

/** The words a label's value is in: after it on its row (up to the next label), else below it. */
function valueOf(
  rows: readonly Row[],
  ri: number,
  li: number,
): { toks: Tok[]; below: boolean } | null {
  const row = rows[ri];
  const label = row?.labels[li];
  if (!row || !label) return null;
  const end = row.labels[li + 1]?.start ?? row.toks.length;
  let start = label.end;
  while (start < end && PUNCT.test(row.toks[start]?.text ?? '')) start++;
  if (start < end) return { toks: row.toks.slice(start, end), below: false };
  const labelBox = unionBox(row.toks.slice(label.start, label.end).map((t) => t.box));
  const nextLabel = row.labels[li + 1];
  const limit = nextLabel ? xOf(row.toks[nextLabel.start]) : Infinity;
  for (const below of rows.slice(ri + 1)) {
    if (below.top - row.bottom > 2.5 * row.h) return null;
    if (below.top < row.bottom - 0.3 * row.h) continue;
    let best: [number, number] | null = null;
    let bestOverlap = 0;
    for (const [s, e] of cellsOf(below)) {
      const cell = unionBox(below.toks.slice(s, e).map((t) => t.box));
      const l = cell.x;
      const overlap =
        Math.min(right(cell), right(labelBox) + row.h) - Math.max(l, labelBox.x - row.h);
      if (overlap > bestOverlap && l < limit) {
        bestOverlap = overlap;
        best = [s, e];
      }
    }
    if (!best) continue;
    if (below.inTable) return null;
    const inner = below.labels.find((l) => l.start < best[1] && l.end > best[0]);
    if (inner && inner.start <= best[0]) return null;
    const stop = inner ? inner.start : best[1];
    return { toks: below.toks.slice(best[0], stop), below: true };
  }
  return null;
}

function firstCell(toks: Tok[], h: number): Tok[] {
  let i = 1;
  while (i < toks.length && gapBefore(toks, i) <= CELL_GAP * h) i++;
  return toks.slice(0, i);
}

function dateIn(toks: readonly Tok[], today: string | undefined) {
  for (let s = 0; s < toks.length; s++)
    for (let n = Math.min(4, toks.length - s); n >= 1; n--) {
      const span = toks.slice(s, s + n);
      const d = parseDate(joinText(span), { today });
      if (d) return { d, toks: span };
    }
  return null;
}

/** Words under a "Bill to" / "Customer" label: the buyer's block, whose name, TIN and phone are not the supplier's. */
function buyerWords(rows: readonly Row[], pageWidth: number): Set<Tok> {
  const words = new Set<Tok>();
  rows.forEach((row, ri) => {
    row.labels.forEach((label, li) => {
      if (label.kind !== 'buyer') return;
      const left = xOf(row.toks[label.start]) - row.h;
      const next = row.labels
        .slice(li + 1)
        .find(
          (l) =>
            l.kind !== 'buyer' && l.kind !== 'taxId' && l.kind !== 'phone' && l.kind !== 'email',
        );
      const rightEdge = next ? xOf(row.toks[next.start]) : left + 0.45 * pageWidth;
      for (const t of row.toks.slice(label.start)) if (t.box.x < rightEdge) words.add(t);
      let prevBottom = row.bottom;
      for (const r of rows.slice(ri + 1, ri + 8)) {
        if (r.top - prevBottom > 1.8 * row.h || r.inTable) break;
        let any = false;
        for (const t of r.toks) {
          const cx = t.box.x + t.box.w / 2;
          if (cx >= left && cx < rightEdge) {
            words.add(t);
            any = true;
          }
        }
        // A row beside the block (the totals box of another column) does not end it.
        if (any) prevBottom = r.bottom;
      }
    });
  });
  return words;
}

const TITLE =
  /^(?:(?:tax|sales|commercial|proforma|pro-forma|vat)\s+)?(?:invoice|credit note|credit memo|receipt|statement|bill|original|copy|duplicate)(?:\s*\/\s*\S+)?$/i;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/;

function phoneIn(toks: readonly Tok[], h: number): Tok[] | null {
  for (let s = 0; s < toks.length; s++) {
    const span: Tok[] = [];
    for (const [i, t] of toks.entries()) {
      if (i < s) continue;
      if (!/^[+(]?[\d()\-./\s]*\d[\d()\-./\s]*$/.test(t.text)) break;
      if (span.length && gapBefore(toks, i) > CELL_GAP * h) break;
      span.push(t);
    }
    const text = joinText(span);
    const digits = text.replace(/\D/g, '').length;
    if (span.length && digits >= 7 && digits <= 15 && /^[+(0]/.test(text) && !parseDate(text))
      return span;
  }
  return null;
}

function supplierNameOf(
  rows: readonly Row[],
  page: Page,
  buyer: ReadonlySet<Tok>,
  used: ReadonlySet<Tok>,
): Read<string> | null {
  let best: { toks: Tok[]; h: number; top: number } | null = null;
  const tableTop = rows.find((r) => r.inTable)?.top ?? page.height;
  for (const row of rows) {
    if (row.top > Math.min(tableTop, page.height * 0.45) || row.inTable) continue;
    for (const [s, e] of cellsOf(row)) {
      if (row.labels.some((l) => l.start < e && l.end > s)) continue;
      const toks = row.toks.slice(s, e);
      if (toks.some((t) => buyer.has(t) || used.has(t))) continue;
      const text = joinText(toks);
      const letters = text.replace(/\P{L}/gu, '').length;
      if (letters < 2 || letters < 0.5 * text.replace(/\s/g, '').length) continue;
      if (TITLE.test(text) || EMAIL.test(text) || /www\.|https?:|\.com\b/i.test(text)) continue;
      if (isFooter(row) || /credit (?:note|memo)/i.test(text)) continue;
      const h = median(toks.map((t) => t.box.h));
      if (!best || h > best.h * 1.08 || (h > best.h / 1.08 && row.top < best.top))
        best = { toks, h, top: row.top };
    }
  }
  if (!best) return null;
  return read(joinText(best.toks), page.number, best.toks, 0.8);
}

// ---- Totals ------------------------------------------------------------------------------------

interface AmountCandidate {
  value: number;
  page: number;
  toks: Tok[];
  sure: number;
  grand: boolean;
}

function amountOf(c: Candidate): AmountCandidate | null {
  // OCR may drop one of the spaces of "4 531 226,65": the last two groups are read together.
  const [last, prev] = [...c.toks].reverse();
  if (last && prev && /^\d{1,7}$/.test(prev.text) && /^\d{3}[.,]\d{2}$/.test(last.text)) {
    const n = parseAmount(`${prev.text}${last.text}`);
    if (n && gapBefore([prev, last], 1) < 1.5 * last.box.h)
      return {
        value: Math.abs(n.minor),
        page: c.page,
        toks: [prev, last],
        sure: c.sure * 0.9,
        grand: c.kind === 'grandTotal',
      };
  }
  for (const t of [...c.toks].reverse()) {
    if (parseDate(t.text)) continue;
    const n = parseAmount(t.text);
    if (n) {
      return {
        value: Math.abs(n.minor),
        page: c.page,
        toks: [t],
        sure: c.sure * ocrSure(n),
        grand: c.kind === 'grandTotal',
      };
    }
  }
  return null;
}

/**
 * Subtotal, tax and total: the combination of labelled amounts that adds up (subtotal + tax =
 * total, lines = subtotal) wins; a total nothing confirms is kept with a low confidence. A
 * "Total" above a "Grand total" may be the subtotal.
 */
function chooseTotals(cands: readonly Candidate[], lineSum: number | null) {
  const of = (kinds: LabelKind[]) =>
    cands
      .filter((c) => kinds.includes(c.kind))
      .map(amountOf)
      .filter((a): a is AmountCandidate => a !== null);
  const subs = of(['subtotal']);
  const taxes = of(['tax']);
  const totals = of(['total', 'grandTotal']);
  let best: {
    s: AmountCandidate | null;
    t: AmountCandidate | null;
    T: AmountCandidate | null;
    score: number;
    sure: boolean;
  } = {
    s: subs.find((s) => s.value === lineSum) ?? subs[0] ?? null,
    t: taxes[0] ?? null,
    T: null,
    score: -Infinity,
    sure: false,
  };
  for (const T of totals) {
    const subChoices = [
      null,
      ...subs,
      ...totals.filter((o) => o !== T && !o.grand && o.value < T.value),
    ];
    for (const s of subChoices)
      for (const t of [null, ...taxes]) {
        // A label found and left out is a reason to doubt; a missing one stands for the lines / 0.
        const sv = s?.value ?? (subs.length === 0 ? lineSum : null);
        const tv = t?.value ?? (taxes.length === 0 ? 0 : null);
        const adds = sv !== null && tv !== null && sv + tv === T.value;
        const score =
          (T.grand ? 1 : 0) +
          (adds ? 4 : 0) +
          (s && s.value === lineSum ? 2 : 0) +
          (s ? 0.3 : 0) +
          (t ? 0.3 : 0) -
          (!s && subs.length ? 1.5 : 0) -
          (!t && taxes.length ? 1.5 : 0) -
          (s && s.value > T.value ? 3 : 0);
        if (score > best.score) best = { s, t, T, score, sure: adds };
      }
  }
  // Nothing adds up: a total whose digits are those of subtotal + tax lost its separators.
  if (best.T && !best.sure) {
    const s = best.s ?? subs[0];
    const t = best.t ?? taxes[0];
    const sum = Math.abs((s?.value ?? lineSum ?? NaN) + (t?.value ?? 0));
    if (Number.isFinite(sum) && digitsOf(joinText(best.T.toks)) === digitsOf(String(sum))) {
      best = {
        ...best,
        s: s ?? null,
        t: t ?? null,
        T: { ...best.T, value: sum, sure: best.T.sure * 0.7 },
        sure: true,
      };
    }
  }
  const toRead = (a: AmountCandidate | null, sure: number) =>
    a ? read(a.value, a.page, a.toks, a.sure * sure) : null;
  const factor = best.sure ? 0.97 : 0.6;
  return {
    subtotal: toRead(best.s, factor),
    tax: toRead(best.t, best.t ? factor : 1),
    total: toRead(best.T, factor),
  };
}

// ---- The invoice -------------------------------------------------------------------------------

function currencyIn(rows: readonly Row[]): Read<string> | null {
  const counts = new Map<string, { n: number; tok: Tok; page: number }>();
  for (const row of rows)
    for (const t of row.toks) {
      const code =
        currencyOf(t.text.replace(/^[([]|[)\]:]$/g, '')) ?? parseAmount(t.text)?.currency ?? null;
      if (!code) continue;
      const c = counts.get(code);
      if (c) c.n++;
      else counts.set(code, { n: 1, tok: t, page: row.page });
    }
  let best: [string, { n: number; tok: Tok; page: number }] | null = null;
  for (const entry of counts) if (!best || entry[1].n > best[1].n) best = entry;
  if (!best) return null;
  const sure = /^[A-Z]{3}$/.test(best[1].tok.text.replace(/[^A-Za-z]/g, '')) ? 0.95 : 0.8;
  return read(best[0], best[1].page, [best[1].tok], sure);
}

/** "INVOICE #1234", "Invoice INV-0042": a number printed after the title, with no label. */
function titledNumber(rows: readonly Row[]): Read<string> | null {
  for (const row of rows) {
    if (row.inTable) continue;
    const i = row.toks.findIndex((t) => /^(?:tax )?invoice$/.test(t.norm));
    const next = row.toks[i + 1];
    if (i < 0 || !next || !/\d/.test(next.text)) continue;
    if (parseDate(next.text) || parseAmount(next.text)) continue;
    const value = next.text.replace(/^[#:]+/, '');
    if (value) return read(value, row.page, [next], 0.6);
  }
  return null;
}

const FIELD_SURE = 0.95;
const BELOW_SURE = 0.85;

/**
 * The invoice the pages' words show, by layout rules alone. Never throws: what the rules cannot
 * find is null (or no line), and what they found by a weaker rule has a lower confidence.
 */
export function parseInvoice(pages: Page[], options: ParseOptions = {}): ReadInvoice {
  const sorted = [...pages].sort((a, b) => a.number - b.number);
  const pageRows = sorted.map((p) => buildRows(p));
  for (const rows of pageRows) for (const row of rows) row.labels = matchLabels(row);
  const lines = readLines(pageRows, options);
  const allRows = pageRows.flat();
  const kind = allRows.some((r) =>
    /\bcredit (?:note|memo)\b/.test(r.toks.map((t) => t.norm).join(' ')),
  )
    ? 'credit'
    : 'invoice';

  const buyer = new Set<Tok>();
  pageRows.forEach((rows, i) => {
    for (const t of buyerWords(rows, sorted[i]?.width || 1000)) buyer.add(t);
  });
  const cands: Candidate[] = [];
  const used = new Set<Tok>();
  let order = 0;
  for (const rows of pageRows)
    rows.forEach((row, ri) => {
      if (row.inTable) return;
      row.labels.forEach((label, li) => {
        if (label.kind === 'buyer' || label.kind === 'other' || label.kind === 'bank') return;
        const value = valueOf(rows, ri, li);
        if (!value || value.toks.length === 0) return;
        let toks = value.toks;
        if (['number', 'taxId', 'order', 'supplier', 'phone'].includes(label.kind))
          toks = firstCell(toks, row.h);
        if (label.kind === 'email') toks = toks.filter((t) => EMAIL.test(t.text)).slice(0, 1);
        if (toks.length === 0) return;
        for (const t of toks) used.add(t);
        cands.push({
          kind: label.kind,
          weak: label.weak,
          page: row.page,
          toks,
          sure: value.below ? BELOW_SURE : FIELD_SURE,
          order: order++,
        });
      });
    });
  const pick = (k: LabelKind, ok: (c: Candidate) => boolean = () => true) => {
    const of = cands.filter((c) => c.kind === k && ok(c));
    return of.find((c) => !c.weak) ?? of[0] ?? null;
  };
  const textRead = (c: Candidate | null, clean = (s: string) => s) => {
    if (!c) return null;
    const value = clean(joinText(c.toks)).trim();
    return value ? read(value, c.page, c.toks, c.sure * (c.weak ? 0.8 : 1)) : null;
  };
  const stripEnds = (s: string) => s.replace(/^[#:.\s]+|[,;:.\s]+$/g, '');
  const hasDigit = (c: Candidate) => /\d/.test(joinText(c.toks));
  const notBuyer = (c: Candidate) => !c.toks.some((t) => buyer.has(t));

  const number =
    textRead(
      pick('number', (c) => hasDigit(c) && !parseDate(joinText(c.toks))),
      stripEnds,
    ) ?? titledNumber(pageRows[0] ?? []);
  const supplierTaxId = textRead(
    pick('taxId', (c) => hasDigit(c) && notBuyer(c)),
    stripEnds,
  );
  const orderReference = textRead(pick('order', hasDigit), stripEnds);

  let date: Read<string> | null = null;
  const dates = cands.filter((c) => c.kind === 'date');
  for (const c of [...dates.filter((d) => !d.weak), ...dates.filter((d) => d.weak)]) {
    const found = dateIn(c.toks, options.today);
    if (found) {
      const sure = c.sure * (c.weak ? 0.9 : 1) * (found.d.ambiguous ? 0.7 : 1);
      date = read(found.d.value, c.page, found.toks, sure);
      break;
    }
  }
  if (!date)
    for (const row of pageRows[0] ?? []) {
      if (row.inTable || row.labels.some((l) => l.kind === 'other' || l.kind === 'buyer')) continue;
      const found = dateIn(row.toks, options.today);
      if (found) {
        date = read(found.d.value, row.page, found.toks, 0.6 * (found.d.ambiguous ? 0.7 : 1));
        break;
      }
    }

  const supplierLabel = pick('supplier', (c) => hasLetters(joinText(c.toks)));
  const supplierName =
    textRead(supplierLabel) ??
    (sorted[0] && pageRows[0] ? supplierNameOf(pageRows[0], sorted[0], buyer, used) : null);

  const emailCand = pick('email', notBuyer);
  let supplierEmail = emailCand ? textRead(emailCand, (s) => EMAIL.exec(s)?.[0] ?? '') : null;
  if (!supplierEmail)
    for (const row of allRows) {
      const t = row.toks.find((k) => EMAIL.test(k.text) && !buyer.has(k));
      const address = t ? EMAIL.exec(t.text)?.[0] : undefined;
      if (t && address && !row.inTable) {
        supplierEmail = read(address, row.page, [t], 0.9);
        break;
      }
    }

  let supplierPhone: Read<string> | null = null;
  const phoneCand = pick('phone', (c) => notBuyer(c) && phoneIn(c.toks, Infinity) !== null);
  const labelledPhone = phoneCand ? phoneIn(phoneCand.toks, Infinity) : null;
  if (phoneCand && labelledPhone) {
    supplierPhone = read(joinText(labelledPhone), phoneCand.page, labelledPhone, phoneCand.sure);
  } else
    for (const row of pageRows[0] ?? []) {
      if (row.inTable || row.labels.some((l) => l.kind !== 'phone')) continue;
      const span = phoneIn(
        row.toks.filter((t) => !buyer.has(t)),
        row.h,
      );
      if (span) {
        supplierPhone = read(joinText(span), row.page, span, 0.7);
        break;
      }
    }

  // A credit note's amounts stay positive however it prints them ("(100.00)", "-100.00").
  if (kind === 'credit')
    for (const l of lines) {
      l.amount.value = Math.abs(l.amount.value);
      l.unitPrice.value = Math.abs(l.unitPrice.value);
      l.quantity.value = Math.abs(l.quantity.value);
    }
  const lineSum = lines.length ? lines.reduce((s, l) => s + l.amount.value, 0) : null;
  const totals = chooseTotals(cands, lineSum);

  return {
    kind,
    supplierName,
    supplierTaxId,
    supplierPhone,
    supplierEmail,
    number,
    date,
    currency: currencyIn(allRows),
    orderReference,
    ...totals,
    lines,
  };
}
