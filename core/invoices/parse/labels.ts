// Labels and the values beside or below them (decision 0033): the wordings of each header field
// and total ("Invoice No.", "TIN", "Amount due"), matched on a row's words within one cell, and
// the words a label's value is in.
import { CELL_GAP, cellsOf, gapBefore, matchWords, right, unionBox, xOf } from './rows';
import type { Label, LabelKind, Row, Tok } from './rows';

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

export function matchLabels(row: Row): Label[] {
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

/**
 * A label wrapped in a narrow box ("Amount" over "Payable", its value on the first row): the
 * first cells of two rows, one under the other, read as one label when together they are one.
 */
export function joinWrappedLabels(rows: readonly Row[]): void {
  rows.forEach((row, ri) => {
    const below = rows[ri + 1];
    if (!below || row.labels.some((l) => l.start === 0) || below.labels.length) return;
    const [top] = cellsOf(row);
    const [under] = cellsOf(below);
    if (!top || !under || top[1] === row.toks.length) return;
    if (below.top - row.bottom > 0.8 * row.h) return;
    if (Math.abs(xOf(row.toks[0]) - xOf(below.toks[0])) > 0.5 * row.h) return;
    const head = row.toks.slice(0, top[1]);
    const tail = below.toks.slice(0, under[1]);
    if (![...head, ...tail].every((t) => /^\p{L}/u.test(t.text))) return;
    // Set on one line so that the pair is matched as the words of one cell.
    const at = (t: Tok, i: number): Tok => ({
      ...t,
      box: { ...t.box, x: i * 2 * row.h, w: row.h },
    });
    const joined = [...head, ...tail].map(at);
    const label = matchLabels({ ...row, toks: joined }).find(
      (l) => l.start === 0 && l.end === joined.length && !l.weak,
    );
    if (label) row.labels = [{ ...label, end: head.length }, ...row.labels];
  });
}

export const isFooter = (row: Row) =>
  /\bpage \d+(?: ?(?:of|\/) ?\d+)?\b|\bcontinued\b|\bcont'?d\b|\b(?:carried|brought) (?:forward|fwd)\b|\bc\/f\b|\bb\/f\b/.test(
    row.toks.map((t) => t.norm).join(' '),
  );

/** A labelled value: the words beside or below a label of a header field or a total. */
export interface Candidate {
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
export function valueOf(
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

export function firstCell(toks: Tok[], h: number): Tok[] {
  let i = 1;
  while (i < toks.length && gapBefore(toks, i) <= CELL_GAP * h) i++;
  return toks.slice(0, i);
}

export const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/;

const FIELD_SURE = 0.95;
const BELOW_SURE = 0.85;

/**
 * Every label's value outside the line table, in reading order, and the words they took (which
 * are then no supplier name).
 */
export function labelledValues(pageRows: readonly Row[][]): { cands: Candidate[]; used: Set<Tok> } {
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
  return { cands, used };
}
