// Printing a sale's or a return's receipt, or a till's Z report, on this PC's printer: from the
// counter, the Sales, Returns and Day close screens. The core queues and sends it
// (receipts.print, receipts.printZReport); a PDF (a PC that prints through the
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

/** A PDF goes to the system printer; every outcome goes back to the screen to tell the clerk. */
function handOver(outcome: PrintOutcome, onPdfDone?: () => void): PrintOutcome {
  if (outcome.kind === 'pdf' && outcome.printed) printPdf(outcome.pdf, onPdfDone);
  return outcome;
}

/** Prints (or prints again) one sale's receipt; a PDF goes to the system printer. */
export async function printReceipt(
  client: Client,
  saleId: string,
  onPdfDone?: () => void,
): Promise<PrintOutcome> {
  return handOver(await client.call('receipts.print', { saleId }), onPdfDone);
}

/** Prints (or prints again) one return's receipt; a PDF goes to the system printer. */
export async function printReturnReceipt(
  client: Client,
  returnId: string,
  onPdfDone?: () => void,
): Promise<PrintOutcome> {
  return handOver(await client.call('receipts.print', { returnId }), onPdfDone);
}

/** Prints this till's Z report of a day on the receipt printer (or the system printer's PDF). */
export async function printZReport(client: Client, day: string): Promise<PrintOutcome> {
  return handOver(await client.call('receipts.printZReport', { day }));
}
