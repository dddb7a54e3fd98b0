// The sync wire format, parsed by zod on both ends before anything else looks at it.
import { z } from 'zod';
import { EVENT_SCHEMA_VERSION } from '../events/define';
import { refusalCodes } from '../errors';
export type { RefusalCode } from '../errors';

export const MAX_PUSH_EVENTS = 5_000;
export const MAX_PULL_EVENTS = 10_000;
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * The largest file any PC keeps (a slip, an invoice, a proof): each reaches head office through
 * /sync/files, and is uploaded at head office's console as base64 in a body of at most
 * MAX_BODY_BYTES. One limit for all, so a file a PC took can always be synced: an invoice of
 * 12 MB once passed its own limit (20 MB) and then blocked its PC's sync for good.
 */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

const idText = z.string().min(1).max(64);

export const wireEvent = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(64),
  schemaVersion: z.number().int().min(1),
  branchId: idText,
  deviceId: idText,
  userId: idText,
  hlc: z.string().regex(/^\d{15}-\d{6}-.+$/, 'must be a clock stamp'),
  createdAt: z.number().int().nonnegative(),
  aggregateId: idText.nullable(),
  payload: z.unknown(),
});
export type WireEvent = z.infer<typeof wireEvent>;

/** An event as the server ordered it: its sequence number and the server's clock at receipt. */
export const orderedEvent = wireEvent.extend({
  seq: z.number().int().positive(),
  receivedHlc: z.string(),
});
export type OrderedEvent = z.infer<typeof orderedEvent>;

/** An update the PC refused to install (its signature or publisher did not match). */
export const updateRefusal = z.object({
  version: z.string().max(64),
  code: z.string().max(40),
  message: z.string().max(500),
  /** When it was refused (ms since the epoch). */
  at: z.number().int().nonnegative(),
});
export type UpdateRefusal = z.infer<typeof updateRefusal>;

export const deviceHealth = z.object({
  /** When the PC's newest good backup began (ms since the epoch), or null if it has none. */
  lastBackupAt: z.number().int().nonnegative().nullable(),
  /** Free space on the disk that holds the PC's data, or null where it cannot be read. */
  freeDiskBytes: z.number().int().nonnegative().nullable(),
  /** The last update this PC refused, until one installs again. Older apps do not send it. */
  updateRefused: updateRefusal.nullable().optional(),
});
export type DeviceHealth = z.infer<typeof deviceHealth>;

export const pushRequest = z.object({
  events: z
    .array(wireEvent)
    .max(MAX_PUSH_EVENTS, `a push carries at most ${MAX_PUSH_EVENTS} events`),
  /** Events still waiting on the device after this batch, for the admin's sync view. */
  pending: z.number().int().nonnegative().default(0),
  appVersion: z.string().max(40).default('unknown'),
  maxSchemaVersion: z.number().int().min(1).default(EVENT_SCHEMA_VERSION),
  /** The PC's health for the admin's branch view. Older apps do not send it. */
  health: deviceHealth.optional(),
});
export type PushRequest = z.input<typeof pushRequest>;

/**
 * The life of the server's log this answer comes from. A restore from a backup begins a new one;
 * a PC that meets a new epoch pulls again from `since` and pushes its own events again. Servers
 * from before epochs send none.
 */
const epochMark = z.object({ id: z.string().min(1), since: z.number().int().min(0) });
export const logEpoch = epochMark.extend({
  /** The epochs before this one, oldest first: a PC that missed some goes back far enough. */
  before: z.array(epochMark).max(10_000).default([]),
});
export type LogEpoch = z.infer<typeof logEpoch>;

/**
 * Where a PC that last knew epoch `known` must go back to: the lowest `since` of every epoch
 * after it (each restore may have given out again the numbers after its own), or 0 when head
 * office does not remember `known` at all.
 */
export function epochSafePoint(epoch: LogEpoch, known: string): number {
  const chain = [...epoch.before, { id: epoch.id, since: epoch.since }];
  const at = chain.findIndex((e) => e.id === known);
  if (at < 0) return 0;
  return Math.min(...chain.slice(at + 1).map((e) => e.since));
}

export const pushResponse = z.object({
  acks: z.array(
    z.object({ id: z.string(), seq: z.number().int().positive(), receivedHlc: z.string() }),
  ),
  /**
   * Events head office refused: never in the log, applied nowhere. The PC takes each back and
   * shows why. Servers from before authorization send none.
   */
  refused: z
    .array(z.object({ id: z.string(), code: z.enum(refusalCodes), message: z.string() }))
    .default([]),
  serverTime: z.number(),
  epoch: logEpoch.optional(),
});
export type PushResponse = z.infer<typeof pushResponse>;

export const pullQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_EVENTS).default(2_000),
});

export const pullResponse = z.object({
  events: z.array(orderedEvent),
  /** The cursor to ask from next time: the last sequence number this page covered. */
  cursor: z.number().int().min(0),
  /** Events visible to this device after the cursor. */
  remaining: z.number().int().min(0),
  serverTime: z.number(),
  epoch: logEpoch.optional(),
});
export type PullResponse = z.infer<typeof pullResponse>;

/** The longest head office holds a wait open: under the idle timeouts of common proxies. */
export const MAX_WAIT_SECONDS = 25;

/**
 * GET /sync/wait: answered as soon as the log holds something after `after` that this device's
 * branch may see (or the log began a new epoch than `epoch`, the one the PC knows), else with
 * nothing after `seconds`. The PC then pulls as usual (docs/decisions/0018).
 */
export const waitQuery = z.object({
  after: z.coerce.number().int().min(0),
  seconds: z.coerce.number().int().min(1).max(MAX_WAIT_SECONDS).default(MAX_WAIT_SECONDS),
  epoch: z.string().min(1).max(64).optional(),
});

export const waitResponse = z.object({
  /** Something new to pull; false: nothing came in time, or a newer wait took this one's place. */
  news: z.boolean(),
  serverTime: z.number(),
});
export type WaitResponse = z.infer<typeof waitResponse>;

export const enrollRequest = z.object({
  code: z.string().trim().min(6).max(64),
  deviceName: z.string().trim().min(1).max(120),
  appVersion: z.string().max(40).default('unknown'),
});

export const enrollResponse = z.object({
  deviceId: z.string(),
  deviceNumber: z.number().int().positive(),
  branchId: z.string(),
  token: z.string(),
  serverTime: z.number(),
});
export type EnrollResponse = z.infer<typeof enrollResponse>;
