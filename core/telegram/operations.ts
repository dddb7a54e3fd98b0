// Telegram as operations of the one contract. Head office's server supplies the service; a
// branch PC has none and says where Telegram is set up.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { action, query } from '../contract/define';
import { id, page } from '../contract/fields';
import { requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import { groupRoles, type TelegramService } from './service';

const telegram = (ctx: Context): TelegramService => {
  if (!ctx.services?.telegram)
    throw new DomainError(
      'INVALID_STATE',
      'Telegram is set up at head office: open the head-office console.',
    );
  return ctx.services.telegram;
};

/** Bot tokens look like `123456789:AAH…` (BotFather's format). */
const botToken = z
  .string()
  .trim()
  .regex(
    /^\d{3,20}:[A-Za-z0-9_-]{20,100}$/,
    'must be the token BotFather gave, like 123456789:AAH…',
  );

export const telegramSettingsGet = query({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => telegram(ctx).settings(),
});

export const telegramSettingsSet = action({
  access: 'branches.manage',
  input: z.object({
    token: botToken.nullable().optional(),
    publicUrl: z
      .url({
        protocol: /^https$/,
        error:
          'must be the https address Telegram reaches this server at, like https://erp.example.com',
      })
      .nullable()
      .optional(),
  }),
  handler: (ctx, input) => telegram(ctx).setSettings(input, requireActor(ctx).userId),
});

export const telegramGroupsList = query({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => telegram(ctx).groups(),
});

export const telegramGroupsLink = action({
  access: 'branches.manage',
  input: z
    .object({
      chatId: z.number().int('must be a Telegram chat id'),
      branchId: id.nullable().optional(),
      role: z.enum(groupRoles).nullable().optional(),
      /** A customer's own group gets its deliveries' notes (decision 0034). */
      customerId: id.nullable().optional(),
    })
    .refine((i) => !(i.branchId && i.role), {
      message: 'give a branch, or the finance or purchasing role, not both',
      path: ['role'],
    })
    .refine((i) => !(i.customerId && (i.branchId || i.role)), {
      message: "give a customer alone: a customer's group follows no branch or role",
      path: ['customerId'],
    }),
  handler: (ctx, input) => telegram(ctx).linkGroup(input),
});

export const telegramLogList = query({
  access: 'branches.manage',
  input: z.object({
    orderId: id.optional(),
    status: z.enum(['waiting_for_token', 'pending', 'sending', 'sent', 'failed']).optional(),
    ...page,
  }),
  handler: (ctx, input) => telegram(ctx).log(input),
});

/** Any signed-in person may link their own Telegram account (finance needs it for the buttons). */
export const telegramLinkCode = action({
  access: 'signed-in',
  input: z.object({}),
  handler: (ctx) => telegram(ctx).createLinkCode(requireActor(ctx).userId),
});
