// The receipts this PC owes its printer. A sale is recorded before its receipt prints, and a
// printer that is off, out of paper or unplugged must never cost the sale: printing queues the
// receipt first (waiting), then sends it; what fails stays waiting with the printer's words and
// is printed again from the sales list (Retry, Reprint). The queue is device-local, as the
// printer is: nothing here emits an event, and the sale's own rows are only read.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { action, query } from '../contract/define';
import { id } from '../contract/fields';
import { assertBranchAccess } from '../contract/scope';
import { DomainError } from '../errors';
import { encodeReceipt } from './escpos';
import { renderReceiptPdf } from './pdf';
import { printerSettingsOf, type PrinterSettings } from './printer-settings';
import { receiptOf } from './receipt';
import { printOverTcp } from './tcp';

export interface PrintedPdf {
  fileName: string;
  mime: 'application/pdf';
  contentBase64: string;
}

export type PrintOutcome =
  /** This PC has no printer: nothing queued, nothing printed. */
  | { printed: false; kind: 'none'; error: null }
  | { printed: true; kind: 'network'; error: null }
  /** For the system printer: the renderer opens it; handed over counts as printed. */
  | { printed: true; kind: 'pdf'; error: null; pdf: PrintedPdf }
  /** The receipt waits: `error` says what to check and that Reprint prints it. */
  | { printed: false; kind: 'network' | 'pdf'; error: string; printer: string };

const advice =
  'Check the printer is on, connected and has paper, then press Reprint (or Retry) on the Sales screen; the sale is recorded.';
const addressAdvice =
  "Check the printer's address under Receipt printer on the Sales screen, then press Retry; the sale is recorded.";

function branchOfSale(ctx: Context, saleId: string): string {
  const row: unknown = ctx.db.sqlite
    .prepare('SELECT branch_id FROM sales WHERE id = ?')
    .get(saleId);
  const branchId =
    typeof row === 'object' && row !== null && 'branch_id' in row ? row.branch_id : undefined;
  if (typeof branchId !== 'string')
    throw new DomainError('NOT_FOUND', `There is no sale ${saleId} on this computer.`, {
      field: 'saleId',
      saleId,
    });
  return branchId;
}

/** Waiting, in the same call that prints: a crash between the two still leaves it queued. */
function queue(ctx: Context, saleId: string): void {
  ctx.db.sqlite
    .prepare(
      `INSERT INTO receipt_queue (document_id, kind, status, attempts, queued_at)
       VALUES (?, 'sale', 'waiting', 0, ?)
       ON CONFLICT (document_id) DO UPDATE SET status = 'waiting'`,
    )
    .run(saleId, ctx.now());
}

function settle(ctx: Context, saleId: string, error: string | null): void {
  ctx.db.sqlite
    .prepare(
      `UPDATE receipt_queue SET attempts = attempts + 1, last_error = ?,
         status = CASE WHEN ? IS NULL THEN 'printed' ELSE 'waiting' END,
         printed_at = CASE WHEN ? IS NULL THEN ? ELSE printed_at END
       WHERE document_id = ?`,
    )
    .run(error, error, error, ctx.now(), saleId);
}

const addressOf = (s: PrinterSettings) =>
  `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;

/** What went wrong in a few words (tcp.ts's reason without its advice), then what to do. */
function saidOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cut = message.indexOf(': ');
  const what = error instanceof DomainError && cut > 0 ? message.slice(0, cut) : message;
  const todo = message.includes("printer's address") ? addressAdvice : advice;
  return `${what.replace(/[.;:]\s*$/, '')}. ${todo}`;
}

/** Sends one queued receipt to the printer the settings name; a failure is kept, not thrown. */
async function printQueued(
  ctx: Context,
  saleId: string,
  settings: PrinterSettings,
): Promise<PrintOutcome> {
  if (settings.kind === 'none') return { printed: false, kind: 'none', error: null };
  try {
    const receipt = receiptOf(ctx.db, saleId);
    if (settings.kind === 'pdf') {
      const bytes = await renderReceiptPdf(receipt);
      settle(ctx, saleId, null);
      return {
        printed: true,
        kind: 'pdf',
        error: null,
        pdf: {
          fileName: `${receipt.number}.pdf`,
          mime: 'application/pdf',
          contentBase64: bytes.toString('base64'),
        },
      };
    }
    const bytes = encodeReceipt(receipt, { width: settings.paperWidth });
    await printOverTcp(settings.host, settings.port, bytes, { timeoutMs: settings.timeoutMs });
    settle(ctx, saleId, null);
    return { printed: true, kind: 'network', error: null };
  } catch (error) {
    const said = saidOf(error);
    settle(ctx, saleId, said);
    return {
      printed: false,
      kind: settings.kind,
      error: said,
      // What the counter's notice names: the printer's address, or the system printer.
      printer: settings.kind === 'network' ? addressOf(settings) : 'PDF',
    };
  }
}

/**
 * Prints a sale's receipt on this PC's printer, or prints it again (Reprint): queued as waiting
 * first, printed or left waiting with the reason. Never throws for the printer: the sale is
 * already recorded, and the answer says what the clerk should do.
 */
export const printReceipt = action({
  access: 'sales.record',
  input: z.object({ saleId: id }),
  handler: async (ctx, input): Promise<PrintOutcome> => {
    assertBranchAccess(ctx, branchOfSale(ctx, input.saleId), 'print receipts');
    const settings = printerSettingsOf(ctx.db);
    if (settings.kind === 'none') return { printed: false, kind: 'none', error: null };
    ctx.db.sqlite.transaction(() => queue(ctx, input.saleId)).immediate();
    return printQueued(ctx, input.saleId, settings);
  },
});

export interface WaitingReceipt {
  saleId: string;
  number: string;
  soldAt: number;
  attempts: number;
  lastError: string | null;
  queuedAt: number;
}

function waitingOf(ctx: Context): WaitingReceipt[] {
  const rows = ctx.db.sqlite
    .prepare(
      `SELECT q.document_id AS saleId, s.number, s.sold_at AS soldAt, q.attempts,
         q.last_error AS lastError, q.queued_at AS queuedAt, s.branch_id AS branchId
       FROM receipt_queue q JOIN sales s ON s.id = q.document_id
       WHERE q.kind = 'sale' AND q.status = 'waiting'
       ORDER BY q.queued_at, s.number`,
    )
    .all();
  return z
    .array(
      z.object({
        saleId: z.string(),
        number: z.string(),
        soldAt: z.number().int(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        queuedAt: z.number().int(),
        branchId: z.string(),
      }),
    )
    .parse(rows)
    .filter((r) => {
      try {
        assertBranchAccess(ctx, r.branchId, 'print receipts');
        return true;
      } catch {
        return false;
      }
    })
    .map(({ branchId: _b, ...r }) => r);
}

const noPrinter =
  'This computer has no receipt printer set: choose one under Receipt printer on the Sales screen, then press Retry.';

/** The receipts this PC has not printed yet, oldest first. */
export const waitingReceipts = query({
  access: 'sales.record',
  input: z.object({}),
  handler: (ctx) => waitingOf(ctx),
});

/**
 * Tries every waiting receipt again, oldest first, on the printer set now. After the first that
 * fails the printer is taken to be still off: the rest wait without another timeout each.
 */
export const retryReceipts = action({
  access: 'sales.record',
  input: z.object({}),
  handler: async (ctx) => {
    const settings = printerSettingsOf(ctx.db);
    const waiting = waitingOf(ctx);
    if (settings.kind === 'none' && waiting.length > 0)
      return { printed: 0, waiting: waiting.length, error: noPrinter, pdfs: [] };
    let printed = 0;
    const pdfs: PrintedPdf[] = [];
    for (const receipt of waiting) {
      const outcome = await printQueued(ctx, receipt.saleId, settings);
      if (!outcome.printed)
        return { printed, waiting: waiting.length - printed, error: outcome.error, pdfs };
      printed += 1;
      if (outcome.kind === 'pdf') pdfs.push(outcome.pdf);
    }
    return { printed, waiting: waiting.length - printed, error: null, pdfs };
  },
});
