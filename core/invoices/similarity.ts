// How alike two names are, for matching what an invoice prints against our suppliers and
// products, and for finding a model's answer among a document's words. Names are compared
// after folding case, accents and punctuation away; a score mixes shared words with shared
// letter triples, so "Awash Cotton PLC" and "AWASH COTTON P.L.C." agree and a typo costs little.

/** Words that say what kind of company it is, never which one. */
const LEGAL_FORMS = [
  'share company',
  'share co',
  'private limited company',
  'limited company',
  'public limited company',
  'plc',
  'p l c',
  'ltd',
  'limited',
  'co',
  'company',
  'corp',
  'corporation',
  'inc',
  'incorporated',
  'llc',
  'l l c',
  's c',
  'sc',
  'gmbh',
  'ag',
  'sa',
  's a',
  'srl',
  'bv',
  'pvt',
  'pte',
  'and sons',
  'trading',
  'enterprise',
  'enterprises',
];
const LEGAL = new RegExp(
  `(?:^|\\s)(?:${LEGAL_FORMS.map((f) => f.replace(/ /g, '\\s')).join('|')})(?=\\s|$)`,
  'g',
);

/** Lower case, accents off, every run of other than letters and digits one space. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A company's name without its legal form: "Awash Cotton P.L.C." → "awash cotton". */
export function normaliseCompany(name: string): string {
  let text = ` ${normaliseText(name)} `;
  // Twice: "Awash Trading Share Company" sheds both.
  for (let i = 0; i < 2; i++) text = ` ${text.replace(LEGAL, ' ').replace(/\s+/g, ' ').trim()} `;
  const shed = text.trim();
  // A name that is nothing but a legal form stays what it was.
  return shed || normaliseText(name);
}

/** Letters and digits only, upper case: codes, tax ids, invoice numbers. */
export const normaliseCode = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]/gu, '')
    .toUpperCase();

/** The last 9 digits of a phone number: +251 911 234 567 and 0911-234567 agree. */
export function normalisePhone(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-9) : null;
}

const trigrams = (text: string): Map<string, number> => {
  const grams = new Map<string, number>();
  for (const word of text.split(' ')) {
    if (!word) continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const g = padded.slice(i, i + 3);
      grams.set(g, (grams.get(g) ?? 0) + 1);
    }
  }
  return grams;
};

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let shared = 0;
  let total = 0;
  for (const n of a.values()) total += n;
  for (const [g, n] of b) {
    total += n;
    shared += Math.min(n, a.get(g) ?? 0);
  }
  return total === 0 ? 0 : (2 * shared) / total;
}

/**
 * 0–1: how alike two texts already normalised are. The mean of the letter-triple overlap and
 * the share of words in common, so a shared word counts and so does a near spelling.
 */
export function similarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const wordsA = new Set(a.split(' '));
  const wordsB = new Set(b.split(' '));
  let common = 0;
  for (const w of wordsA) if (wordsB.has(w)) common++;
  const words = (2 * common) / (wordsA.size + wordsB.size);
  return (dice(trigrams(a), trigrams(b)) + words) / 2;
}

/**
 * 0–1: how much of `needle`'s words `haystack` holds (a description naming a product among
 * other words), by letter triples, so "T-shirt cotton white M 12pk" holds "cotton t shirt".
 */
export function containment(needle: string, haystack: string): number {
  const n = trigrams(needle);
  const h = trigrams(haystack);
  let shared = 0;
  let total = 0;
  for (const [g, count] of n) {
    total += count;
    shared += Math.min(count, h.get(g) ?? 0);
  }
  return total === 0 ? 0 : shared / total;
}
