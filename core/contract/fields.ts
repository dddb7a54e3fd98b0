// Field schemas shared by many commands, with messages a clerk can act on.
import { z } from 'zod';

export const id = z.string().trim().min(1, 'is required').max(64, 'is too long');

/**
 * Whether a text holds a character no person types and no screen, PDF or receipt should carry:
 * control characters (a NUL ends a C string in a printer driver; tabs and line breaks are kept)
 * and the bidirectional embeddings and overrides, which make a name read differently than it
 * is stored (U+202E turns "evil.exe" into what looks like "exe.live").
 */
export const hasControlCharacters = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 ? c !== 0x09 && c !== 0x0a && c !== 0x0d : c === 0x7f) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
};
const CONTROL = 'must not contain control characters (such as NUL or a right-to-left override)';
/** Zero-width characters: a text of nothing else looks empty wherever it is shown. */
const invisible = /[\u200b-\u200d\u2060\ufeff]/g;

export const text = (max = 200) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // An empty text is told once, by min above.
    .refine((s) => s === '' || s.replace(invisible, '').length > 0, 'must not be empty')
    .refine((s) => !hasControlCharacters(s), CONTROL);
export const optionalText = (max = 500) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !hasControlCharacters(s), CONTROL)
    .optional();
/** Money in integer minor units (cents): no floats anywhere. */
export const money = z
  .number({ error: 'must be an amount in minor units (a whole number)' })
  .int('must be a whole number of minor units (no fractions)')
  .min(0, 'must not be negative')
  .max(1e12, 'is too large');
export const quantity = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be greater than 0')
  .max(10_000_000, 'is too large');
/** A quantity counted or received: none at all is a real answer. */
export const countedQuantity = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(10_000_000, 'is too large');
export const signedQuantity = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .refine((n) => n !== 0, 'must not be 0')
  .refine((n) => Math.abs(n) <= 10_000_000, 'is too large');
/** A day of the calendar (2026-02-31 is refused, not read as March 3rd). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-03-31')
  .refine((s) => {
    const [y = 0, m = 0, d = 0] = s.split('-').map(Number);
    const day = new Date(Date.UTC(y, m - 1, d));
    return (
      y >= 1900 &&
      day.getUTCFullYear() === y &&
      day.getUTCMonth() === m - 1 &&
      day.getUTCDate() === d
    );
  }, 'is not a day of the calendar (a date like 2026-03-31)');
/** A phone number as people write it: six digits or more, with spaces, dashes, brackets, a +. */
export const phoneNumber = (message = 'must be a phone number') =>
  z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{6,20}$/, message)
    .refine((s) => s.replace(/\D/g, '').length >= 6, message);
export const branchCode = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{2,10}$/, 'must be 2 to 10 capital letters or digits, like SH01');
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9._-]{3,40}$/, 'must be 3 to 40 letters, digits, dots, dashes or underscores');
export const password = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(200, 'must be at most 200 characters');
export const page = {
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).default(0),
};
