// The payment slip on the payment proof: what finance decided about it, and the slip itself.
import { statusLabel } from '../orders/status';
import { formatDateTime, styles, type Sheet } from './layout';
import { formatQuantity } from './money';
import type { OrderDetail } from '../orders/queries';

export interface Slip {
  bytes: Buffer;
  mime: 'image/jpeg' | 'image/png' | 'application/pdf';
  originalName: string;
  attachedAt: number;
}

const kinds: Record<Slip['mime'], string> = {
  'image/jpeg': 'JPEG image',
  'image/png': 'PNG image',
  'application/pdf': 'PDF document',
};

/** What finance has decided about this slip, from the order's slips and its timeline. */
export function slipVerification(
  order: OrderDetail,
  slip: Slip | null,
  timeZone: string | undefined,
): string {
  if (!slip) return 'No payment slip has been attached to this order yet.';
  const record = order.slips.find(
    (s) => s.originalName === slip.originalName && s.attachedAt === slip.attachedAt,
  );
  if (!record)
    return `This slip is not recorded on the order; the order is ${statusLabel[order.status]}.`;
  // The decision is the first verify or reject step after this slip was attached.
  const decision = (step: string) =>
    order.timeline.find((t) => t.step === step && t.at >= record.attachedAt);
  const by = (t: OrderDetail['timeline'][number]) =>
    `by ${t.userName ?? t.userId} on ${formatDateTime(t.at, timeZone)}`;
  switch (record.status) {
    case 'pending':
      return 'Waiting for finance to verify the payment.';
    case 'verified': {
      const step = decision('payment_verified');
      if (!step) return 'Verified.';
      return `Verified ${by(step)}${step.note ? `: ${step.note}` : '.'}`;
    }
    case 'rejected': {
      const step = decision('payment_rejected');
      const reason = record.reason ?? step?.note;
      return `Rejected${step ? ` ${by(step)}` : ''}${reason ? `: ${reason}` : '.'}`;
    }
    case 'replaced':
      return 'Replaced: a later slip (or the cancellation of the order) took its place.';
    default:
      return `Status: ${record.status}.`;
  }
}

function sizeLabel(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${formatQuantity(Math.ceil(bytes / 1024))} KB`;
}

/** Pixel size read from the file header, or null if the header is not one we know. */
export function imageSize(
  bytes: Buffer,
  mime: Slip['mime'],
): { width: number; height: number } | null {
  if (mime === 'image/png') {
    // The IHDR chunk always comes first: width and height right after the 8-byte signature and
    // the chunk's length and type.
    if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (mime === 'image/jpeg') {
    // Walk the segments to the frame header (SOF0..SOF15 other than DHT, JPG and DAC).
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1] ?? 0;
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
      at += 2 + bytes.readUInt16BE(at + 2);
    }
  }
  return null;
}

/** The slip's details, then the slip scaled to fit the rest of the page (or the next one). */
export function drawSlip(sheet: Sheet, slip: Slip | null, timeZone: string | undefined): void {
  sheet.heading('Payment slip');
  if (!slip) {
    sheet.paragraph('No payment slip has been attached to this order yet.');
    return;
  }
  sheet.fields(
    [
      ['File', slip.originalName],
      ['Type', kinds[slip.mime]],
      ['Size', sizeLabel(slip.bytes.length)],
      ['Attached', formatDateTime(slip.attachedAt, timeZone)],
    ],
    2,
  );
  sheet.gap(8);
  if (slip.mime === 'application/pdf') {
    // pdfkit can draw images but cannot place another PDF's pages.
    sheet.paragraph(
      'The slip is a PDF document. It cannot be shown here; it is kept with the order in the ' +
        'app, where it can be opened and printed on its own.',
      styles.bold,
    );
    return;
  }
  if (sheet.room < 200) sheet.newPage();
  const natural = imageSize(slip.bytes, slip.mime);
  // Shrink a large photo to the space left, but never blow a small image up past its pixels.
  const longest = natural ? Math.max(natural.width, natural.height) : Infinity;
  const box: [number, number] = [Math.min(sheet.width, longest), Math.min(sheet.room, longest)];
  try {
    sheet.doc.image(slip.bytes, sheet.left + (sheet.width - box[0]) / 2, sheet.y, {
      fit: box,
      align: 'center',
    });
    sheet.y += box[1];
  } catch {
    // A damaged file must not stop the rest of the proof from printing.
    sheet.paragraph(
      'The slip image could not be read (the file may be damaged). It is kept with the order ' +
        'in the app.',
      styles.bold,
    );
  }
}
