// Makes resources/fonts/NotoSansCJKsc-Regular.otf, the Chinese font our PDFs print with: the
// characters of GB 2312 (6,763 Hanzi, kana, full-width forms) plus CJK punctuation, cut from
// Noto Sans CJK SC as Debian's fonts-noto-cjk ships it. Why a subset and why these characters:
// docs/decisions/0020-cjk-font-subset.md.
//
//   apt-get install fonts-noto-cjk fonttools   # once; then offline:
//   npx tsx scripts/subset-cjk-font.ts [path/to/NotoSansCJK-Regular.ttc]
//
// The same package version gives the same bytes: the character list comes from the GB 2312 code
// table (decoded by Node's own ICU), and pyftsubset keeps the source's timestamps.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'fontkit';

const source = process.argv[2] ?? '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const postscriptName = 'NotoSansCJKsc-Regular';
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(repo, 'resources/fonts', `${postscriptName}.otf`);

/** Every character of GB 2312: rows 0xA1-0xF7, cells 0xA1-0xFE, read through GBK, its superset. */
function gb2312(): number[] {
  const gbk = new TextDecoder('gbk', { fatal: false });
  const found = new Set<number>();
  for (let row = 0xa1; row <= 0xf7; row++)
    for (let cell = 0xa1; cell <= 0xfe; cell++) {
      const char = gbk.decode(Uint8Array.of(row, cell));
      const point = char.codePointAt(0) ?? 0xfffd;
      // Unassigned places decode to U+FFFD; GBK's user-defined rows, to the private use area.
      if ([...char].length !== 1 || point === 0xfffd || (point >= 0xe000 && point <= 0xf8ff))
        continue;
      found.add(point);
    }
  return [...found];
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function characters(): number[] {
  const points = new Set([
    ...gb2312(),
    ...range(0x3000, 0x303f), // CJK symbols and punctuation
    ...range(0x3040, 0x30ff), // Hiragana, Katakana
    ...range(0xff01, 0xff5e), // full-width ASCII forms
    ...range(0xffe0, 0xffe6), // full-width signs (¥, ￡...)
  ]);
  return [...points].sort((a, b) => a - b);
}

function faceNumber(): number {
  const opened = create(readFileSync(source));
  if (!('fonts' in opened)) throw new Error(`${source} is not a font collection`);
  const index = opened.fonts.findIndex((f) => f.postscriptName === postscriptName);
  if (index < 0) throw new Error(`${source} has no ${postscriptName}`);
  return index;
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'fse-cjk-'));
  try {
    const list = join(work, 'unicodes.txt');
    const wanted = characters();
    writeFileSync(list, wanted.map((p) => `U+${p.toString(16).toUpperCase()}`).join('\n'));
    execFileSync(
      'pyftsubset',
      [
        source,
        `--font-number=${faceNumber()}`,
        `--unicodes-file=${list}`,
        `--output-file=${output}`,
        // Hinting is for screens at small sizes; a printed page does not need it (a tenth smaller).
        '--no-hinting',
      ],
      { stdio: 'inherit' },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const made = create(readFileSync(output));
  if ('fonts' in made) throw new Error(`${output} came out as a collection`);
  const missing = characters().filter((p) => !made.hasGlyphForCodePoint(p));
  console.log(
    `${output}: ${(statSync(output).size / 1e6).toFixed(1)} MB, ${missing.length} of the wanted characters missing from the source`,
  );
}

main();
