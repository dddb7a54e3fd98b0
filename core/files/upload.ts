// A file a person uploads (a payment slip, a supplier invoice): its content in base64 within a
// size, then taken for what its bytes say it is, never for its name. One rule for every upload.
import { z } from 'zod';
import { DomainError } from '../errors';
import { sniffMime, type SlipMime } from './sniff';

const mb = (bytes: number) => bytes / 1024 / 1024;

/** The `contentBase64` input of an upload of at most `maxBytes` (`what`: "a slip"). */
export const uploadContent = (maxBytes: number, what: string) =>
  z
    .string()
    .min(1, 'is empty: choose a file')
    .max(Math.ceil(maxBytes / 3) * 4 + 4, `is too large: ${what} may be at most ${mb(maxBytes)} MB`)
    .base64('must be the file content in base64');

/**
 * The uploaded bytes and what they are; refused (FILE_REJECTED, field 'file') when too large or
 * not a PDF, JPEG or PNG, with `instead`: what the person should do then.
 */
export function acceptUpload(
  fileName: string,
  contentBase64: string,
  rules: { maxBytes: number; what: string; instead: string },
): { bytes: Buffer; mime: SlipMime } {
  const bytes = Buffer.from(contentBase64, 'base64');
  if (bytes.length > rules.maxBytes)
    throw new DomainError(
      'FILE_REJECTED',
      `file: ${fileName} is ${mb(bytes.length).toFixed(1)} MB; ${rules.what} may be at most ${mb(rules.maxBytes)} MB`,
      { field: 'file' },
    );
  const mime = sniffMime(bytes);
  if (!mime)
    throw new DomainError(
      'FILE_REJECTED',
      `file: ${fileName} is not a JPEG, PNG or PDF (whatever its name says); ${rules.instead}`,
      { field: 'file' },
    );
  return { bytes, mime };
}
