// The header fields (decision 0033): supplier name, tax id, phone and email, the invoice's number,
// date, currency and order reference, each from its label's value or, failing that, from where
// such a value usually stands; never from the buyer's block.
import type { Page, Read, ReadInvoice } from '../document';
import { currencyOf, parseAmount, parseDate } from '../numbers';
import type { Candidate } from './labels';
import { EMAIL, isFooter } from './labels';
import { CELL_GAP, cellsOf, gapBefore, hasLetters, joinText, median, read, xOf } from './rows';
import type { LabelKind, Row, Tok } from './rows';

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

/** The header fields of pages whose rows hold their labels and whose line table is marked. */
export function readHeader(
  sorted: readonly Page[],
  pageRows: readonly Row[][],
  labelled: { cands: readonly Candidate[]; used: ReadonlySet<Tok> },
  today: string | undefined,
): Pick<
  ReadInvoice,
  | 'supplierName'
  | 'supplierTaxId'
  | 'supplierPhone'
  | 'supplierEmail'
  | 'number'
  | 'date'
  | 'currency'
  | 'orderReference'
> {
  const { cands, used } = labelled;
  const allRows = pageRows.flat();
  const buyer = new Set<Tok>();
  pageRows.forEach((rows, i) => {
    for (const t of buyerWords(rows, sorted[i]?.width || 1000)) buyer.add(t);
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
    const found = dateIn(c.toks, today);
    if (found) {
      const sure = c.sure * (c.weak ? 0.9 : 1) * (found.d.ambiguous ? 0.7 : 1);
      date = read(found.d.value, c.page, found.toks, sure);
      break;
    }
  }
  if (!date)
    for (const row of pageRows[0] ?? []) {
      if (row.inTable || row.labels.some((l) => l.kind === 'other' || l.kind === 'buyer')) continue;
      const found = dateIn(row.toks, today);
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
  return {
    supplierName,
    supplierTaxId,
    supplierPhone,
    supplierEmail,
    number,
    date,
    currency: currencyIn(allRows),
    orderReference,
  };
}
