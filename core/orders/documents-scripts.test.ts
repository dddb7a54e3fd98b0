// Orders whose names are in Chinese, Amharic, Arabic and Russian, entered through the contract
// and printed as the app prints them; pdftotext must give back what was entered.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFonts } from '../pdf/fonts';
import { splitRuns } from '../pdf/text';
import { openDemo, type DemoWorld } from '../testing/demo';

const entered = {
  chinese: { shop: '上海旗舰店', product: '景德镇青花瓷茶杯', note: '请用双层纸箱包装，谢谢。' },
  amharic: { shop: 'አዲስ አበባ ሱቅ', product: 'የሸክላ ጀበና', note: 'እባክዎ በጥንቃቄ ያሽጉ።' },
  arabic: { shop: 'متجر دبي (الرئيسي)', product: 'كوب شاي [كبير]', note: 'يرجى التغليف {بعناية}' },
  cyrillic: {
    shop: 'Магазин «Москва»',
    product: 'Чашка фарфоровая',
    note: 'Упаковать в две коробки.',
  },
};
type Script = keyof typeof entered;

let w: DemoWorld;
const printed = new Map<Script, string>();

async function orderIn(script: Script): Promise<string> {
  const { shop, product, note } = entered[script];
  const admin = w.as('admin');
  await admin('branches.update', { id: w.branch.SH01, name: shop });
  const sku = `CUP-${script.toUpperCase()}`;
  const { variantIds } = await admin('catalog.createProduct', {
    name: product,
    category: 'Cups',
    variants: [{ sku, attributes: {}, price: 15_000, cost: 9_000 }],
  });
  const variantId = variantIds[0] ?? '';
  const placed = await w.as('shop1')('orders.place', {
    note,
    lines: [{ variantId, quantity: 3 }],
  });
  const sheet = await w.as('shop1')('orders.document', { orderId: placed.id, kind: 'order_sheet' });
  const file = join(mkdtempSync(join(tmpdir(), 'fse-scripts-')), `${script}.pdf`);
  writeFileSync(file, Buffer.from(sheet.contentBase64, 'base64'));
  // Raw order (no -layout): each line of the page as one line of text, in reading order.
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}

beforeAll(async () => {
  w = await openDemo();
  for (const script of Object.keys(entered) as Script[]) printed.set(script, await orderIn(script));
});
afterAll(() => w.core.close());

describe('order sheets in every script the shops write', () => {
  it.each(['chinese', 'amharic', 'cyrillic'] as const)(
    'gives back the %s names and note as entered',
    (script) => {
      const text = printed.get(script) ?? '';
      for (const value of Object.values(entered[script])) expect(text).toContain(value);
    },
  );

  it('gives back Arabic as entered, but for the brackets, which pdftotext cannot', () => {
    // The page draws a right-to-left stretch in display order with its brackets mirrored, as a
    // reader must see it: "كوب شاي [كبير]" is drawn, left to right, "[" "كبير" "]" " شاي كوب",
    // the "[" on the left being the mirror image of the "]" typed last. pdftotext reads the glyphs
    // back and runs its own small bidi over them (poppler's reorderText): on a page that is mostly
    // left to right, it reverses each stretch from a right-to-left letter up to the next
    // left-to-right letter or digit, and marks it with RLE...PDF. It mirrors nothing, and leaves
    // a bracket before the stretch outside it. So the letters, spaces and words come back in the
    // order typed, and the closing bracket comes back first, the opening one as "]": no drawing
    // could do better, as the bracket reversed into first place never becomes a right-to-left
    // letter that would pull it into the stretch. Drawn unmirrored (the bug this fixes), the
    // page would show "]كبير[" and pdftotext would read "]كوب شاي [كبير".
    const text = printed.get('arabic') ?? '';
    const rle = '\u202b';
    const pdf = '\u202c';
    expect(text).toContain(`[${rle}كوب شاي ]كبير${pdf}`);
    expect(text).toContain(`{${rle}يرجى التغليف }بعناية${pdf}`);
    // The shop prints as "name (code)": an Arabic name makes the line right to left, so the
    // code in its brackets is drawn at the left end.
    expect(text).toContain(`(SH01) (${rle}متجر دبي )الرئيسي${pdf}`);
  });

  it('prints every character of those names from a font that has its glyph', () => {
    const fonts = loadFonts();
    for (const chain of [fonts.regular, fonts.bold])
      for (const value of Object.values(entered).flatMap((e) => Object.values(e)))
        for (const run of splitRuns(value, chain)) {
          const glyphs = run.font.face.layout(run.text).glyphs;
          const missing = glyphs.filter((g) => g.id === 0).flatMap((g) => g.codePoints);
          expect({ run: run.text, font: run.font.name, missing }).toEqual({
            run: run.text,
            font: run.font.name,
            missing: [],
          });
        }
  });
});
