// Badge awards kept from work_credits (decision 0034). Being written by the badges helper.
import type { Db } from '../db/open';

/** Settles the badges of these persons ('*': everyone) from their credits and the rules. */
export function settleAwards(_db: Db, _persons: readonly string[]): void {}
