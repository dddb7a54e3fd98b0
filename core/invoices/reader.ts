// Head office's reading of a supplier invoice (decision 0033): the words of the file (its text
// layer, or OCR of the photo), the layout rules' reading of them, and, where a model is set up
// and answers, the model's reading checked against the words. The model never replaces the
// words: a value it gives that the page does not show is kept unconfirmed for the person.
// Only the sync server builds one (the OCR engine and PDF renderer stay out of the desktop app).
import type { AiService } from '../ai/service';
import { readingText } from './evidence';
import { parseInvoice } from './parse';
import { readWithModel } from './model';
import { readDocument } from './read/read';
import { pageImage } from './read/render';
import type { Reading } from './reading';
import type { InvoiceFile, InvoiceReadingService, ReadingHints } from './service';

export function invoiceReader(ai: () => AiService | undefined): InvoiceReadingService {
  return {
    async read(file: InvoiceFile, hints: ReadingHints): Promise<Reading> {
      const started = Date.now();
      const doc = await readDocument(file.bytes, file.mime);
      const rules = parseInvoice(doc.pages, { knownCodes: hints.knownCodes, today: hints.today });
      const text = readingText(doc.pages);
      const service = ai();
      const settings = service ? await service.settings() : null;
      let invoice = rules;
      let by: Reading['by'] = 'rules';
      let model: string | null = null;
      let note: string | null = null;
      let modelError: string | null = null;
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
          { pages: doc.pages, text, ...(images && { images }) },
          rules,
        );
        if (answer.ok) {
          invoice = answer.invoice;
          by = 'model';
          model = answer.model;
        } else {
          modelError = answer.message;
          note = `The AI model did not help (${answer.message}): read by the layout rules alone.`;
        }
      }
      return {
        source: doc.source,
        pages: doc.pages,
        text,
        confidence: doc.confidence,
        deskewDegrees: doc.deskewDegrees,
        invoice,
        by,
        model,
        note,
        modelError,
        ms: Date.now() - started,
      };
    },
    pageImage: (file, page) => pageImage(file, page),
  };
}
