// Printing a sale's receipt on this PC's printer, from the counter and from the Sales screen.
// The core queues and sends it (receipts.print); a PDF receipt (a PC that prints through the
// system printer) comes back here and is printed from a hidden frame, as order documents are.
import type { Client, OutputOf } from './client';
import { base64ToBlob } from './files';

export type PrintOutcome = OutputOf<'receipts.print'>;
type Pdf = Extract<PrintOutcome, { pdf: unknown }>['pdf'];

/** Prints a PDF receipt through the system's print dialog, from a frame no one sees. */
export function printPdf(pdf: Pdf, onDone: () => void = () => undefined): void {
  const url = URL.createObjectURL(base64ToBlob(pdf.contentBase64, pdf.mime));
  const frame = document.createElement('iframe');
  frame.className = 'sr-only';
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.title = pdf.fileName;
  frame.src = url;
  frame.onload = () => {
    frame.contentWindow?.print();
    // The dialog is modal: once it has closed the frame and its URL go.
    window.setTimeout(() => {
      frame.remove();
      URL.revokeObjectURL(url);
      onDone();
    }, 1_000);
  };
  document.body.append(frame);
}

/** Prints (or prints again) one sale's receipt; a PDF goes to the system printer. */
export async function printReceipt(
  client: Client,
  saleId: string,
  onPdfDone?: () => void,
): Promise<PrintOutcome> {
  const outcome = await client.call('receipts.print', { saleId });
  if (outcome.kind === 'pdf' && outcome.printed) printPdf(outcome.pdf, onPdfDone);
  return outcome;
}
