// How the server reads JSON bodies: by POST only, as JSON text in UTF-8 only (RFC 8259), nested
// no deeper than any request the apps send, within a size limit per route. What it answers when a
// body breaks one of these is in ./refusals.ts.
import express, { type Request, type RequestHandler, type Response } from 'express';
import { HttpError } from '../errors';

/**
 * Arrays and objects inside one another. A push is about six levels deep; a body nested
 * thousands deep is an attack on whatever walks it later (JSON.stringify, zod, a projection).
 */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const [OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [0x5b, 0x5d, 0x7b, 0x7d];

/**
 * Whether JSON text nests deeper than `max`, read from its bytes before it is parsed (so a deep
 * body is never built in memory). Exact for UTF-8, where these ASCII bytes never occur inside a
 * multi-byte character; other charsets are refused before this runs. A string is skipped with
 * indexOf to its closing quote (one not escaped by an odd run of backslashes): most of a push's
 * bytes are inside strings, and this check runs on every push.
 */
export function nestsDeeperThan(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      let end = i;
      for (;;) {
        end = bytes.indexOf(QUOTE, end + 1);
        if (end < 0) return false; // no closing quote: not JSON, which the parser says
        let slashes = 0;
        while (bytes[end - 1 - slashes] === BACKSLASH) slashes++; // stops at the opening quote
        if (slashes % 2 === 0) break;
      }
      i = end;
    } else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
  }
  return false;
}

const charsetOf = (contentType: string) =>
  /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType)?.[1]?.toLowerCase();

/** Why a request's body is not JSON in UTF-8, or null when it is (or has no body). */
function wrongType(req: Request): HttpError | null {
  // null: no body at all; false: a body of another type.
  const json = req.is('application/json');
  if (json === null) return null;
  const contentType = req.header('content-type') ?? '';
  if (json === false)
    return new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `The body must be JSON, sent as application/json; it came as ${contentType ? `"${contentType}"` : 'no type at all'}.`,
    );
  const charset = charsetOf(contentType);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return new HttpError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `The body's charset "${charset}" is not supported: send JSON in UTF-8.`,
    );
  return null;
}

/** Every path that reads a JSON body is served by POST alone. */
const JSON_METHODS: readonly string[] = ['POST'];

/**
 * The refusal of a method a path does not serve, with the Allow header that names those it does.
 * Made before the body is read: a PUT's body is no input the path takes, so its type is no matter.
 */
function methodNotAllowed(req: Request, res: Response, allowed: readonly string[]): HttpError {
  res.setHeader('Allow', allowed.join(', '));
  const path = req.originalUrl.split('?')[0] ?? req.path;
  return new HttpError(
    405,
    'METHOD_NOT_ALLOWED',
    `${req.method} is not served at ${path}: send ${allowed.join(' or ')} instead.`,
  );
}

/**
 * Parses a JSON body of at most `limit` bytes into req.body; a body parsed earlier is kept. Any
 * method but POST is refused (405) on the paths this is mounted on.
 */
export function jsonBody(limit: number): RequestHandler {
  const parse = express.json({
    limit,
    verify: (_req, _res, bytes) => {
      if (nestsDeeperThan(bytes, MAX_JSON_DEPTH))
        throw new HttpError(
          400,
          'MALFORMED',
          `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
        );
    },
  });
  return (req, res, next) => {
    const refused = JSON_METHODS.includes(req.method)
      ? wrongType(req)
      : methodNotAllowed(req, res, JSON_METHODS);
    if (refused) next(refused);
    else parse(req, res, next);
  };
}
