// The fonts our documents print with. The PDF base fonts (Helvetica...) cover Latin only, so a
// shop or item name in Amharic, Russian, Arabic or Chinese would print as empty boxes; we ship
// Noto fonts (resources/fonts) and fall back from one to the next per character.
/// <reference types="pdfkit" />
import { create, type Font } from 'fontkit';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BugError } from '../errors';

export type FontWeight = 'regular' | 'bold';

export interface LoadedFont {
  /** The name the font is registered under in every document (its file name without .ttf/.otf). */
  readonly name: string;
  readonly path: string;
  readonly bytes: Buffer;
  /** The parsed font, for a test to lay text out with it and see which glyphs it would print. */
  readonly face: Font;
  /** Distance from the top of a line to the baseline, as a fraction of the font size. */
  readonly ascent: number;
  /** Distance from the baseline to the bottom of a line, as a fraction of the font size. */
  readonly descent: number;
  covers(codePoint: number): boolean;
}

/** For each weight, the fallback chain: the first font with a glyph for a character prints it. */
export type FontSet = Readonly<Record<FontWeight, readonly LoadedFont[]>>;

interface FontFile {
  file: string;
  /** Optional files only widen coverage; a packager may drop them to save space. */
  optional?: boolean;
}

// Order matters: Noto Sans (Latin, Cyrillic, Greek) first so digits and punctuation come from
// one font; Ge'ez next (Amharic, Tigrinya); Arabic, then Chinese (a subset: decision 0020, made
// by scripts/subset-cjk-font.ts). Arabic and Chinese have no bold file: bold names in them
// print in the regular weight rather than not at all.
const cjk: FontFile = { file: 'NotoSansCJKsc-Regular.otf', optional: true };
const chains: Record<FontWeight, FontFile[]> = {
  regular: [
    { file: 'NotoSans-Regular.ttf' },
    { file: 'NotoSansEthiopic-Regular.ttf' },
    { file: 'NotoSansArabic-Regular.ttf', optional: true },
    cjk,
  ],
  bold: [
    { file: 'NotoSans-Bold.ttf' },
    { file: 'NotoSansEthiopic-Bold.ttf' },
    { file: 'NotoSansArabic-Regular.ttf', optional: true },
    cjk,
  ],
};

export function fontsFolder(): string {
  const candidates = [
    process.env['FSE_FONTS_DIR'],
    resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/fonts'),
    resolve(process.cwd(), 'resources/fonts'),
  ];
  const found = candidates.find((c) => c && existsSync(join(c, 'NotoSans-Regular.ttf')));
  if (!found)
    throw new BugError(
      `The fonts for printing were not found (looked in ${candidates.filter(Boolean).join(', ')}). Reinstall the app.`,
    );
  return found;
}

function openFont(path: string): LoadedFont {
  const bytes = readFileSync(path);
  const opened = create(bytes);
  if ('fonts' in opened) throw new BugError(`${path} is a font collection; ship a single font`);
  const face: Font = opened;
  // A name prints many times per document; asking fontkit's cmap each time is the slow part.
  const coverage = new Map<number, boolean>();
  return {
    name: path.replace(/^.*[\\/]/, '').replace(/\.[ot]tf$/i, ''),
    path,
    bytes,
    face,
    ascent: face.ascent / face.unitsPerEm,
    descent: -face.descent / face.unitsPerEm,
    covers(codePoint) {
      let known = coverage.get(codePoint);
      if (known === undefined) {
        known = face.hasGlyphForCodePoint(codePoint);
        coverage.set(codePoint, known);
      }
      return known;
    },
  };
}

// Fonts are read and parsed once per process: about 5 MB that every document needs.
let cache: { folder: string; fonts: FontSet } | undefined;

export function loadFonts(folder: string = fontsFolder()): FontSet {
  if (cache?.folder === folder) return cache.fonts;
  const byFile = new Map<string, LoadedFont>();
  const chain = (files: FontFile[]): LoadedFont[] =>
    files.flatMap(({ file, optional }) => {
      const path = join(folder, file);
      if (optional && !existsSync(path)) return [];
      if (!existsSync(path))
        throw new BugError(`The font ${file} is missing from ${folder}. Reinstall the app.`);
      const font = byFile.get(file) ?? openFont(path);
      byFile.set(file, font);
      return [font];
    });
  const fonts: FontSet = { regular: chain(chains.regular), bold: chain(chains.bold) };
  cache = { folder, fonts };
  return fonts;
}

/** Makes every font of the set available to the document by its name. */
export function registerFonts(doc: PDFKit.PDFDocument, fonts: FontSet): void {
  const seen = new Set<string>();
  for (const font of [...fonts.regular, ...fonts.bold]) {
    if (seen.has(font.name)) continue;
    seen.add(font.name);
    doc.registerFont(font.name, font.bytes);
  }
}
