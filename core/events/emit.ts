import type { z } from 'zod';
import type { Context } from '../contract/context';
import type { Db } from '../db/open';
import { DomainError } from '../errors';
import { newId } from '../ids';
import { enrolledBranchKind } from '../branches/device';
import { EVENT_SCHEMA_VERSION, type EventDef, type EventEnvelope } from './define';
import { eventDefs, type EventType } from './registry';

export type ApplyStatus = 'applied' | 'conflict' | 'deferred';

const insertSql = `INSERT INTO events (id, type, schema_version, branch_id, device_id, user_id, hlc, created_at, aggregate_id, payload, server_seq, received_hlc, apply_status)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function eventDef(type: string): EventDef | undefined {
  return Object.hasOwn(eventDefs, type) ? (eventDefs as Record<string, EventDef>)[type] : undefined;
}

/** Parses an event's payload with its type's schema; unknown types and bad payloads are refused. */
export function parseEvent(envelope: EventEnvelope): EventEnvelope {
  const def = eventDef(envelope.type);
  if (!def)
    throw new DomainError('VALIDATION', `type: unknown event type "${envelope.type}"`, {
      field: 'type',
    });
  const parsed = def.payload.safeParse(envelope.payload);
  if (!parsed.success)
    throw new DomainError(
      'VALIDATION',
      `payload of ${envelope.type} event ${envelope.id}: ${parsed.error.message}`,
      {
        field: 'payload',
      },
    );
  return { ...envelope, payload: parsed.data };
}

/** `payloadText`: the payload as JSON already (a pulled event checked ahead); else written here. */
export function recordEvent(
  db: Db,
  event: EventEnvelope,
  status: ApplyStatus = 'applied',
  payloadText?: string,
): void {
  // Positional, not a spread of the envelope bound by name: every pulled event passes here.
  db.sqlite
    .prepare(insertSql)
    .run(
      event.id,
      event.type,
      event.schemaVersion,
      event.branchId,
      event.deviceId,
      event.userId,
      event.hlc,
      event.createdAt,
      event.aggregateId,
      payloadText ?? JSON.stringify(event.payload),
      event.serverSeq ?? null,
      event.receivedHlc ?? null,
      status,
    );
}

/** Runs an event's projection. The event must have been parsed by parseEvent. */
export function project(db: Db, event: EventEnvelope): void {
  const def = eventDef(event.type);
  if (!def)
    throw new DomainError('VALIDATION', `type: unknown event type "${event.type}"`, {
      field: 'type',
    });
  def.apply(db, event);
}

/**
 * Records an event and applies its projection, on the caller's transaction. The same path
 * runs for events pulled from other branches, so local and synced state agree.
 */
export function applyEvent(db: Db, envelope: EventEnvelope): EventEnvelope {
  const event = parseEvent(envelope);
  recordEvent(db, event);
  project(db, event);
  return event;
}

/**
 * Refuses an event this PC may not cause (head office's steps at a branch PC). emit checks it;
 * a command whose input rules would refuse first calls it before them, so the person is told
 * where the step is done rather than what to change in it.
 */
export function refuseIfNotHere(ctx: Context, type: EventType): void {
  if (!ctx.device) return;
  const kind = enrolledBranchKind(ctx.db, ctx.device);
  if (kind !== null && !eventDefs[type].authority.from.some((k) => k === kind))
    throw new DomainError(
      'HEAD_OFFICE_ONLY',
      `This is done at head office, not at a ${kind} PC: sign in to head office's console and do it there.`,
      { type },
    );
}

export function emit<T extends EventType>(
  ctx: Context,
  type: T,
  aggregateId: string | null,
  payload: z.input<(typeof eventDefs)[T]['payload']>,
  as?: { userId: string },
): EventEnvelope {
  if (!ctx.device)
    throw new DomainError(
      'INVALID_STATE',
      'This PC is not set up yet. Finish the first-run setup, then try again.',
    );
  const userId = as?.userId ?? ctx.actor?.userId;
  if (!userId) throw new DomainError('UNAUTHENTICATED', 'Sign in first.');
  refuseIfNotHere(ctx, type);
  const createdAt = ctx.now();
  const hlc = ctx.clock.now();
  const event = applyEvent(ctx.db, {
    id: newId(createdAt),
    type,
    schemaVersion: EVENT_SCHEMA_VERSION,
    branchId: ctx.device.branchId,
    deviceId: ctx.device.id,
    userId,
    hlc,
    createdAt,
    aggregateId,
    payload,
  });
  ctx.db.sqlite
    .prepare(
      `INSERT INTO meta (key, value) VALUES ('hlc', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    )
    .run(hlc);
  return event;
}
