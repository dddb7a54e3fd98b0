// fontkit ships no types. It comes with pdfkit; we use it only to ask which font of our
// fallback chain has a glyph for a character and where its baseline sits, and (in tests) which
// glyphs a run would print, so only that is declared.
declare module 'fontkit' {
  export interface Font {
    readonly type: string;
    readonly postscriptName: string;
    readonly unitsPerEm: number;
    readonly ascent: number;
    readonly descent: number;
    hasGlyphForCodePoint(codePoint: number): boolean;
    layout(text: string): GlyphRun;
  }

  export interface GlyphRun {
    /** Glyph 0 is .notdef: the font's "missing glyph" box. */
    readonly glyphs: readonly { readonly id: number; readonly codePoints: readonly number[] }[];
  }

  export interface FontCollection {
    readonly type: 'TTC' | 'DFont';
    readonly fonts: Font[];
  }

  export function create(buffer: Uint8Array, postscriptName?: string): Font | FontCollection;
}
