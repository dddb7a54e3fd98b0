import type { z } from 'zod';
import type { Permission } from '../vocabulary';
import type { Context } from './context';

/** `public`: anyone, even before login; `signed-in`: any active user. */
export type Access = Permission | 'public' | 'signed-in';

export interface Operation<S extends z.ZodType = z.ZodType, O = unknown> {
  kind: 'command' | 'query';
  input: S;
  access: Access;
  /**
   * Commands that must record something even when they fail (a failed login), or must await
   * before they write (a password hash: no transaction may stay open across an await), open
   * their own transactions.
   */
  ownTransactions?: boolean;
  /** Other commands run inside one transaction and must be synchronous; queries may be async. */
  handler: (ctx: Context, input: z.output<S>) => O;
}

export const command = <S extends z.ZodType, O>(
  def: Omit<Operation<S, O>, 'kind'>,
): Operation<S, O> => ({ kind: 'command', ...def });

export const query = <S extends z.ZodType, O>(
  def: Omit<Operation<S, O>, 'kind'>,
): Operation<S, O> => ({ kind: 'query', ...def });
