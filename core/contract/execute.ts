// The one way in: every transport (IPC, HTTP, tests) calls execute().
import type { z } from 'zod';
import { permissionPhrase, roleHas, roleLabel } from '../vocabulary';
import { BugError, DomainError, validationError, type FieldIssue, type IssueRule } from '../errors';
import type { Context } from './context';
import type { Operation } from './define';

type Bound = { origin: string; inclusive?: boolean };
const lower = ({ origin, inclusive }: Bound): IssueRule =>
  origin === 'string'
    ? 'min_length'
    : origin === 'array'
      ? 'min_items'
      : inclusive === false
        ? 'more_than'
        : 'min';
const upper = ({ origin, inclusive }: Bound): IssueRule =>
  origin === 'string'
    ? 'max_length'
    : origin === 'array'
      ? 'max_items'
      : inclusive === false
        ? 'less_than'
        : 'max';

/** What the input holds at an issue's path (undefined where it holds nothing). */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let here = raw;
  for (const key of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}

/** The kind of rule a zod issue reports, and its limit, in the words of `issueRules`. */
function ruleOf(issue: z.core.$ZodIssue, raw: unknown): Pick<FieldIssue, 'rule' | 'limit'> {
  switch (issue.code) {
    case 'invalid_type':
      return { rule: valueAt(raw, issue.path) === undefined ? 'required' : 'type' };
    case 'too_small': {
      // A required text is "at least one character": say it is required.
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return { rule: 'required' };
      return { rule: lower(issue), limit: Number(issue.minimum) };
    }
    case 'too_big':
      return { rule: upper(issue), limit: Number(issue.maximum) };
    case 'invalid_format':
      return { rule: 'format' };
    case 'invalid_value':
    case 'invalid_union':
      return { rule: 'choice' };
    default:
      return { rule: 'other' };
  }
}

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const input = raw ?? {};
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.'),
      message: issue.message,
      ...ruleOf(issue, input),
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

/**
 * The operations open to anyone signed in that a customer (the portal's) may call too: signing
 * out, who they are, their password, the company's name and money format. Every other one shows
 * the company's own data (branches, sales settings, sync) or links a Telegram account, and is
 * refused to a customer on every host (decision 0034); the portal's own need 'portal.use'.
 */
export const customerMayCall: ReadonlySet<string> = new Set([
  'auth.logout',
  'auth.me',
  'auth.changePassword',
  'company.settings',
]);

export function execute(
  operations: Readonly<Record<string, Operation>>,
  ctx: Context,
  name: string,
  rawInput: unknown,
): unknown {
  const op = Object.hasOwn(operations, name) ? operations[name] : undefined;
  if (!op) throw new DomainError('UNKNOWN_COMMAND', `There is no operation called "${name}".`);
  authorize(ctx, op);
  if (ctx.actor?.role === 'customer' && op.access === 'signed-in' && !customerMayCall.has(name))
    throw new DomainError(
      'FORBIDDEN',
      'A customer may use the portal only. Ask the company if you need something else.',
      { permission: name },
    );
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
