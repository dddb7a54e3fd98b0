// The trips' refusals (decision 0034): a stable code (core/errors.ts roadCodes) and a message
// that names the field and says what to do.
import { DomainError, type RoadCode } from '../errors';

export type TripCode = Extract<RoadCode, 'STOP_NOT_ON_TRIP' | 'NOT_YOUR_TRIP' | 'OVER_LOADED'>;

export const tripRefusal = (
  code: TripCode,
  message: string,
  details: { field?: string; [key: string]: unknown } = {},
): DomainError => new DomainError(code, message, details);

/** A field of the input that breaks a rule of the step: what it is and what to do. */
export const fieldRefusal = (field: string, message: string, extra: Record<string, unknown> = {}) =>
  new DomainError('VALIDATION', `${field}: ${message}`, { field, ...extra });
