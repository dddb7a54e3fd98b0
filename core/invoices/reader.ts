// Head office's reading of a supplier invoice (decision 0033): the words of the file (its text
// layer, or OCR of the photo), the layout rules' reading of them, and, where a model is set up
// and answers, the model's reading checked against the words. The model never replaces the
// words: a value it gives that the page does not show is kept unconfirmed for the person.
// Only the sync server builds one (the OCR engine and PDF renderer stay out of the desktop app).
import type { AiService } from '../ai/service';
import { parseInvoice } from './parse';
import { readWithModel } from './model';
import { readDocument } from './read/read';
import { pageImage } from './read/render';
import type { Reading } from './reading';
import type { InvoiceFile, InvoiceReadingService, ReadingHints } from './service';
import type { Page } from './document';

/** The page's words as rows of text, top to bottom: what a model reads. */
export function pageText(pages: readonly Page[]): string {
  return pages
    .map((page) => {
      const rows: { y: number; h: number; words: Page['words'] }[] = [];
      for (const w of [...page.words].sort((a, b) => a.y - b.y || a.x - b.x)) {
        const row = rows.find(
          (r) => Math.abs(r.y + r.h / 2 - (w.y + w.h / 2)) < Math.max(r.h, w.h) / 2,
        );
        if (row) row.words.push(w);
        else rows.push({ y: w.y, h: w.h, words: [w] });
      }
      const text = rows
        .map((r) =>
          [...r.words]
            .sort((a, b) => a.x - b.x)
            .map((w) => w.text)
            .join(' '),
        )
        .join('\n');
      return `--- page ${page.number} ---\n${text}`;
    })
    .join('\n');
}

export function invoiceReader(ai: () => AiService | undefined): InvoiceReadingService {
  return {
    async read(file: InvoiceFile, hints: ReadingHints): Promise<Reading> {
      const started = Date.now();
      const doc = await readDocument(file.bytes, file.mime);
      const rules = parseInvoice(doc.pages, { knownCodes: hints.knownCodes, today: hints.today });
      const service = ai();
      const settings = service ? await service.settings() : null;
      let invoice = rules;
      let by: Reading['by'] = 'rules';
      let model: string | null = null;
      let note: string | null = null;
      if (!service || !settings?.ready)
        note = 'No AI model is set up: read by the layout rules alone.';
      else {
        // The model sees the photo itself where it takes images; a PDF's text is exact already.
        const images =
          file.mime === 'application/pdf'
            ? undefined
            : [{ mime: file.mime, base64: file.bytes.toString('base64') }];
        const answer = await readWithModel(
          service,
          { pages: doc.pages, text: pageText(doc.pages), ...(images && { images }) },
          rules,
        );
        if (answer.ok) {
          invoice = answer.invoice;
          by = 'model';
          model = answer.model;
        } else
          note = `The AI model did not help (${answer.message}): read by the layout rules alone.`;
      }
      return {
        source: doc.source,
        pages: doc.pages,
        confidence: doc.confidence,
        deskewDegrees: doc.deskewDegrees,
        invoice,
        by,
        model,
        note,
        ms: Date.now() - started,
      };
    },
    pageImage: (file, page) => pageImage(file, page),
  };
}
