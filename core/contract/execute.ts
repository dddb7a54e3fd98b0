// The one way in: every transport (IPC, HTTP, tests) calls execute().
import type { z } from 'zod';
import { permissionPhrase, roleHas, roleLabel } from '../vocabulary';
import { BugError, DomainError, validationError } from '../errors';
import type { Context } from './context';
import type { Operation } from './define';

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}

export function authorize(ctx: Context, op: Operation): void {
  if (op.access === 'public') return;
  if (ctx.authError) throw ctx.authError;
  if (!ctx.actor) throw new DomainError('UNAUTHENTICATED', 'Sign in first.');
  if (op.access === 'signed-in') return;
  if (!roleHas(ctx.actor.role, op.access))
    throw new DomainError(
      'FORBIDDEN',
      `A ${roleLabel[ctx.actor.role]} may not ${permissionPhrase[op.access]}. Ask an admin if you need to.`,
      {
        permission: op.access,
      },
    );
}

export function execute(
  operations: Readonly<Record<string, Operation>>,
  ctx: Context,
  name: string,
  rawInput: unknown,
): unknown {
  const op = Object.hasOwn(operations, name) ? operations[name] : undefined;
  if (!op) throw new DomainError('UNKNOWN_COMMAND', `There is no operation called "${name}".`);
  authorize(ctx, op);
  const input = parseInput(op.input, rawInput);
  // Queries write nothing; actions open their own transactions (see define.ts).
  if (op.kind !== 'command') return op.handler(ctx, input);
  return ctx.db.sqlite
    .transaction(() => {
      const result = op.handler(ctx, input);
      if (result instanceof Promise)
        throw new BugError(`command ${name} returned a promise; commands must be synchronous`);
      return result;
    })
    .immediate();
}
