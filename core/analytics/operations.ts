// The dashboards' operations (issue 17, decision 0035), spread into the one contract: each role
// its own dashboard, over a range of company days and one branch or all it may see, and a stamp
// that changes whenever anything is applied here, so an open dashboard follows a sync.
import { z } from 'zod';
import { query } from '../contract/define';
import { id, isoDate } from '../contract/fields';
import { actsForAnyBranch, requireActor } from '../contract/scope';
import { DomainError, validationError } from '../errors';
import { companyDay } from '../locale/day';
import { roleHas, type Role } from '../vocabulary';
import { branchesOf, dashboard } from './dashboards';
import { addDays, bucketFor, daysBetween } from './range';
import type { HeadOfficeService } from '../sync/services';
import { dashboardKinds, type Dashboard, type DashboardKind, type ListTable } from './shape';

/** The dashboards each role may open; the first is theirs. */
export const dashboardsOf: Record<Role, readonly DashboardKind[]> = {
  admin: ['company', 'shop', 'factory', 'finance', 'rep', 'driver'],
  finance: ['finance', 'company'],
  shop_clerk: ['shop'],
  factory_clerk: ['factory'],
  sales_rep: ['rep'],
  driver: ['driver'],
  customer: [],
};

/** The longest range a dashboard covers: three years of days. */
const MAX_DAYS = 1096;

const get = query({
  access: 'dashboards.read',
  input: z.object({
    kind: z
      .enum(dashboardKinds, { message: `must be one of ${dashboardKinds.join(', ')}` })
      .optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** Absent or null: every branch the person may see. */
    branchId: id.nullable().optional(),
  }),
  handler: async (ctx, input): Promise<Dashboard> => {
    const actor = requireActor(ctx);
    const mine = dashboardsOf[actor.role];
    const kind = input.kind ?? mine[0];
    if (!kind || !mine.includes(kind))
      throw new DomainError(
        'FORBIDDEN',
        `kind: you may open ${mine.length > 0 ? `the ${mine.join(', ')} dashboard` : 'no dashboard'}, not ${kind ?? 'one'}`,
        { field: 'kind' },
      );
    const anyBranch = actsForAnyBranch(actor);
    const all = branchesOf(ctx.db);
    if (input.branchId && !all.some((b) => b.id === input.branchId))
      throw validationError([
        { field: 'branchId', rule: 'choice', message: 'is not a branch this PC knows' },
      ]);
    if (!anyBranch && input.branchId && input.branchId !== actor.branchId)
      throw new DomainError(
        'FORBIDDEN',
        'branchId: you work for another branch and see only its dashboard',
        { field: 'branchId' },
      );
    const today = companyDay(ctx.db, ctx.now());
    const to = input.to ?? today;
    const from = input.from ?? addDays(to, -29);
    if (from > to)
      throw validationError([
        { field: 'from', rule: 'max', message: `must be on or before the end (${to})` },
      ]);
    if (daysBetween(from, to) + 1 > MAX_DAYS)
      throw validationError([
        { field: 'from', rule: 'min', message: 'is more than three years before the end' },
      ]);
    const branchId = anyBranch ? (input.branchId ?? null) : actor.branchId;
    const answer = dashboard(ctx.db, {
      kind,
      from,
      to,
      bucket: bucketFor(from, to),
      branchId: kind === 'rep' || kind === 'driver' ? null : branchId,
      costs: roleHas(actor.role, 'costs.read'),
      userId: actor.userId,
      now: ctx.now(),
    });
    // Head office's view adds how each branch syncs (its replica knows; a branch PC does not).
    const health =
      kind === 'company' && ctx.services?.headOffice
        ? syncHealth(await ctx.services.headOffice.syncState(), branchId, ctx.now())
        : [];
    return {
      ...answer,
      lists: [...answer.lists, ...health],
      kinds: mine,
      branches: anyBranch ? all : [],
    };
  },
});

/** Each branch's PCs: when head office last heard from them, and what waits to be applied. */
function syncHealth(
  state: Awaited<ReturnType<HeadOfficeService['syncState']>>,
  branchId: string | null,
  now: number,
): ListTable[] {
  const branches = state.branches.filter(
    (b) => (branchId === null || b.id === branchId) && b.devices.length > 0,
  );
  return [
    {
      id: 'syncHealth',
      columns: [
        { key: 'branch', unit: 'text' },
        { key: 'lastSeen', unit: 'age' },
        { key: 'eventsWaiting', unit: 'count' },
        { key: 'pcs', unit: 'count' },
        { key: 'backupWarning', unit: 'text' },
      ],
      rows: branches.map((b) => ({
        branch: b.code,
        lastSeen: b.lastSeenAt === null ? null : Math.max(0, now - b.lastSeenAt),
        eventsWaiting: b.eventsWaiting,
        pcs: b.devices.length,
        backupWarning: b.health.backupWarning,
      })),
    },
  ];
}

/** Changes whenever an event is applied here (a sale, a sync): an open dashboard reloads then. */
const stamp = query({
  access: 'dashboards.read',
  input: z.object({}),
  handler: (ctx) => {
    const row = ctx.db.sqlite.prepare('SELECT max(rowid) AS n FROM events').get();
    return { stamp: z.object({ n: z.number().nullable() }).parse(row).n ?? 0 };
  },
});

export const analyticsOperations = {
  'dashboard.get': get,
  'dashboard.stamp': stamp,
} as const;
