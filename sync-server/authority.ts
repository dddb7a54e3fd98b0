// Head office's judgement of what a branch PC pushes: a device token alone can never do more
// than a person of its own branch could do in the app (docs/decisions/0009-event-authority.md).
// Every rule comes from the event's declaration in the registry; nothing here lists types.
import { roleHas, roles, type Role } from '../core/vocabulary';
import { mergeStamp, type EventDef } from '../core/events/define';
import { formatHlc, parseHlc } from '../core/hlc';
import { discountCeiling, roleLimits } from '../core/sales/rules';
import type { WireEvent } from '../core/sync/protocol';
import type { RefusalCode } from '../core/sync/protocol';
import type { DeviceRecord, EventStore } from './store/types';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

interface UserFacts {
  branchId?: string;
  role?: Role;
  disabled?: boolean;
}

interface UserChange {
  stamp: string;
  facts: UserFacts;
}

/** A variant's price as one variant.saved set it: its place in the log, and its merge stamp. */
interface PriceChange {
  seq: number;
  stamp: string;
  price: number;
}

/**
 * How far before a sale head office looks for the prices its PC may have sold at (decision 0037):
 * a sale made while a pull was bringing a price rise in, and pushed after it, sold at the price
 * before the rise. A week, so that only a PC offline longer than that, whose sale was made during
 * the very pull that ended it, could be judged by a price it had not heard of yet.
 */
export const PRICE_GRACE_MS = 7 * 86_400_000;

const isRole = (v: unknown): v is Role => typeof v === 'string' && roles.some((r) => r === v);

/** The facts a user.saved payload states, read without trusting its shape. */
function factsOf(payloadJson: string): UserFacts {
  const p: unknown = JSON.parse(payloadJson);
  if (typeof p !== 'object' || p === null) return {};
  const facts: UserFacts = {};
  if ('branchId' in p && typeof p.branchId === 'string') facts.branchId = p.branchId;
  if ('role' in p && isRole(p.role)) facts.role = p.role;
  if ('disabled' in p && typeof p.disabled === 'boolean') facts.disabled = p.disabled;
  return facts;
}

/** The facts of `changes` merged: for each, the value of the change with the latest stamp. */
function merge(changes: readonly UserChange[]): Readonly<UserFacts> {
  const merged: UserFacts = {};
  const won: Partial<Record<keyof UserFacts, string>> = {};
  for (const change of changes)
    for (const key of ['branchId', 'role', 'disabled'] as const) {
      const value = change.facts[key];
      if (value === undefined || (won[key] ?? '') > change.stamp) continue;
      won[key] = change.stamp;
      Object.assign(merged, { [key]: value });
    }
  return Object.freeze(merged);
}

/**
 * What head office knows of every user, change by change with the stamp each merges by, read
 * from the shared log (so every server process judges alike) and kept up to date incrementally.
 */
export class UserRecord {
  private readonly changes = new Map<string, UserChange[]>();
  /** Each variant's price changes, in log order. */
  private readonly prices = new Map<string, PriceChange[]>();
  /** The company's discount limits as each company.saved set them, with its stamp. */
  private readonly limits: { stamp: string; limits: Partial<Record<Role, number>> }[] = [];
  private seenSeq = 0;
  /** Each user's merge of all their changes, with the newest stamp among them (see `at`). */
  private readonly latest = new Map<string, { newest: string; facts: Readonly<UserFacts> }>();

  constructor(private readonly store: EventStore) {}

  async refresh(): Promise<void> {
    for (const row of await this.store.userChangesAfter(this.seenSeq)) {
      this.seenSeq = Math.max(this.seenSeq, row.seq);
      if (row.type === 'variant.saved') {
        const set = priceOf(row.payloadJson);
        if (!set) continue;
        const list = this.prices.get(set.variantId) ?? [];
        list.push({ seq: row.seq, stamp: mergeStamp(row), price: set.price });
        this.prices.set(set.variantId, list);
        continue;
      }
      if (row.type === 'company.saved') {
        const limits = limitsOf(row.payloadJson);
        if (limits) this.limits.push({ stamp: mergeStamp(row), limits });
        continue;
      }
      const list = this.changes.get(row.userId) ?? [];
      list.push({ stamp: mergeStamp(row), facts: factsOf(row.payloadJson) });
      this.changes.set(row.userId, list);
      this.latest.delete(row.userId);
    }
  }

  /** The user as the merge of every change stamped at or before `stamp` (null: unknown then). */
  at(userId: string, stamp: string): UserFacts | null {
    const changes = this.changes.get(userId);
    if (!changes) return null;
    // Almost every event is stamped after its user's last change: that merge is kept.
    let latest = this.latest.get(userId);
    if (!latest) {
      latest = {
        newest: changes.reduce((m, c) => (c.stamp > m ? c.stamp : m), ''),
        facts: merge(changes),
      };
      this.latest.set(userId, latest);
    }
    if (stamp >= latest.newest) return latest.facts;
    const known = changes.filter((c) => c.stamp <= stamp);
    return known.length === 0 ? null : merge(known);
  }

  /**
   * The largest discount (basis points) anyone at the branch could give at `stamp`: the highest
   * limit, as the company's settings stood then, of a role held by an active person there.
   */
  discountCeiling(branchId: string, stamp: string): number {
    const latest = this.limits
      .filter((l) => l.stamp <= stamp)
      .reduce<{ stamp: string; limits: Partial<Record<Role, number>> } | null>(
        (won, l) => (won === null || l.stamp >= won.stamp ? l : won),
        null,
      );
    const staff = [...this.changes.keys()].flatMap((userId) => this.at(userId, stamp) ?? []);
    return discountCeiling(staff, branchId, latest?.limits ?? {});
  }

  /** The last week's start worked out, and the stamp it was for. */
  private week: { stamp: string; since: string } | null = null;

  /** The week's start before a stamp, kept for the next line: every line of a sale has its stamp. */
  private weekBefore(stamp: string): string {
    if (this.week?.stamp !== stamp)
      this.week = {
        stamp,
        since: formatHlc({ wall: parseHlc(stamp).wall - PRICE_GRACE_MS, counter: 0, node: '' }),
      };
    return this.week.since;
  }

  /**
   * The lowest catalog price a PC may have sold a variant at without counting a discount, for a
   * sale stamped `stamp` from a PC that had pulled the log up to `knownSeq` (decision 0037): the
   * price it last heard of, or any price in effect in the PRICE_GRACE_MS before the sale. Null
   * when head office knows no price of the variant.
   */
  lowestPrice(variantId: string, stamp: string, knownSeq: number): number | null {
    const changes = this.prices.get(variantId);
    if (!changes) return null;
    // One pass, as every line of every pushed sale asks: the merge's winner (the latest stamp)
    // among the changes the PC had pulled, and among those at or before the week's start, and
    // the lowest price stamped within the week.
    const since = this.weekBefore(stamp);
    let heard: PriceChange | null = null;
    let before: PriceChange | null = null;
    let lowest = Infinity;
    for (const c of changes) {
      if (c.seq <= knownSeq && (heard === null || c.stamp >= heard.stamp)) heard = c;
      if (c.stamp <= since) {
        if (before === null || c.stamp >= before.stamp) before = c;
      } else if (c.stamp <= stamp) lowest = Math.min(lowest, c.price);
    }
    lowest = Math.min(lowest, heard?.price ?? Infinity, before?.price ?? Infinity);
    return lowest === Infinity ? null : lowest;
  }
}

/**
 * The variant and price a variant.saved payload sets, read without trusting its shape (null: no
 * price). The variant is the payload's: the event's aggregate is its product.
 */
function priceOf(payloadJson: string): { variantId: string; price: number } | null {
  const p: unknown = JSON.parse(payloadJson);
  if (typeof p !== 'object' || p === null || !('price' in p) || !('id' in p)) return null;
  return typeof p.id === 'string' && typeof p.price === 'number' && Number.isSafeInteger(p.price)
    ? { variantId: p.id, price: p.price }
    : null;
}

/** The discount limits a company.saved payload sets, read without trusting its shape. */
function limitsOf(payloadJson: string): Partial<Record<Role, number>> | null {
  const p: unknown = JSON.parse(payloadJson);
  if (typeof p !== 'object' || p === null || !('discountLimits' in p)) return null;
  if (typeof p.discountLimits !== 'string') return null;
  const parsed = roleLimits.safeParse(JSON.parse(p.discountLimits));
  return parsed.success ? parsed.data : null;
}

export interface Judged {
  /** The payload to store: as parsed, with whatever head office decides for itself. */
  payload: unknown;
  refusal: Refusal | null;
}

/**
 * Judges one parsed event from a branch PC (never from head office's own server). `registered`
 * looks up which branches an aggregate's earlier events made party to it; `kindOf` a branch's kind.
 */
export function judge(
  def: EventDef,
  event: WireEvent,
  payload: unknown,
  device: DeviceRecord,
  deviceKind: string | null,
  receivedHlc: string,
  users: UserRecord,
  registered: (aggregateId: string) => string[] | null,
): Judged {
  const refuse = (code: RefusalCode, message: string): Judged => ({
    payload,
    refusal: { code, message },
  });
  const { authority } = def;
  if (!authority.from.some((k) => k === deviceKind))
    return refuse(
      'HEAD_OFFICE_ONLY',
      `${event.type} is made at head office only (sign in to head office's console), not at a ${deviceKind ?? 'branch'} PC.`,
    );
  const acts = authority.acts === 'aggregate' ? null : authority.acts(payload);
  if (acts !== null) {
    if (acts !== device.branchId)
      return refuse(
        'FOREIGN_BRANCH',
        `${event.type} acts for branch ${acts}; this PC belongs to branch ${device.branchId}.`,
      );
  } else {
    const party = event.aggregateId ? registered(event.aggregateId) : null;
    if (!party)
      return refuse(
        'UNKNOWN_AGGREGATE',
        `${event.type} continues ${event.aggregateId ?? 'nothing'}, which head office does not know.`,
      );
    if (!party.includes(device.branchId))
      return refuse(
        'FOREIGN_BRANCH',
        `${event.type} acts on ${event.aggregateId ?? ''}, which this PC's branch is not party to.`,
      );
  }
  const stamp = mergeStamp({ hlc: event.hlc, receivedHlc });
  const user = users.at(event.userId, stamp);
  if (!user?.role)
    return refuse(
      'UNKNOWN_USER',
      `user ${event.userId} was not known at head office at that time.`,
    );
  if (user.branchId !== device.branchId)
    return refuse(
      'FOREIGN_USER',
      `user ${event.userId} works for another branch, not for this PC's branch ${device.branchId}.`,
    );
  if (user.disabled)
    return refuse('NOT_PERMITTED', `user ${event.userId} was disabled at that time.`);
  if (!roleHas(user.role, authority.permission))
    return refuse(
      'NOT_PERMITTED',
      `user ${event.userId} was a ${user.role} at that time, who may not cause ${event.type} (needs ${authority.permission}).`,
    );
  if (!authority.decide) return { payload, refusal: null };
  const decided = authority.decide(payload, {
    person: (id) => users.at(id, stamp),
    discountCeiling: (branchId) => users.discountCeiling(branchId, stamp),
    lowestPrice: (variantId) => users.lowestPrice(variantId, stamp, device.cursor),
  });
  if (typeof decided === 'object' && decided !== null && 'refuse' in decided)
    return refuse('FORGED_AUTHORITY', `${event.type}: ${String(decided.refuse)}.`);
  return { payload: decided, refusal: null };
}
