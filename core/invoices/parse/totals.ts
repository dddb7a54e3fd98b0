// Subtotal, tax and total (decision 0033): of the labelled amounts, the combination that adds up.
import { parseAmount, parseDate } from '../numbers';
import type { Candidate } from './labels';
import { digitsOf, gapBefore, joinText, ocrSure, read } from './rows';
import type { LabelKind, Tok } from './rows';

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
export function chooseTotals(cands: readonly Candidate[], lineSum: number | null) {
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
