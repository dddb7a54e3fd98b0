// One error hierarchy. DomainError: something a person can fix, with a stable code.
// BugError: a broken invariant a developer must fix. serializeError serves IPC and HTTP alike.

/** Why head office refused an event a branch PC pushed (sync-server/authority.ts). */
export const refusalCodes = [
  'HEAD_OFFICE_ONLY',
  'FOREIGN_BRANCH',
  'UNKNOWN_AGGREGATE',
  'UNKNOWN_USER',
  'FOREIGN_USER',
  'NOT_PERMITTED',
  'FORGED_AUTHORITY',
] as const;
export type RefusalCode = (typeof refusalCodes)[number];

export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'SESSION_EXPIRED',
  'LOGIN_FAILED',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'CONFLICT',
  'INVALID_STATE',
  'INSUFFICIENT_STOCK',
  'FILE_REJECTED',
  'DATABASE_TOO_NEW',
  'DATABASE_MISMATCH',
  'UNKNOWN_COMMAND',
  'UNAVAILABLE',
  ...refusalCodes,
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface FieldIssue {
  /** Dotted path into the input, e.g. `lines.2.quantity`; empty for the whole input. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      field?: string;
      issues?: FieldIssue[];
      [key: string]: unknown;
    } = {},
  ) {
    super(message);
  }

  get field(): string | undefined {
    return this.details.field;
  }
}

export class BugError extends Error {
  override readonly name = 'BugError';
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new BugError(message);
}

export const validationError = (issues: FieldIssue[]): DomainError =>
  new DomainError(
    'VALIDATION',
    issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; '),
    { field: issues[0]?.field, issues },
  );

export interface SerializedError {
  code: ErrorCode | 'INTERNAL';
  message: string;
  field?: string;
  issues?: FieldIssue[];
  details?: Record<string, unknown>;
}

const httpStatus: Record<SerializedError['code'], number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  SESSION_EXPIRED: 401,
  LOGIN_FAILED: 401,
  ACCOUNT_LOCKED: 423,
  ACCOUNT_DISABLED: 403,
  CONFLICT: 409,
  INVALID_STATE: 409,
  INSUFFICIENT_STOCK: 409,
  FILE_REJECTED: 415,
  DATABASE_TOO_NEW: 500,
  DATABASE_MISMATCH: 500,
  UNKNOWN_COMMAND: 404,
  UNAVAILABLE: 503,
  HEAD_OFFICE_ONLY: 403,
  FOREIGN_BRANCH: 403,
  UNKNOWN_AGGREGATE: 409,
  UNKNOWN_USER: 403,
  FOREIGN_USER: 403,
  NOT_PERMITTED: 403,
  FORGED_AUTHORITY: 403,
  INTERNAL: 500,
};

export function serializeError(error: unknown): SerializedError {
  if (error instanceof DomainError) {
    const { field, issues, ...rest } = error.details;
    return {
      code: error.code,
      message: error.message,
      ...(field !== undefined && { field }),
      ...(issues !== undefined && { issues }),
      ...(Object.keys(rest).length > 0 && { details: rest }),
    };
  }
  // Internals of a bug are logged where it happened, not shown to a clerk.
  return {
    code: 'INTERNAL',
    message:
      'Something went wrong inside the app. Try again; if it happens again, tell your admin.',
  };
}

export const statusForError = (e: SerializedError): number => httpStatus[e.code];
