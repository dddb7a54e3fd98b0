import type { z } from 'zod';
import type { Db } from '../db/open';
import type { DocumentKind, Permission, Role } from '../vocabulary';

/**
 * Bumped when an event payload changes shape; head office refuses versions it does not know, so
 * it is updated first. 2: payloads gained fields (a sale's payments, a payment's amount, day and
 * reference, a dispatch's backorder); a PC that meets fields it does not know keeps the event
 * aside until it is updated (core/sync/apply.ts `unknownFields`). 3: the counter's discounts,
 * taxes, shift and points on a sale, a customer's card, tier and merge (decision 0030).
 * 4 = a customer's address and coordinates, a user's customer and commission, decision 0034.
 */
export const EVENT_SCHEMA_VERSION = 4;

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

/** The documents a Telegram group can be sent for an order (core/pdf/documents.ts renders them). */
export type TelegramDocument = DocumentKind;

/** Kinds of branch a PC can be enrolled at (head office's own server is not among them). */
export type BranchPcKind = 'factory' | 'shop';

/** What head office knew of a person when an event was made (its stamp): for `decide`. */
export interface PersonAtTheTime {
  branchId?: string;
  role?: Role;
  disabled?: boolean;
}

/** What head office knew when an event was made (at its stamp), for `decide`. */
export interface FactsAtTheTime {
  person: (userId: string) => PersonAtTheTime | null;
  /** The largest discount (basis points) any active person at the branch could give. */
  discountCeiling: (branchId: string) => number;
  /**
   * The lowest catalog price the PC may have known for a variant when the event was made (null:
   * head office knows none): a price typed below it counts as a discount (decision 0037).
   */
  lowestPrice: (variantId: string) => number | null;
}

/**
 * Who may cause an event. Head office's own server may cause every event (its console checks
 * the person through the contract); a branch PC only what `from` and `permission` allow, and
 * only for its own branch (`acts`). See docs/decisions/0009-event-authority.md.
 */
export interface Authority<P> {
  /** The permission the event's user must hold at the event's time. */
  permission: Permission;
  /** Kinds of branch whose PCs may push it; empty: head office only. */
  from: readonly BranchPcKind[];
  /**
   * The branch the event acts for, from its payload: must be the pushing PC's own. 'aggregate':
   * the event is a later step of an aggregate the PC's branch is party to (an order, a batch);
   * so is a null from the function.
   */
  acts: ((payload: P) => string | null) | 'aggregate';
  /**
   * What head office decides itself for an event from a branch PC, whatever the payload says
   * (an offline cancel is never an admin's). Returns the payload to store, or a refusal. It never
   * changes `payload` in place: a change is a new object (given back the same object, the hub
   * stores the JSON text it made of it before).
   */
  decide?: (payload: P, then: FactsAtTheTime) => P | { refuse: string };
}

/**
 * Which branches see an event: every branch (master data), the branches its payload names (and
 * later events of the same aggregate inherit them), or those of the aggregate it continues.
 */
export type Visibility<P> =
  | {
      everywhere: true;
      /**
       * For an event that starts an aggregate every branch sees (a purchase order): the
       * branches party to it, whose PCs may push its later steps (`acts: 'aggregate'`).
       */
      parties?: (payload: P) => string[];
    }
  | { everywhere?: false; branches: (payload: P) => string[] }
  | { everywhere?: false; aggregate: true };

/**
 * A table a projection writes, and how its rows are found again: by a key computed from the
 * event (`key`, matched against `column`). Re-fold deletes exactly these rows and folds the
 * aggregate's events again, so re-fold is complete by construction. A key belongs to one
 * aggregate. Tables kept by triggers follow their source (stock_balances).
 */
export interface TableWrite<P> {
  table: string;
  column: string;
  key: (event: EventEnvelope<P>) => string | readonly string[];
  /**
   * A row shared by several aggregates (a file named by two slips): not deleted by re-fold, but
   * settled afterwards from what holds it.
   */
  shared?: (db: Db, keys: readonly string[]) => void;
}

export interface EventDef<T extends string = string, S extends z.ZodType = z.ZodType> {
  type: T;
  payload: S;
  /**
   * Steps whose validity depends on the steps before them on the same aggregate (an order's
   * lifecycle). Sync re-folds such an aggregate when its events arrive out of the server's order.
   */
  ordered?: boolean;
  /** Master data merged per field by clock: re-folded when the stamp it merges by changes. */
  merged?: boolean;
  authority: Authority<z.output<S>>;
  visibility: Visibility<z.output<S>>;
  /** Files (sha256) the event names: uploaded before it, downloaded where it is seen. */
  files?: (payload: z.output<S>) => string[];
  writes: readonly TableWrite<z.output<S>>[];
  /**
   * Telegram follows the event: each linked group of a branch party to it, and finance, gets the
   * order's card edited and these documents sent.
   */
  telegram?: { branch: readonly TelegramDocument[]; finance: readonly TelegramDocument[] };
  /**
   * Telegram follows the purchase order this event changes: the purchasing group's card of it is
   * sent or edited, and the order's PDF sent once it has a number (decision 0032).
   */
  purchaseCard?: true;
  /**
   * Telegram sends the delivery note of the proof this event records (its delivery_proofs row)
   * to the customer's group, else the branch's (decision 0034).
   */
  deliveryNote?: true;
  /** Facts head office's store keeps from the event beside the log (a branch's kind). */
  index?: (payload: z.output<S>) => { branchKind?: { id: string; kind: string } };
  /**
   * The projection: changes state from the event alone (and state already there). It reads
   * no clock and makes no id, so every replica folding the same events ends in the same state.
   * It throws a DomainError when the step is not valid for the state at apply time.
   */
  apply: (db: Db, event: EventEnvelope<z.output<S>>) => void;
}

export const defineEvent = <T extends string, S extends z.ZodType>(def: EventDef<T, S>) => def;

/** Common writes: the ledger rows an event appends, keyed by the event. */
export const ledgerWrite = {
  table: 'stock_movements',
  column: 'event_id',
  key: (e: EventEnvelope) => e.id,
};
/** A master-data row merged per field, keyed by the payload's id. */
export const rowWrite = <P extends { id: string }>(table: string): TableWrite<P> => ({
  table,
  column: 'id',
  key: (e) => e.payload.id,
});
