// The AI model's settings as operations of the one contract. Head office's server supplies the
// service; a branch PC has none and says where the model is set up.
import { z } from 'zod';
import type { Context } from '../contract/context';
import { action, query } from '../contract/define';
import { requireActor } from '../contract/scope';
import { DomainError } from '../errors';
import type { AiService } from './service';

export const aiService = (ctx: Context): AiService => {
  if (!ctx.services?.ai)
    throw new DomainError(
      'HEAD_OFFICE_ONLY',
      "The AI model is head office's: set it up and use it in the head-office console.",
    );
  return ctx.services.ai;
};

export const aiSettings = query({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => aiService(ctx).settings(),
});

export const aiSaveSettings = action({
  access: 'branches.manage',
  input: z.object({
    enabled: z.boolean().optional(),
    baseUrl: z
      .url({
        protocol: /^https?$/,
        error:
          "must be the server's address, like https://api.openai.com/v1 or http://gpu-box:8000/v1",
      })
      .max(500, 'is too long')
      .nullable()
      .optional(),
    model: z.string().trim().min(1, 'is required').max(200, 'is too long').nullable().optional(),
    apiKey: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(500, 'is too long')
      .regex(/^\S+$/, 'must not contain spaces')
      .nullable()
      .optional(),
    timeoutSeconds: z
      .number({ error: 'must be a number of seconds' })
      .min(1, 'must be at least 1 second')
      .max(600, 'must be at most 600 seconds (10 minutes)')
      .optional(),
  }),
  handler: (ctx, input) => aiService(ctx).saveSettings(input, requireActor(ctx).userId),
});

export const aiTest = action({
  access: 'branches.manage',
  input: z.object({}),
  handler: (ctx) => aiService(ctx).test(),
});
