// The part of the Unicode bidi algorithm (UAX #9) that one line of a document needs: a name or a
// note has no explicit embeddings, so each line is one paragraph whose direction is that of its
// first strong letter (P2, P3), with the weak and neutral rules reduced to the types our text has:
//   L   a letter of a left-to-right script        R   a letter of a right-to-left script
//   EN  a digit (W7: left-to-right after L)       N   spaces and punctuation
// Paired brackets take the direction of what they enclose or of what precedes them (N0), other
// neutrals that of their neighbours when both agree, else the line's (N1, N2). Lines are then
// reordered (L2), and a bracket in a right-to-left stretch is drawn with its mirror image (L4).
//
// fontkit shapes and lays out each right-to-left run itself (Arabic letters join only in logical
// order), so a run of right-to-left letters is handed to it in logical order; everything else is
// drawn in visual order.

export type Strong = 'L' | 'R';

const rightToLeft =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const letter = /\p{L}/u;
const digit = /\p{N}/u;

/** Whether a run holds right-to-left letters: fontkit reverses such a run when it lays it out. */
export const hasRightToLeft = (text: string): boolean => rightToLeft.test(text);

// Bidi_Paired_Bracket pairs (BidiBrackets.txt) and their Bidi_Mirroring_Glyph (BidiMirroring.txt)
// for the brackets names and notes use; the two tables agree on every one of them.
const pairs: ReadonlyArray<readonly [string, string]> = [
  ['(', ')'],
  ['[', ']'],
  ['{', '}'],
  ['<', '>'],
  ['«', '»'],
  ['‹', '›'],
  ['（', '）'],
  ['［', '］'],
  ['｛', '｝'],
  ['＜', '＞'],
  ['〈', '〉'],
  ['《', '》'],
  ['「', '」'],
  ['『', '』'],
  ['【', '】'],
  ['〔', '〕'],
];
const closerOf = new Map(pairs);
const openerOf = new Map(pairs.map(([open, close]) => [close, open]));
const mirrors = new Map(
  pairs.flatMap(
    ([open, close]) =>
      [
        [open, close],
        [close, open],
      ] as const,
  ),
);
// Mirrored by BidiMirroring.txt though not brackets: pdfkit would print "<=" as "=>" otherwise.
for (const [a, b] of [['≤', '≥']] as const) {
  mirrors.set(a, b);
  mirrors.set(b, a);
}

/** Bidi_Mirroring_Glyph: what a character looks like in a right-to-left run. */
export const mirrored = (cluster: string): string => mirrors.get(cluster) ?? cluster;

type BidiClass = Strong | 'EN' | 'N';

function classOf(cluster: string): BidiClass {
  if (rightToLeft.test(cluster)) return 'R';
  if (letter.test(cluster)) return 'L';
  if (digit.test(cluster)) return 'EN';
  return 'N';
}

/** Numbers count as right-to-left when neutrals and brackets look at their neighbours (N1). */
const strength = (c: BidiClass): Strong | undefined =>
  c === 'L' ? 'L' : c === 'R' || c === 'EN' ? 'R' : undefined;

/** BD16: brackets that pair up, as [opening, closing] positions, in the order they open. */
function bracketPairs(clusters: readonly string[], classes: readonly BidiClass[]): number[][] {
  const found: number[][] = [];
  const open: { at: number; closer: string }[] = [];
  clusters.forEach((c, i) => {
    if (classes[i] !== 'N') return;
    const closer = closerOf.get(c);
    if (closer !== undefined) {
      // UAX #9 gives up on pairing beyond a depth of 63; a name never gets near it.
      if (open.length < 63) open.push({ at: i, closer });
      return;
    }
    if (!openerOf.has(c)) return;
    const match = open.map((o) => o.closer).lastIndexOf(c);
    if (match < 0) return;
    found.push([open[match]?.at ?? 0, i]);
    open.length = match;
  });
  return found.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

/**
 * The embedding level of each cluster: even left to right, odd right to left. The paragraph's
 * own direction comes from its first strong letter, left to right when it has none.
 */
export function embeddingLevels(clusters: readonly string[]): number[] {
  const classes = clusters.map(classOf);
  const first = classes.find((c) => c === 'L' || c === 'R');
  const paragraph: Strong = first ?? 'L';
  // W7: digits after a left-to-right letter (or at the start of a left-to-right line) are L.
  let previous: Strong = paragraph;
  classes.forEach((c, i) => {
    if (c === 'L' || c === 'R') previous = c;
    else if (c === 'EN' && previous === 'L') classes[i] = 'L';
  });
  // N0: a bracket pair with the line's direction inside takes it; with only the other direction
  // inside, it takes that direction if the text before it has it too.
  for (const [open = 0, close = 0] of bracketPairs(clusters, classes)) {
    const inside = classes.slice(open + 1, close).map(strength);
    let direction: Strong | undefined;
    if (inside.includes(paragraph)) direction = paragraph;
    else if (inside.some((s) => s !== undefined)) {
      const other: Strong = paragraph === 'L' ? 'R' : 'L';
      const before = classes
        .slice(0, open)
        .map(strength)
        .filter((s) => s !== undefined)
        .at(-1);
      direction = (before ?? paragraph) === other ? other : paragraph;
    }
    if (direction !== undefined) {
      classes[open] = direction;
      classes[close] = direction;
    }
  }
  // N1, N2: a stretch of neutrals takes the direction on both sides of it, else the line's.
  for (let i = 0; i < classes.length;) {
    if (classes[i] !== 'N') {
      i++;
      continue;
    }
    let end = i;
    while (classes[end] === 'N') end++;
    const before = i === 0 ? paragraph : strength(classes[i - 1] ?? 'N');
    const after = end === classes.length ? paragraph : strength(classes[end] ?? 'N');
    const direction = before === after && before !== undefined ? before : paragraph;
    for (let j = i; j < end; j++) classes[j] = direction;
    i = end;
  }
  const base = paragraph === 'L' ? 0 : 1;
  // I1, I2: digits, and left-to-right words in a right-to-left line, sit a level above the
  // right-to-left text, so that they still read left to right.
  return classes.map((c) => (c === 'R' ? 1 : c === 'EN' || base === 1 ? 2 : 0));
}

/** L2: the positions of the clusters in the order they are drawn, left to right. */
export function visualIndices(levels: readonly number[]): number[] {
  const order = levels.map((_, i) => i);
  const highest = Math.max(0, ...levels);
  const lowestOdd = Math.min(...levels.filter((l) => l % 2 === 1), highest + 1);
  for (let level = highest; level >= lowestOdd; level--) {
    for (let i = 0; i < order.length;) {
      if ((levels[order[i] ?? 0] ?? 0) < level) {
        i++;
        continue;
      }
      let end = i;
      while (end < order.length && (levels[order[end] ?? 0] ?? 0) >= level) end++;
      order.splice(i, end - i, ...order.slice(i, end).reverse());
      i = end;
    }
  }
  return order;
}
