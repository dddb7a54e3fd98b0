// What the server answers when a request fails outside the contract's own answers: one body
// (errorBody), and for each way a request can be malformed a 4xx and a message naming the
// problem. Only what is left, a fault of the server's own, is a 500.
import type { Request } from 'express';
import {
  DomainError,
  serializeError,
  statusForError,
  type SerializedError,
} from '../../core/errors';
import { errorBody, HttpError } from '../errors';

export interface ErrorAnswer {
  status: number;
  body: ReturnType<typeof errorBody>;
}

const answer = (status: number, refusal: SerializedError): ErrorAnswer => ({
  status,
  body: errorBody(refusal),
});

const size = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.floor(bytes / 1024 / 1024)} MiB`
    : `${Math.floor(bytes / 1024)} KiB`;

const field = (error: Error, key: string): unknown =>
  key in error ? Reflect.get(error, key) : undefined;
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

const cutShort = () =>
  answer(400, {
    code: 'MALFORMED',
    message: 'The request body ended before it was complete.',
  });

/**
 * The refusal of a body sent with a Content-Encoding a route does not read: `accepted` names the
 * ones it does (none for a route that streams the body to disk as it comes).
 */
export function unsupportedEncoding(encoding: string, accepted: readonly string[]): HttpError {
  const instead = accepted.length
    ? `send the body as it is, or as ${accepted.slice(0, -1).join(', ')}${accepted.length > 1 ? ' or ' : ''}${accepted.at(-1)}`
    : 'send the body as it is, uncompressed';
  return new HttpError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    `The body's Content-Encoding "${encoding}" is not supported: ${instead}.`,
  );
}

/** The encodings body-parser inflates, on every route that reads its body with it. */
const PARSER_ENCODINGS = ['gzip', 'deflate', 'br'] as const;

/**
 * body-parser, raw-body, the router and `send` raise errors carrying a 4xx `status` (and for
 * body-parser a `type`). Each keeps its status; the message says what to send instead.
 */
function requestFault(error: unknown, req: Request): ErrorAnswer | null {
  if (!(error instanceof Error)) return null;
  // A route that streams the body itself (an update upload) gets Node's own error, with no
  // status, when the client hangs up part-way: that is the client's doing, as raw-body's is.
  // Only those errors: a fault of the server's own stays a fault though the client has gone.
  const code = field(error, 'code');
  if (
    !req.complete &&
    req.readableAborted &&
    (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE')
  )
    return cutShort();
  const status = field(error, 'status') ?? field(error, 'statusCode');
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  const limit = field(error, 'limit');
  switch (text(field(error, 'type'))) {
    case 'entity.too.large':
      return answer(413, {
        code: 'TOO_LARGE',
        message: `The request body is larger than the server accepts here${typeof limit === 'number' ? ` (${size(limit)} at most)` : ''}. Send less at once.`,
      });
    case 'entity.parse.failed':
      // Also a lone number or string: the parser takes an object or an array only.
      return answer(400, {
        code: 'MALFORMED',
        message: 'The request body is not valid JSON (an object or an array).',
      });
    case 'charset.unsupported':
      return answer(415, {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: `The body's charset "${text(field(error, 'charset')) ?? '?'}" is not supported: send it in UTF-8.`,
      });
    case 'encoding.unsupported': {
      const refusal = unsupportedEncoding(text(field(error, 'encoding')) ?? '?', PARSER_ENCODINGS);
      return answer(refusal.status, serializeError(refusal));
    }
    case 'request.size.invalid':
      return answer(400, {
        code: 'MALFORMED',
        message: 'The request body is not as long as its Content-Length header says.',
      });
    case 'request.aborted':
      return cutShort();
  }
  // The router could not decode a %-escape in the address (`/api/%E0%A4%A`).
  if (error instanceof URIError)
    return answer(400, {
      code: 'MALFORMED',
      message: `The address is not valid: ${error.message}.`,
    });
  // zlib failed on a body sent compressed (gzip with a garbage body): body-parser adds a 400.
  const encoding = req.header('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity')
    return answer(400, {
      code: 'MALFORMED',
      message: `The request body could not be decompressed as ${encoding} (${error.message}).`,
    });
  return answer(status, {
    code: status === 404 ? 'NOT_FOUND' : status === 400 ? 'MALFORMED' : 'REFUSED',
    message:
      field(error, 'expose') === true
        ? `The request was refused (${status}): ${error.message}.`
        : `The request was refused (${status}).`,
  });
}

/** The answer to an error a route or a parser passed on; a status of 500 or more is a fault to log. */
export function answerError(error: unknown, req: Request): ErrorAnswer {
  if (error instanceof DomainError) {
    const serialized = serializeError(error);
    // An HttpError names its status; any other DomainError takes its code's.
    return answer(
      error instanceof HttpError ? error.status : statusForError(serialized),
      serialized,
    );
  }
  return (
    requestFault(error, req) ??
    answer(500, {
      code: 'INTERNAL',
      message: 'The server failed to handle this request. It was logged; try again.',
    })
  );
}

export const noRoute = (req: Request): ErrorAnswer =>
  answer(404, { code: 'NOT_FOUND', message: `No route ${req.method} ${req.path}` });
