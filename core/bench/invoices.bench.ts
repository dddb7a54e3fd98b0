// The invoice-reading benchmark (npm run bench:invoices, decision 0033): supplier invoices read
// with the layout rules alone (no model), as text PDFs and as phone photos, and scored field by
// field against what they say: the supplier (matched against the suppliers on file), the number,
// the date, the total, and each line's code, quantity and unit price. Also the time per page.
// Prints a table and, as the last line, one JSON object. A missed target is reported, never an
// exit code.
//
// Invoices are generated (core/invoices/testing) unless `--input <folder>` gives them: each
// invoice a file (name.pdf, name.jpg or name.png) with its truth beside it (name.json:
// { supplierName, supplierTaxId?, number, date: "YYYY-MM-DD", total (minor units), lines:
// [{ code?, quantity, unitPrice (minor units) }] }). The suppliers on file are then those the
// truths name.
// Environment: BENCH_INVOICES (default 56: 8 of each of the 7 layouts), BENCH_PHOTOS (default:
// as many), BENCH_SEED (default 1).
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { numberKey } from '../invoices/events';
import type { Page, ReadInvoice } from '../invoices/document';
import { matchSupplier } from '../invoices/match';
import { parseInvoice } from '../invoices/parse';
import { closeOcr } from '../invoices/read/ocr';
import { readDocument, type InvoiceMime } from '../invoices/read/read';
import { SUPPLIERS } from '../invoices/testing/catalogue';
import {
  LAYOUTS,
  invoiceImage,
  invoicePdf,
  makeInvoice,
  phonePhoto,
} from '../invoices/testing/generate';
import { openDemo } from '../testing/demo';
import { table, type Row } from './stats';

const truthSchema = z.object({
  supplierName: z.string(),
  supplierTaxId: z.string().nullable().optional(),
  number: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  total: z.number().int(),
  lines: z.array(
    z.object({
      code: z.string().nullable().optional(),
      quantity: z.number(),
      unitPrice: z.number().int(),
    }),
  ),
});
type Truth = z.infer<typeof truthSchema>;

/** One invoice to read: its pages as files (a photo per page; a PDF as one), and its truth. */
interface Case {
  name: string;
  kind: 'pdf' | 'photo';
  files: { bytes: Buffer; mime: InvoiceMime }[];
  truth: Truth;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number ≥ 0, not ${raw}`);
  return value;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const MIME: Record<string, InvoiceMime> = {
  '.pdf': 'application/pdf',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

function casesFromFolder(folder: string): Case[] {
  return readdirSync(folder)
    .filter((f) => MIME[extname(f).toLowerCase()])
    .sort()
    .map((file) => {
      const base = file.slice(0, -extname(file).length);
      const truthFile = join(folder, `${base}.json`);
      let truth: Truth;
      try {
        truth = truthSchema.parse(JSON.parse(readFileSync(truthFile, 'utf8')));
      } catch (error) {
        throw new Error(`${truthFile}: not a truth for ${file} (${String(error)})`);
      }
      const mime = MIME[extname(file).toLowerCase()]!;
      return {
        name: file,
        kind: mime === 'application/pdf' ? ('pdf' as const) : ('photo' as const),
        files: [{ bytes: readFileSync(join(folder, file)), mime }],
        truth,
      };
    });
}

async function generatedCases(invoices: number, photos: number, seed: number): Promise<Case[]> {
  const cases: Case[] = [];
  for (let i = 0; i < invoices; i++) {
    const layout = LAYOUTS[i % LAYOUTS.length]!;
    const inv = makeInvoice(seed * 10_000 + i, layout);
    const truth: Truth = { ...inv.truth, lines: inv.truth.lines };
    cases.push({
      name: `${layout} #${i}`,
      kind: 'pdf',
      files: [{ bytes: await invoicePdf(inv), mime: 'application/pdf' }],
      truth,
    });
    if (i < photos) {
      const files = [];
      for (let p = 0; p < inv.pages.length; p++) {
        // A phone photo: a few degrees off, slightly blurred, JPEG-compressed.
        const turn = ((i * 7 + p * 3) % 9) - 4;
        files.push({
          bytes: await phonePhoto(await invoiceImage(inv, p), {
            rotateDegrees: turn * 0.75,
            blurSigma: 0.5 + (i % 3) * 0.2,
            jpegQuality: 55 + (i % 4) * 10,
          }),
          mime: 'image/jpeg' as const,
        });
      }
      cases.push({ name: `${layout} #${i} (photo)`, kind: 'photo', files, truth });
    }
    process.stderr.write(`invoices bench: made ${i + 1} / ${invoices}\n`);
  }
  return cases;
}

interface Score {
  right: number;
  fields: number;
}

/** The read lines paired with the truth's: each truth line takes the unused read line most like it. */
function scoreLines(truth: Truth, read: ReadInvoice, score: Score): void {
  const used = new Set<number>();
  for (const t of truth.lines) {
    const fields = (l: ReadInvoice['lines'][number]) => [
      ...(t.code ? [numberKey(l.code?.value ?? '') === numberKey(t.code)] : []),
      l.quantity.value === t.quantity,
      l.unitPrice.value === t.unitPrice,
    ];
    let best = -1;
    let bestRight = -1;
    read.lines.forEach((l, i) => {
      if (used.has(i)) return;
      const right = fields(l).filter(Boolean).length;
      if (right > bestRight) [best, bestRight] = [i, right];
    });
    const n = (t.code ? 1 : 0) + 2;
    score.fields += n;
    if (best >= 0) {
      used.add(best);
      score.right += bestRight;
    }
  }
}

const seed = positiveInteger('BENCH_SEED', 1);
const input = argument('--input');
const invoiceCount = positiveInteger('BENCH_INVOICES', 56);
const cases = input
  ? casesFromFolder(input)
  : await generatedCases(invoiceCount, positiveInteger('BENCH_PHOTOS', invoiceCount), seed);

// The suppliers on file: the catalogue's, or those the truths name.
const world = await openDemo();
const admin = world.as('admin');
const supplierIds = new Map<string, string>();
const onFile = input
  ? [...new Map(cases.map((c) => [c.truth.supplierName, c.truth.supplierTaxId ?? null])).entries()]
  : SUPPLIERS.map((s) => [s.name, s.taxId] as const);
for (const [name, taxId] of onFile) {
  const saved = await admin('suppliers.save', {
    name,
    ...(taxId ? { taxId } : {}),
    currencyCode: 'ETB',
    leadTimeDays: 3,
  });
  supplierIds.set(name, saved.id);
}

const scores = { pdf: { right: 0, fields: 0 }, photo: { right: 0, fields: 0 } };
const byField = new Map<string, Score>();
const time = { pdf: { ms: 0, pages: 0 }, photo: { ms: 0, pages: 0 } };
const failures: string[] = [];
for (const [index, c] of cases.entries()) {
  const started = performance.now();
  const pages: Page[] = [];
  try {
    for (const file of c.files) {
      const doc = await readDocument(file.bytes, file.mime, { acceptPoor: true });
      for (const page of doc.pages) pages.push({ ...page, number: pages.length + 1 });
    }
  } catch (error) {
    failures.push(`${c.name}: ${String(error)}`);
  }
  const read = parseInvoice(pages, { today: '2026-12-31' });
  time[c.kind].ms += performance.now() - started;
  time[c.kind].pages += Math.max(1, pages.length);

  const score = scores[c.kind];
  const field = (name: string, right: boolean) => {
    score.fields++;
    if (right) score.right++;
    const f = byField.get(`${c.kind} ${name}`) ?? { right: 0, fields: 0 };
    f.fields++;
    if (right) f.right++;
    byField.set(`${c.kind} ${name}`, f);
  };
  const matched = matchSupplier(world.core.db, read).supplierId;
  field('supplier', matched !== null && matched === supplierIds.get(c.truth.supplierName));
  field('number', numberKey(read.number?.value ?? '') === numberKey(c.truth.number));
  field('date', read.date?.value === c.truth.date);
  field('total', read.total?.value === c.truth.total);
  const lines = { right: 0, fields: 0 };
  scoreLines(c.truth, read, lines);
  score.right += lines.right;
  score.fields += lines.fields;
  const f = byField.get(`${c.kind} lines`) ?? { right: 0, fields: 0 };
  byField.set(`${c.kind} lines`, { right: f.right + lines.right, fields: f.fields + lines.fields });
  if (index % 10 === 9)
    process.stderr.write(`invoices bench: read ${index + 1} / ${cases.length}\n`);
}
await closeOcr();
world.core.close();

const ratio = (s: Score) => (s.fields === 0 ? null : s.right / s.fields);
const perPage = (t: { ms: number; pages: number }) => (t.pages === 0 ? null : t.ms / t.pages);
const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? 'n/a' : `${x.toFixed(0)} ms`);
const accuracyPdf = ratio(scores.pdf);
const accuracyPhoto = ratio(scores.photo);
const pdfMs = perPage(time.pdf);
const photoMs = perPage(time.photo);
const rows: Row[] = [
  {
    measure: `fields right, text PDFs (${scores.pdf.fields} fields)`,
    value: pct(accuracyPdf),
    target: '100%',
    pass: accuracyPdf === null || accuracyPdf === 1,
  },
  {
    measure: `fields right, photos, rules only (${scores.photo.fields} fields)`,
    value: pct(accuracyPhoto),
    target: '≥ 90%',
    pass: accuracyPhoto === null || accuracyPhoto >= 0.9,
  },
  {
    measure: `time per text-PDF page (${time.pdf.pages} pages)`,
    value: ms(pdfMs),
    target: '< 1000 ms',
    pass: pdfMs === null || pdfMs < 1000,
  },
  {
    measure: `time per photo page (${time.photo.pages} pages)`,
    value: ms(photoMs),
    target: '< 5000 ms',
    pass: photoMs === null || photoMs < 5000,
  },
  ...[...byField.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => ({ measure: `  ${name}`, value: `${pct(ratio(s))} of ${s.fields}` })),
  { measure: 'files that could not be read', value: String(failures.length) },
];
console.log(
  `Invoice reading, rules only: ${cases.length} invoices (${input ? `from ${input}` : `generated, seed ${seed}`})`,
);
console.log(table(rows));
for (const f of failures.slice(0, 10)) console.log(`  could not read ${f}`);
console.log(
  JSON.stringify({
    invoices: cases.length,
    pdfs: cases.filter((c) => c.kind === 'pdf').length,
    photos: cases.filter((c) => c.kind === 'photo').length,
    fields_accuracy_pdf: accuracyPdf,
    fields_accuracy_photo: accuracyPhoto,
    pdf_page_ms: pdfMs === null ? null : Math.round(pdfMs),
    photo_page_ms: photoMs === null ? null : Math.round(photoMs),
    unreadable: failures.length,
    by_field: Object.fromEntries([...byField].map(([k, s]) => [k.replace(' ', '_'), ratio(s)])),
  }),
);
