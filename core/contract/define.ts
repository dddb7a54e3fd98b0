import type { z } from 'zod';
import type { Permission } from '../vocabulary';
import type { Context } from './context';

/** `public`: anyone, even before login; `signed-in`: any active user. */
export type Access = Permission | 'public' | 'signed-in';

/**
 * What an operation is, which decides how execute() runs it (docs/ADDING-A-FEATURE.md):
 * - `query`: reads, and has no effects anywhere (core/contract/queries.test.ts proves it for
 *   every query of the contract); may be async. Safe to call again or to call twice.
 * - `command`: changes the branch database, and nothing else, in the one synchronous
 *   transaction execute() opens around it: all of it happens or none of it.
 * - `action`: has effects execute()'s transaction cannot hold: it awaits (a password hash, head
 *   office, the network, the file system, another store) and opens its own transactions for
 *   what it writes to the database. Not run twice on anyone's behalf: a transport or screen
 *   never retries one by itself.
 */
export type OperationKind = 'query' | 'command' | 'action';

export interface Operation<
  S extends z.ZodType = z.ZodType,
  O = unknown,
  K extends OperationKind = OperationKind,
> {
  kind: K;
  input: S;
  access: Access;
  handler: (ctx: Context, input: z.output<S>) => O;
}

type Definition<S extends z.ZodType, O> = Omit<Operation<S, O>, 'kind'>;

/** A read with no effects. */
export const query = <S extends z.ZodType, O>(def: Definition<S, O>): Operation<S, O, 'query'> => ({
  kind: 'query',
  ...def,
});

/** A change of the branch database, run in one transaction: its handler must be synchronous. */
export const command = <S extends z.ZodType, O>(
  def: Definition<S, O>,
): Operation<S, O, 'command'> => ({ kind: 'command', ...def });

/** Effects beyond one database transaction: async, in its own transactions, never retried. */
export const action = <S extends z.ZodType, O>(
  def: Definition<S, O>,
): Operation<S, O, 'action'> => ({ kind: 'action', ...def });
