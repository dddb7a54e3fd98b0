// The contract over HTTP, without tying core to a web framework: a server passes the operation
// name, the parsed JSON body and the bearer token, and sends back what this returns.
import { serializeError, statusForError, type SerializedError } from '../errors';
import { BugError, DomainError } from '../errors';

export type CallAnswer =
  | { status: 200; body: { ok: true; result: unknown } }
  | { status: number; body: { ok: false; error: SerializedError } };

export async function answerCall(
  call: (name: string, input: unknown, token?: string, origin?: string) => unknown,
  name: string,
  input: unknown,
  token: string | undefined,
  logBug: (error: unknown) => void = (e) => console.error(e),
  origin?: string,
): Promise<CallAnswer> {
  try {
    return { status: 200, body: { ok: true, result: await call(name, input, token, origin) } };
  } catch (error) {
    if (!(error instanceof DomainError) || error instanceof BugError) logBug(error);
    const serialized = serializeError(error);
    return { status: statusForError(serialized), body: { ok: false, error: serialized } };
  }
}

/** The bearer token of an Authorization header, if it has one. */
export const bearer = (header: string | undefined): string | undefined => {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m?.[1];
};
