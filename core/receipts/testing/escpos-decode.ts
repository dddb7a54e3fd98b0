// A test printer's reading of ESC/POS bytes: the commands our receipts use, decoded the way a
// printer would act on them, so a test can check what lands on paper (text in each code page,
// bold and size, barcodes, the cut) without trusting the encoder that wrote them. The code
// page tables are the printer's (Epson numbering), read through WHATWG's decoders where they
// have the page; a command it does not know is an error, so a new command in the encoder's
// output is noticed rather than printed as text.

export interface DecodedLine {
  text: string;
  /** Columns the line takes on paper: each character's width times the size it was printed at. */
  columns: number;
  bold: boolean;
}

export interface DecodedBarcode {
  symbology: 'code128' | `type ${number}`;
  /** The data as the barcode encodes it, code set switches ({A, {B, {C) resolved. */
  data: string;
}

export interface Decoded {
  lines: DecodedLine[];
  /** Every ESC t code page selected, in order. */
  codePages: number[];
  cut: boolean;
  barcodes: DecodedBarcode[];
  initialized: boolean;
}

// CP437's upper half, as printers have it (the lower half is ASCII).
const cp437 =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

// CP720's upper half (Arabic, as DOS had it); its few unassigned bytes read as U+FFFD.
const cp720 =
  '\ufffd\ufffdéâ\ufffdà\ufffdçêëèïî\ufffd\ufffd\ufffd\ufffd\u0651\u0652ô¤\u0640ûùءآأؤ£إئابةتثجحخدذرزسشص«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀ضطظعغفµقكلمنهوىي≡\u064b\u064c\u064d\u064e\u064f\u0650≈°∙·√ⁿ²■\u00a0';

/** Epson's ESC t numbers of the pages WHATWG's TextDecoder has. */
const whatwg: Readonly<Record<number, string>> = {
  15: 'iso-8859-7',
  16: 'windows-1252',
  17: 'ibm866',
  39: 'iso-8859-2',
  40: 'iso-8859-15',
  45: 'windows-1250',
  46: 'windows-1251',
  47: 'windows-1253',
  48: 'windows-1254',
  49: 'windows-1255',
  50: 'windows-1256',
  51: 'windows-1257',
  52: 'windows-1258',
};

/** One byte of text in a code page; U+FFFD for an upper-half byte of a page not known here. */
function character(byte: number, page: number): string {
  if (byte < 0x80) return String.fromCharCode(byte);
  if (page === 0) return cp437[byte - 0x80] ?? '\ufffd';
  if (page === 32) return cp720[byte - 0x80] ?? '\ufffd';
  const label = whatwg[page];
  return label ? new TextDecoder(label).decode(Uint8Array.of(byte)) : '\ufffd';
}

function code128(data: number[]): string {
  let set: 'A' | 'B' | 'C' = 'B';
  let out = '';
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] ?? 0;
    if (byte === 0x7b /* { */) {
      const next = String.fromCharCode(data[++i] ?? 0);
      if (next === 'A' || next === 'B' || next === 'C') set = next;
      else if (next === '{') out += '{';
      // {S (shift), {1..{4 (FNC): nothing a receipt number holds.
      continue;
    }
    out += set === 'C' ? String(byte).padStart(2, '0') : String.fromCharCode(byte);
  }
  return out;
}

export function decodeEscPos(input: Uint8Array): Decoded {
  const bytes = Array.from(input);
  const decoded: Decoded = {
    lines: [],
    codePages: [],
    cut: false,
    barcodes: [],
    initialized: false,
  };
  let page = 0;
  let bold = false;
  let sizeWidth = 1;
  let text = '';
  let columns = 0;
  let lineBold = false;
  const endLine = () => {
    decoded.lines.push({ text, columns, bold: lineBold });
    text = '';
    columns = 0;
    lineBold = false;
  };
  const at = (i: number): number => {
    const b = bytes[i];
    if (b === undefined) throw new Error(`ESC/POS: command cut short at byte ${i}`);
    return b;
  };

  let i = 0;
  while (i < bytes.length) {
    const b = at(i);
    if (b === 0x0a) {
      endLine();
      i++;
    } else if (b === 0x0d) {
      i++;
    } else if (b === 0x1b) {
      const cmd = at(i + 1);
      switch (cmd) {
        case 0x40: // ESC @: initialize
          decoded.initialized = true;
          page = 0;
          bold = false;
          sizeWidth = 1;
          i += 2;
          break;
        case 0x74: // ESC t n: code page
          page = at(i + 2);
          decoded.codePages.push(page);
          i += 3;
          break;
        case 0x45: // ESC E n: bold
          bold = (at(i + 2) & 1) === 1;
          i += 3;
          break;
        case 0x21: // ESC ! n: print mode (bit 3 bold, bit 5 double width)
          bold = (at(i + 2) & 0x08) !== 0;
          sizeWidth = at(i + 2) & 0x20 ? 2 : 1;
          i += 3;
          break;
        case 0x4d: // ESC M n: font
        case 0x61: // ESC a n: alignment
        case 0x2d: // ESC - n: underline
        case 0x34: // ESC 4 n: italic
        case 0x33: // ESC 3 n: line spacing
        case 0x4a: // ESC J n: feed n dots
        case 0x56: // ESC V n: rotate
        case 0x7b: // ESC { n: upside down
          i += 3;
          break;
        case 0x32: // ESC 2: default line spacing
          i += 2;
          break;
        case 0x64: {
          // ESC d n: feed n lines
          const n = at(i + 2);
          for (let k = 0; k < n; k++) endLine();
          i += 3;
          break;
        }
        case 0x70: // ESC p m t1 t2: drawer pulse
          i += 5;
          break;
        default:
          throw new Error(`ESC/POS: unknown command ESC 0x${cmd.toString(16)} at byte ${i}`);
      }
    } else if (b === 0x1d) {
      const cmd = at(i + 1);
      switch (cmd) {
        case 0x21: {
          // GS ! n: character size, width in the high nibble
          const n = at(i + 2);
          sizeWidth = (n >> 4) + 1;
          i += 3;
          break;
        }
        case 0x56: {
          // GS V m [n]: cut; functions B, C, D carry a feed amount
          const m = at(i + 2);
          decoded.cut = true;
          i += m >= 0x41 ? 4 : 3;
          break;
        }
        case 0x68: // GS h n: barcode height
        case 0x77: // GS w n: barcode module width
        case 0x48: // GS H n: where the barcode's text prints
        case 0x66: // GS f n: the barcode text's font
        case 0x42: // GS B n: reverse
          i += 3;
          break;
        case 0x4c: // GS L nL nH: left margin
          i += 4;
          break;
        case 0x6b: {
          // GS k m ...: barcode; m 0-6 NUL-terminated data, m 65+ a length byte and data
          const m = at(i + 2);
          let data: number[];
          if (m <= 6) {
            const end = bytes.indexOf(0, i + 3);
            if (end < 0) throw new Error('ESC/POS: barcode data not terminated');
            data = bytes.slice(i + 3, end);
            i = end + 1;
          } else {
            const n = at(i + 3);
            data = bytes.slice(i + 4, i + 4 + n);
            i += 4 + n;
          }
          decoded.barcodes.push(
            m === 73
              ? { symbology: 'code128', data: code128(data) }
              : { symbology: `type ${m}`, data: String.fromCharCode(...data) },
          );
          break;
        }
        case 0x28: {
          // GS ( fn pL pH ...: QR codes, PDF417 and other functions with a length
          const length = at(i + 3) + at(i + 4) * 256;
          i += 5 + length;
          break;
        }
        default:
          throw new Error(`ESC/POS: unknown command GS 0x${cmd.toString(16)} at byte ${i}`);
      }
    } else if (b === 0x1c) {
      const cmd = at(i + 1);
      // FS . / FS &: leave or enter two-byte (Kanji) mode; receipts stay in single bytes
      if (cmd !== 0x2e && cmd !== 0x26)
        throw new Error(`ESC/POS: unknown command FS 0x${cmd.toString(16)} at byte ${i}`);
      i += 2;
    } else if (b < 0x20 && b !== 0x09) {
      throw new Error(`ESC/POS: unexpected control byte 0x${b.toString(16)} at byte ${i}`);
    } else {
      text += character(b, page);
      columns += sizeWidth;
      lineBold ||= bold;
      i++;
    }
  }
  if (text !== '') endLine();
  return decoded;
}

/** The printed lines' text, trailing spaces dropped (table cells are padded to their width). */
export const textLines = (decoded: Decoded): string[] => decoded.lines.map((l) => l.text.trimEnd());
