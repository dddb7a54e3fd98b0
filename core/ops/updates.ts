// Head office's update feed as operations of the one contract: what the feed holds and serves,
// holding a version back, turning updates off. Installers themselves are uploaded over HTTP
// (PUT /updates/<file>), not through the contract: they are large binary files.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { action, query } from '../contract/define';
import { DomainError } from '../errors';
import type { UpdateFeedService } from './update-feed';

export type { UpdateChannelState, UpdateFeedService, UpdateFeedState } from './update-feed';

const feed = (ctx: Context): UpdateFeedService => {
  if (!ctx.services?.updates)
    throw new DomainError(
      'INVALID_STATE',
      'App updates are handed out by head office: open the head-office console.',
    );
  return ctx.services.updates;
};

const version = z
  .string()
  .trim()
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'must be a version like 1.4.0');

export const updatesStatus = query({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => feed(ctx).state(),
});

export const updatesConfigure = action({
  access: 'branches.manage',
  input: z.object({
    /** False: no app is offered an update until it is turned on again. */
    enabled: z.boolean().optional(),
    /** Versions not handed out; the newest version not held back is served instead. */
    heldBack: z.array(version).max(100).optional(),
  }),
  handler: (ctx, input) =>
    feed(ctx).configure({
      ...(input.enabled !== undefined && { enabled: input.enabled }),
      ...(input.heldBack !== undefined && { heldBack: input.heldBack }),
    }),
});
