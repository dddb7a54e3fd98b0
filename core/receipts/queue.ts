// The receipts this PC owes its printer: a sale's, a return's, or a till's Z report
// (./documents.ts). A sale is recorded before its receipt prints, and a
// printer that is off, out of paper or unplugged must never cost the sale: printing queues the
// receipt first (waiting), then sends it; what fails stays waiting with the printer's words and
// is printed again from the sales list (Retry, Reprint). The queue is device-local, as the
// printer is: nothing here emits an event, and the sale's own rows are only read.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { action, query } from '../contract/define';
import { id, isoDate } from '../contract/fields';
import { assertBranchAccess } from '../contract/scope';
import { DomainError } from '../errors';
import { zReportFor } from '../sales/shifts';
import {
  branchOfDocument,
  documentIdOf,
  documentOf,
  renderDocument,
  type DocumentKind,
  type PrintedPdf,
  type QueuedDocument,
} from './documents';
import { printerSettingsOf, type PrinterSettings } from './printer-settings';
import { printToPort } from './port';
import { printOverTcp } from './tcp';

export type { PrintedPdf } from './documents';

export type PrintOutcome =
  /** This PC has no printer: nothing queued, nothing printed. */
  | { printed: false; kind: 'none'; error: null }
  | { printed: true; kind: 'network' | 'port'; error: null }
  /** For the system printer: the renderer opens it; handed over counts as printed. */
  | { printed: true; kind: 'pdf'; error: null; pdf: PrintedPdf }
  /** The receipt waits: `error` says what to check and that Reprint prints it. */
  | { printed: false; kind: 'network' | 'port' | 'pdf'; error: string; printer: string };

const advice =
  'Check the printer is on, connected and has paper, then press Reprint (or Retry) on the Sales screen; the sale is recorded.';
const addressAdvice =
  "Check the printer's address under Receipt printer on the Sales screen, then press Retry; the sale is recorded.";

/** Waiting, in the same call that prints: a crash between the two still leaves it queued. */
function queue(ctx: Context, doc: QueuedDocument): void {
  ctx.db.sqlite
    .prepare(
      `INSERT INTO receipt_queue (document_id, kind, status, attempts, queued_at)
       VALUES (?, ?, 'waiting', 0, ?)
       ON CONFLICT (document_id) DO UPDATE SET status = 'waiting'`,
    )
    .run(documentIdOf(doc), doc.kind, ctx.now());
}

function settle(ctx: Context, doc: QueuedDocument, error: string | null): void {
  ctx.db.sqlite
    .prepare(
      `UPDATE receipt_queue SET attempts = attempts + 1, last_error = ?,
         status = CASE WHEN ? IS NULL THEN 'printed' ELSE 'waiting' END,
         printed_at = CASE WHEN ? IS NULL THEN ? ELSE printed_at END
       WHERE document_id = ?`,
    )
    .run(error, error, error, ctx.now(), documentIdOf(doc));
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

/** Sends one queued document to the printer the settings name; a failure is kept, not thrown. */
async function printQueued(
  ctx: Context,
  doc: QueuedDocument,
  settings: PrinterSettings,
): Promise<PrintOutcome> {
  if (settings.kind === 'none') return { printed: false, kind: 'none', error: null };
  try {
    const rendered = await renderDocument(ctx.db, doc, settings, ctx.now());
    if ('pdf' in rendered) {
      settle(ctx, doc, null);
      return { printed: true, kind: 'pdf', error: null, pdf: rendered.pdf };
    }
    if (settings.kind === 'port') {
      await printToPort(settings.path, rendered.bytes, { timeoutMs: settings.timeoutMs });
      settle(ctx, doc, null);
      return { printed: true, kind: 'port', error: null };
    }
    await printOverTcp(settings.host, settings.port, rendered.bytes, {
      timeoutMs: settings.timeoutMs,
    });
    settle(ctx, doc, null);
    return { printed: true, kind: 'network', error: null };
  } catch (error) {
    const said = saidOf(error);
    settle(ctx, doc, said);
    return {
      printed: false,
      kind: settings.kind,
      error: said,
      // What the counter's notice names: the printer's address, or the system printer.
      printer:
        settings.kind === 'network'
          ? addressOf(settings)
          : settings.kind === 'port'
            ? settings.path
            : 'PDF',
    };
  }
}

/** Queues the document as waiting, then prints it: never throws for the printer. */
async function printNow(ctx: Context, doc: QueuedDocument): Promise<PrintOutcome> {
  const settings = printerSettingsOf(ctx.db);
  if (settings.kind === 'none') return { printed: false, kind: 'none', error: null };
  ctx.db.sqlite.transaction(() => queue(ctx, doc)).immediate();
  return printQueued(ctx, doc, settings);
}

/**
 * Prints a sale's receipt, or a return's, on this PC's printer, or prints it again (Reprint):
 * queued as waiting first, printed or left waiting with the reason. Never throws for the
 * printer: the sale (or return) is already recorded, and the answer says what the clerk should do.
 */
export const printReceipt = action({
  access: 'sales.record',
  input: z
    .object({ saleId: id.optional(), returnId: id.optional() })
    .refine((i) => (i.saleId === undefined) !== (i.returnId === undefined), {
      message: 'give the saleId of a sale or the returnId of a return, one of them',
      path: ['saleId'],
    }),
  handler: async (ctx, input): Promise<PrintOutcome> => {
    const doc: QueuedDocument =
      input.returnId !== undefined
        ? { kind: 'return', returnId: input.returnId }
        : { kind: 'sale', saleId: input.saleId ?? '' };
    assertBranchAccess(ctx, branchOfDocument(ctx.db, doc), 'print receipts');
    return printNow(ctx, doc);
  },
});

/**
 * Prints a till's Z report of a day on this PC's receipt printer (this PC's till unless
 * another is named), queued like a receipt: a printer that is off leaves it waiting.
 */
export const printZReport = action({
  access: 'sales.record',
  input: z.object({
    day: isoDate,
    deviceId: id.optional(),
  }),
  handler: async (ctx, input): Promise<PrintOutcome> => {
    // Who may see the report may print it; the figures are read again when it prints.
    const report = zReportFor(ctx, input);
    return printNow(ctx, { kind: 'z_report', deviceId: report.deviceId, day: report.day });
  },
});

export interface WaitingReceipt {
  kind: DocumentKind;
  documentId: string;
  /** The sale's id: of the sale, or of the sale a return returns from; null for a Z report. */
  saleId: string | null;
  /** The receipt's number, or "Z <day>" for a Z report. */
  number: string;
  attempts: number;
  lastError: string | null;
  queuedAt: number;
}

const waitingRow = z.object({
  kind: z.enum(['sale', 'return', 'z_report']),
  documentId: z.string(),
  saleId: z.string().nullable(),
  number: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  queuedAt: z.number().int(),
  branchId: z.string().nullable(),
});

function waitingOf(ctx: Context): (WaitingReceipt & { doc: QueuedDocument })[] {
  const rows = z.array(waitingRow).parse(
    ctx.db.sqlite
      .prepare(
        `SELECT q.kind, q.document_id AS documentId, q.attempts, q.last_error AS lastError,
           q.queued_at AS queuedAt,
           coalesce(s.id, r.sale_id) AS saleId, coalesce(s.number, r.number) AS number,
           coalesce(s.branch_id, r.branch_id) AS branchId
         FROM receipt_queue q
         LEFT JOIN sales s ON q.kind = 'sale' AND s.id = q.document_id
         LEFT JOIN sale_returns r ON q.kind = 'return' AND r.id = q.document_id
         WHERE q.status = 'waiting'
         ORDER BY q.queued_at, q.document_id`,
      )
      .all(),
  );
  return rows.flatMap(({ branchId, ...r }) => {
    const doc = documentOf(r.kind, r.documentId);
    if (!doc) return [];
    try {
      // A Z report's branch is its till's; a sale or return this PC no longer has is left out.
      const branch = doc.kind === 'z_report' ? branchOfDocument(ctx.db, doc) : branchId;
      if (branch === null) return [];
      assertBranchAccess(ctx, branch, 'print receipts');
    } catch {
      return [];
    }
    const number = doc.kind === 'z_report' ? `Z ${doc.day}` : (r.number ?? r.documentId);
    return [{ ...r, number, doc }];
  });
}

const noPrinter =
  'This computer has no receipt printer set: choose one under Receipt printer on the Sales screen, then press Retry.';

/** The receipts (and Z reports) this PC has not printed yet, oldest first. */
export const waitingReceipts = query({
  access: 'sales.record',
  input: z.object({}),
  handler: (ctx): WaitingReceipt[] => waitingOf(ctx).map(({ doc: _d, ...r }) => r),
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
      const outcome = await printQueued(ctx, receipt.doc, settings);
      if (!outcome.printed)
        return { printed, waiting: waiting.length - printed, error: outcome.error, pdfs };
      printed += 1;
      if (outcome.kind === 'pdf') pdfs.push(outcome.pdf);
    }
    return { printed, waiting: waiting.length - printed, error: null, pdfs };
  },
});
