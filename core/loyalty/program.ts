// Head office's loyalty rules: points per amount spent, how long they stay pending and how long
// they last, what a point is worth, the tiers (rolling 12 months' spend, each with its earning
// rate) and the rewards. One row, merged per field like master data; no row: no loyalty.
import { z } from 'zod';
import type { Db } from '../db/open';
import { parseRow } from '../db/rows';
import { FULL } from '../sales/pricing';

export const DAY = 86_400_000;
export const programId = 'default';

export const tierSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(40),
  /** Minor units spent over the last 12 months to hold the tier. */
  minSpend: z.number().int().min(0, 'must be 0 or more'),
  /** The earning rate in basis points of the base rate (15000: 1.5 points per point). */
  rateBp: z
    .number()
    .int()
    .min(0)
    .max(10 * FULL, 'must be at most 100000 (10× the base rate)'),
});
export const rewardSchema = z.object({
  id: z.string().trim().min(1).max(40),
  name: z.string().trim().min(1, 'is required').max(80),
  points: z.number().int().positive('must be more than 0'),
  /** The free product; one unit of it comes off the sale. */
  variantId: z.string(),
});
export type Tier = z.infer<typeof tierSchema>;
export type Reward = z.infer<typeof rewardSchema>;

export interface Program {
  spendPerPoint: number;
  pendingDays: number;
  expiryDays: number;
  pointValue: number;
  /** Lowest first. */
  tiers: Tier[];
  rewards: Reward[];
}

const parseJson = <T>(schema: z.ZodType<T>, json: string | null): T | null => {
  if (!json) return null;
  try {
    const r = schema.safeParse(JSON.parse(json));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
};

const programRow = z.object({
  spendPerPoint: z.number().int().nullable(),
  pendingDays: z.number().int().nullable(),
  expiryDays: z.number().int().nullable(),
  pointValue: z.number().int().nullable(),
  tiers: z.string().nullable(),
  rewards: z.string().nullable(),
});

/** The program as this PC knows it, or null when head office has set none. */
export function programOf(db: Db): Program | null {
  const row = parseRow(
    programRow,
    db.sqlite
      .prepare(
        `SELECT spend_per_point AS spendPerPoint, pending_days AS pendingDays, expiry_days AS expiryDays,
                point_value AS pointValue, tiers, rewards FROM loyalty_program WHERE id = ?`,
      )
      .get(programId),
  );
  if (!row?.spendPerPoint) return null;
  const tiers = parseJson(z.array(tierSchema), row.tiers) ?? [];
  return {
    spendPerPoint: row.spendPerPoint,
    pendingDays: row.pendingDays ?? 0,
    expiryDays: row.expiryDays ?? 0,
    pointValue: row.pointValue ?? 1,
    tiers: [...tiers].sort((a, b) => a.minSpend - b.minSpend),
    rewards: parseJson(z.array(rewardSchema), row.rewards) ?? [],
  };
}

/** The tier a spend over 12 months earns: the highest whose minimum it reaches. */
export function tierFor(program: Program, spend: number): Tier | null {
  let held: Tier | null = null;
  for (const t of program.tiers) if (spend >= t.minSpend) held = t;
  return held;
}

/** The earning rate of a tier by name (the lowest tier's, or the base rate, when unknown). */
export function rateOf(program: Program, tier: string | null): number {
  return program.tiers.find((t) => t.name === tier)?.rateBp ?? program.tiers[0]?.rateBp ?? FULL;
}

/** Points a payment of `paid` minor units earns at a rate: whole points, rounded down. */
export const pointsEarned = (program: Program, paid: number, rateBp: number): number =>
  Number(
    (BigInt(Math.max(0, paid)) * BigInt(rateBp)) / (BigInt(program.spendPerPoint) * BigInt(FULL)),
  );
