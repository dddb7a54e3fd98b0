// What head office offers the contract's invoice operations: reading a file (its text layer, or
// OCR of a photo, then the layout rules and the AI model where one is set up) and drawing a page
// for the review screen. Only the sync server has one, so the desktop installer carries no OCR
// engine and no PDF renderer (decision 0033). Types only.
import type { Reading } from './reading';

export type InvoiceMime = 'application/pdf' | 'image/jpeg' | 'image/png';

export interface InvoiceFile {
  bytes: Buffer;
  mime: InvoiceMime;
}

export interface ReadingHints {
  /** The suppliers' own product codes: a first-column token among them is a line's code. */
  knownCodes: ReadonlySet<string>;
  /** YYYY-MM-DD: the day dates are judged against. */
  today: string;
}

export interface InvoiceReadingService {
  /**
   * Reads the file. Throws a DomainError (FILE_REJECTED, field 'file') when it cannot be read:
   * a damaged or password-protected PDF, a photo too poor to trust, with what to do next.
   */
  read(file: InvoiceFile, hints: ReadingHints): Promise<Reading>;
  /** A page as an image, in the units the reading's boxes use (scaled by `width`/`pageWidth`). */
  pageImage(
    file: InvoiceFile,
    page: number,
  ): Promise<{ png: Buffer; width: number; height: number }>;
}
