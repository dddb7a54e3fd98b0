import { DomainError, type ErrorCode, type SerializedError } from '../core/errors';

/**
 * An answer the server gives on purpose: a DomainError (its code from the one list in
 * core/errors.ts, serialized by serializeError like every other) with the HTTP status to answer.
 */
export class HttpError extends DomainError {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

/**
 * The body of every refusal the server answers outside the contract's own answers (those come
 * from answerCall): the code and message at the top, where the sync client reads them, and the
 * same as `error`, where contract clients (the console) read them.
 */
export const errorBody = (refusal: SerializedError) => ({
  ok: false as const,
  code: refusal.code,
  message: refusal.message,
  error: refusal,
});
