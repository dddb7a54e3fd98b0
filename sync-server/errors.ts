import type { SerializedError } from '../core/errors';

/** An answer the server gives on purpose: its HTTP status, a stable code and words for a person. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A refusal as contract clients read it (`error`), whatever its code. */
export type Refusal = Omit<SerializedError, 'code'> & { code: string };

/**
 * The body of every refusal the server answers outside the contract's own answers (those come
 * from answerCall): the code and message at the top, where the sync client reads them, and the
 * same as `error`, where contract clients (the console) read them.
 */
export const errorBody = (refusal: Refusal) => ({
  ok: false as const,
  code: refusal.code,
  message: refusal.message,
  error: refusal,
});
