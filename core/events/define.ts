import type { z } from 'zod';
import type { Db } from '../db/open';

/** Bumped when an event payload changes shape; sync refuses versions it does not know. */
export const EVENT_SCHEMA_VERSION = 1;

export interface EventEnvelope<P = unknown> {
  id: string;
  type: string;
  schemaVersion: number;
  branchId: string;
  deviceId: string;
  userId: string;
  hlc: string;
  createdAt: number;
  aggregateId: string | null;
  payload: P;
  /** Set once the server has ordered the event. */
  serverSeq?: number | null;
  receivedHlc?: string | null;
}

/**
 * The stamp an event merges master data with: its own clock, capped by the server's clock when
 * it arrived, so a PC whose clock runs days ahead cannot win every merge until then.
 */
export const mergeStamp = (e: Pick<EventEnvelope, 'hlc' | 'receivedHlc'>): string =>
  e.receivedHlc && e.receivedHlc < e.hlc ? e.receivedHlc : e.hlc;

export interface EventDef<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  payload: S;
  /**
   * Steps whose validity depends on the steps before them on the same aggregate (an order's
   * lifecycle). Sync re-folds such an aggregate when its events arrive out of the server's order.
   */
  ordered?: boolean;
  /**
   * The projection: changes state from the event alone (and state already there). It reads
   * no clock and makes no id, so every replica folding the same events ends in the same state.
   * It throws a DomainError when the step is not valid for the state at apply time.
   */
  apply: (db: Db, event: EventEnvelope<z.output<S>>) => void;
}

export const defineEvent = <T extends string, S extends z.ZodType>(def: EventDef<T, S>) => def;
