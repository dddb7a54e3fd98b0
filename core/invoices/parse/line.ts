// One line of the table from one row (decision 0033): its quantity, unit price and amount, by
// the header's columns, by the triple of numbers that multiplies out (q × p = a) or by a receipt's
// "55 x 0.92"; a misread figure repaired from the other two; the description and the item code.
import type { ReadLine } from '../document';
import { currencyOf, parseAmount, parseQuantity } from '../numbers';
import type { ParsedAmount, ParsedNumber } from '../numbers';
import { digitsOf, hasLetters, isNumeric, joinText, ocrSure, read, xOf } from './rows';
import type { Row, Tok } from './rows';

export interface Triple {
  q: { tok: Tok; n: ParsedNumber };
  p: { tok: Tok; n: ParsedAmount };
  a: { tok: Tok; n: ParsedAmount };
}

/** Signs aside: a credit note prints "(100.00)" beside a price of 25.00. */
const multipliesOut = (q: number, p: ParsedAmount, a: ParsedAmount) =>
  a.minor !== 0 && q > 0 && Math.abs(Math.abs(q * p.value * 100) - Math.abs(a.minor)) <= 1.0001;

/** The quantity, price and amount among a row's numbers: the triple that multiplies out. */
export function findTriple(toks: readonly Tok[]): Triple | null {
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

export interface LineDraft {
  line: ReadLine;
  row: Row;
  descToks: Tok[];
  /** Where the description starts: a wrapped row below must start near it. */
  descX: number;
  /** The row's own words hold no description (a receipt prints it on the row above). */
  needsDesc: boolean;
}

const PERCENT = /^\(?-?(\d{1,2}(?:[.,]\d+)?) ?%\)?$/;

/**
 * A line whose amount is not quantity × price because another of its columns changed it: a
 * discount rate ("10%": q × p × 0.9), or a VAT or discount amount added or taken off (q × p ± x).
 */
export function adjusted(gross: number, amount: number, others: readonly Tok[]): boolean {
  const near = (x: number) => Math.abs(x - Math.abs(amount)) <= 1.0001;
  return others.some((t) => {
    const rate = PERCENT.exec(t.text)?.[1];
    if (rate !== undefined) {
      const r = Number(rate.replace(',', '.'));
      return r > 0 && near(gross * (1 - r / 100));
    }
    const x = parseAmount(t.text);
    return x !== null && x.minor > 0 && (near(gross + x.minor) || near(gross - x.minor));
  });
}

type Figure = { toks: Tok[]; v: number; sure: number };

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
  others: readonly Tok[] = [],
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
  if (cq && cp && ca && adjusted(cq.n.value * cp.n.minor, ca.n.minor, others))
    return {
      figs: [
        fig(cq.tok, cq.n.value, 0.95 * ocrSure(cq.n)),
        fig(cp.tok, cp.n.minor, 0.95 * ocrSure(cp.n)),
        fig(ca.tok, ca.n.minor, 0.95 * ocrSure(ca.n)),
      ],
      exact: true,
    };
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

export function draftFrom(
  row: Row,
  triple: Triple | null,
  cols: { q: Tok[]; p: Tok[]; a: Tok[]; desc: Tok[]; code: Tok[] } | null,
  /** Item codes the shop knows: a first-column word among them is a code whatever it looks like. */
  knownCodes: ReadonlySet<string> | undefined,
  above: Row | null,
): LineDraft | null {
  let q: { toks: Tok[]; v: number; sure: number } | null = null;
  let p: { toks: Tok[]; v: number; sure: number } | null = null;
  let a: { toks: Tok[]; v: number; sure: number } | null = null;
  const inCols = new Set(cols ? [...cols.q, ...cols.p, ...cols.a, ...cols.code] : []);
  const others = row.toks.filter((t) => !inCols.has(t) && /\d/.test(t.text));
  const fromCols = cols ? figures(cols.q, cols.p, cols.a, others) : null;
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
  const guess = !cols || (knownCodes?.has(descToks[0]?.text ?? '') ?? false);
  const [first, ...rest] = descToks;
  if (guess && !codeToks.length && first && rest.length && looksLikeCode(first.text, knownCodes)) {
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
