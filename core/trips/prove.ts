// The driver's proof of one stop, as a command (decision 0034): every line marked first, then
// the signature; files stored by content hash and named by the event, which is checked again
// when applied in head office's order.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { command } from '../contract/define';
import { countedQuantity, id, optionalText, quantity, text } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { parseRow } from '../db/rows';
import { DomainError } from '../errors';
import { emit } from '../events/emit';
import { loadCustomerOrder } from '../field/state';
import { acceptUpload, uploadContent } from '../files/upload';
import { newId } from '../ids';
import { paymentMethods } from '../vocabulary';
import { checkCollected, checkLines, type ProofLine } from './proof-event';
import { mustBeDriver, pendingStop, tripForStep } from './state';

const MAX_SIGNATURE_BYTES = 1024 * 1024;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

const input = z.object({
  tripId: id,
  orderId: id,
  /** Made on the device when the driver starts the proof, so a retry sends the same one. */
  proofId: id.optional(),
  lines: z
    .array(
      z.object({
        lineNo: z.number().int().positive(),
        delivered: countedQuantity,
        damaged: countedQuantity,
        short: countedQuantity,
        reason: optionalText(300),
      }),
    )
    .min(1, 'mark every line of the order'),
  returns: z.array(z.object({ variantId: id, quantity })).max(50),
  collected: z
    .object({
      amount: z.number().int().positive('must be more than 0').max(1e12),
      method: z.enum(paymentMethods),
      reference: optionalText(100),
    })
    .nullable(),
  signature: z.object({ contentBase64: uploadContent(MAX_SIGNATURE_BYTES, 'a signature') }),
  photos: z.record(
    z.string().regex(/^\d+$/, 'must be a line number'),
    uploadContent(MAX_PHOTO_BYTES, 'a photo'),
  ),
  signedBy: text(100),
  note: optionalText(500),
});

const PENDING_PHOTO = '0'.repeat(64);

function storeImage(
  ctx: Context,
  contentBase64: string,
  field: string,
  png: boolean,
  max: number,
): string {
  const { bytes, mime } = acceptUpload(field, contentBase64, {
    maxBytes: max,
    what: png ? 'a signature' : 'a photo',
    instead: png ? 'sign again on the screen' : 'take the photo again with the camera',
  });
  if (png ? mime !== 'image/png' : mime === 'application/pdf')
    throw new DomainError(
      'FILE_REJECTED',
      `${field}: ${png ? 'the signature must be a PNG image; sign again on the screen' : 'a photo must be a JPEG or PNG image; take it again with the camera'}.`,
      { field },
    );
  return ctx.files.put(bytes);
}

export const proveStop = command({
  access: 'trips.drive',
  input,
  handler: (ctx, p) => {
    const actor = requireActor(ctx);
    // The same proof sent again (a retry after a lost answer) is the proof already here.
    if (p.proofId) {
      const same = parseRow(
        z.object({ orderId: z.string() }),
        ctx.db.sqlite
          .prepare('SELECT order_id AS orderId FROM delivery_proofs WHERE id = ?')
          .get(p.proofId),
      );
      if (same?.orderId === p.orderId) return { proofId: p.proofId, already: true };
      // Another delivery's proof has it: a second proof under one id would collide at every
      // replica, so the device is asked for a fresh one rather than the proof being lost later.
      if (same)
        throw new DomainError(
          'CONFLICT',
          'proofId: another delivery was proved under this id; start the proof again (it gets a new id).',
          { field: 'proofId' },
        );
    }
    const trip = tripForStep(ctx.db, p.tripId, 'delivered');
    pendingStop(trip, p.orderId);
    mustBeDriver(trip, { userId: actor.userId });
    const order = loadCustomerOrder(ctx.db, p.orderId);
    if (!order)
      throw new DomainError('NOT_FOUND', `orderId: no customer's order ${p.orderId} here.`, {
        field: 'orderId',
      });
    const lines: ProofLine[] = p.lines.map((l) => ({
      lineNo: l.lineNo,
      delivered: l.delivered,
      damaged: l.damaged,
      short: l.short,
      reason: l.reason ? l.reason : null,
      photoFile: p.photos[String(l.lineNo)] ? PENDING_PHOTO : null,
    }));
    // Nothing is stored until every line is marked: the signature comes only after.
    checkLines(order, lines);
    const collected = p.collected
      ? {
          amount: p.collected.amount,
          method: p.collected.method,
          reference: p.collected.reference || null,
        }
      : null;
    checkCollected(collected);
    for (const lineNo of Object.keys(p.photos))
      if (!lines.some((l) => String(l.lineNo) === lineNo))
        throw new DomainError('VALIDATION', `photos.${lineNo}: the order has no line ${lineNo}.`, {
          field: `photos.${lineNo}`,
        });
    const signatureFile = storeImage(
      ctx,
      p.signature.contentBase64,
      'signature',
      true,
      MAX_SIGNATURE_BYTES,
    );
    for (const l of lines) {
      const photo = p.photos[String(l.lineNo)];
      if (photo) l.photoFile = storeImage(ctx, photo, `photos.${l.lineNo}`, false, MAX_PHOTO_BYTES);
    }
    const proofId = p.proofId ?? newId(ctx.now());
    emit(ctx, 'delivery.proved', trip.id, {
      proofId,
      tripId: trip.id,
      orderId: order.id,
      driverId: trip.driverId,
      repId: order.repId,
      customerId: order.customerId,
      lines,
      returns: p.returns,
      collected,
      signatureFile,
      signedBy: p.signedBy,
      note: p.note ? p.note : null,
    });
    return { proofId, already: false };
  },
});
