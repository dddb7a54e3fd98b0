// The messages between the Electron main process and the utility process that hosts the core.
// Both sides parse what they receive: a message that does not fit is logged and dropped.
import { z } from 'zod';
import type { CallAnswer } from '../../core/contract/http';
import { serializedCodes, type SerializedError } from '../../core/errors';

export type CallResult = CallAnswer['body'];

export const serializedErrorSchema = z.object({
  code: z.enum(serializedCodes),
  message: z.string(),
  field: z.string().optional(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<SerializedError>;

export const callResultSchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: serializedErrorSchema }),
]);

const id = z.number().int().nonnegative();

/** What the keychain can do for the core: `check` asks whether a token could be stored now. */
export type SealOp = 'check' | 'encrypt' | 'decrypt';

export const sealReplySchema = z.union([
  z.object({ ok: z.literal(true), value: z.string() }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export type SealReply = z.infer<typeof sealReplySchema>;

export const toCoreSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id,
    name: z.string(),
    input: z.unknown(),
    sessionToken: z.string().optional(),
  }),
  /** "Sync now" from the menu: the app's own sync, as the background timer does it. */
  z.object({ type: z.literal('sync'), id }),
  z.object({ type: z.literal('seal.reply'), id, reply: sealReplySchema }),
  z.object({ type: z.literal('shutdown') }),
]);
export type ToCore = z.infer<typeof toCoreSchema>;

export const fromCoreSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('failed'), error: serializedErrorSchema }),
  z.object({ type: z.literal('result'), id, answer: callResultSchema }),
  z.object({
    type: z.literal('seal'),
    id,
    op: z.enum(['check', 'encrypt', 'decrypt']),
    value: z.string(),
  }),
  z.object({ type: z.literal('log'), entry: z.record(z.string(), z.unknown()) }),
]);
export type FromCore = z.infer<typeof fromCoreSchema>;
