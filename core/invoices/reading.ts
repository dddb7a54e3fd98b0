// A reading as stored with its invoice (supplier_invoice.read's payload, JSON): the words found
// on each page, what the rules and the model read from them, and a note on how it went. Parsed
// with these schemas whenever it is read back, so a reading from an older head office that does
// not fit is shown as unreadable rather than half-understood.
import { z } from 'zod';
import type { ReadInvoice } from './document';

const box = { x: z.number(), y: z.number(), w: z.number(), h: z.number() };

const word = z.object({ ...box, text: z.string(), confidence: z.number() });

const page = z.object({
  number: z.number().int().positive(),
  width: z.number().positive(),
  height: z.number().positive(),
  unit: z.enum(['pt', 'px']),
  words: z.array(word),
});

const evidence = z.object({
  page: z.number().int(),
  box: z.object(box),
  confidence: z.number(),
  by: z.enum(['rules', 'model', 'person']),
});

const read = <T extends z.ZodType>(value: T) => z.object({ value, at: evidence.nullable() });

const line = z.object({
  code: read(z.string()).nullable(),
  description: read(z.string()),
  quantity: read(z.number()),
  unitPrice: read(z.number()),
  amount: read(z.number()),
});

export const readInvoiceSchema = z.object({
  kind: z.enum(['invoice', 'credit']),
  supplierName: read(z.string()).nullable(),
  supplierTaxId: read(z.string()).nullable(),
  supplierPhone: read(z.string()).nullable(),
  supplierEmail: read(z.string()).nullable(),
  number: read(z.string()).nullable(),
  date: read(z.string()).nullable(),
  currency: read(z.string()).nullable(),
  orderReference: read(z.string()).nullable(),
  subtotal: read(z.number()).nullable(),
  tax: read(z.number()).nullable(),
  total: read(z.number()).nullable(),
  lines: z.array(line),
}) satisfies z.ZodType<ReadInvoice>;

export const readingSchema = z.object({
  source: z.enum(['text-layer', 'ocr']),
  pages: z.array(page),
  /** The pages' text in reading order, rows rebuilt from the words: shown to the person. */
  text: z.string(),
  /** Mean word confidence, 0–1. */
  confidence: z.number(),
  deskewDegrees: z.number(),
  /** What is proposed to the person: the rules' reading, improved by the model's where it helped. */
  invoice: readInvoiceSchema,
  /** Who read it: rules only, or rules and the named model. */
  by: z.enum(['rules', 'model']),
  model: z.string().nullable(),
  /** Why the model did not help (not set up, timed out…), for the person; null when it did. */
  note: z.string().nullable(),
  /** What went wrong with a model that is set up (timed out, refused…); null otherwise. */
  modelError: z.string().nullable(),
  ms: z.number(),
});
export type Reading = z.infer<typeof readingSchema>;

/** The stored reading, or null when there is none or it no longer fits the schema. */
export function parseReading(json: string | null): Reading | null {
  if (json === null) return null;
  try {
    const parsed = readingSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
