// One error hierarchy. DomainError: something a person can fix, with a stable code.
// BugError: a broken invariant a developer must fix. serializeError serves IPC and HTTP alike.
// This file is the one list of codes on every wire; it imports nothing, so the renderer may
// import its values too (eslint.config.js allows this file and checks it stays a leaf).

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

/**
 * What head office's HTTP protocol answers outside the contract's operations (sync, enrollment,
 * files, updates, the request itself), and what web mode answers for its own routes.
 */
export const protocolCodes = [
  'MALFORMED',
  'TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'RATE_LIMITED',
  'REFUSED',
  'NOT_BUILT',
  'ALREADY_SET_UP',
  'DEVICE_REVOKED',
  'ENROLLMENT_REFUSED',
  'HASH_MISMATCH',
  'SCHEMA_TOO_NEW',
  'UNKNOWN_EVENT',
  'UNSIGNED_UPDATE',
] as const;
export type ProtocolCode = (typeof protocolCodes)[number];

/**
 * A PC's verdict on head office's certificate (core/sync/http.ts): not the one the admin read
 * out at enrollment, or not the one pinned since and never announced (decision 0014).
 */
export const certificateCodes = ['CERTIFICATE_MISMATCH', 'CERTIFICATE_CHANGED'] as const;
export type CertificateCode = (typeof certificateCodes)[number];

/**
 * What a PC decides on its own, with no answer of head office's to carry: its certificate
 * codes, and an event that failed to apply for a reason no DomainError names
 * (core/sync/apply.ts records it as a conflict).
 */
export const clientCodes = [...certificateCodes, 'APPLY_FAILED'] as const;
export type ClientCode = (typeof clientCodes)[number];

/**
 * Why a PC refused to install an update head office's feed offered (core/ops/update-signature.ts,
 * electron/ops/update-verify.ts). Not an error on a wire: the PC keeps the last one in its data
 * folder and its health report carries it to head office's console (core/sync/protocol.ts).
 */
export const updateRefusalCodes = [
  'NO_TRUSTED_KEY',
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'UNKNOWN_KEY',
  'SIGNATURE_INVALID',
  'MANIFEST_CHANGED',
  'FILE_ELSEWHERE',
  'FILE_CHANGED',
  'PUBLISHER_MISMATCH',
  /** Not a refusal of the release: its download failed (network, checksum, disk); tried again. */
  'DOWNLOAD_FAILED',
] as const;
export type UpdateRefusalCode = (typeof updateRefusalCodes)[number];

/**
 * A rule of the business's own data broken by an input (core/catalog/rules.ts,
 * core/auth/users.ts, core/contract/dates.ts): a barcode whose check digit is wrong, a price at
 * or below cost not confirmed, a role at a kind of branch it does not belong to, a date that has
 * not come yet. The person fixes the field the error names (or confirms the price).
 */
export const masterDataCodes = [
  'BARCODE_CHECK_DIGIT',
  'PRICE_AT_OR_BELOW_COST',
  'ROLE_NOT_AT_BRANCH_KIND',
  'DATE_IN_FUTURE',
] as const;
export type MasterDataCode = (typeof masterDataCodes)[number];

/**
 * The counter's refusals (decision 0029): a discount beyond the clerk's limit without a
 * supervisor, a supervisor's sign-in that failed, more points than the customer may spend now,
 * a return of more than was sold or to a method the sale was not paid by, a shift that is not
 * open (or already is).
 */
export const counterCodes = [
  'DISCOUNT_OVER_LIMIT',
  'APPROVAL_REFUSED',
  'POINTS_NOT_AVAILABLE',
  'RETURN_EXCEEDS_SALE',
  'REFUND_METHOD_NOT_USED',
  'SHIFT_NOT_OPEN',
  'SHIFT_ALREADY_OPEN',
] as const;
export type CounterCode = (typeof counterCodes)[number];

/**
 * Purchasing's refusals (decision 0032): a receipt beyond what was ordered and the tolerance,
 * a second approval by the person who drafted or first approved the order, a supplier item with
 * no price, an order in a currency other than the company's with no exchange rate.
 */
export const purchasingCodes = [
  'RECEIPT_EXCEEDS_ORDER',
  'OWN_APPROVAL',
  'SUPPLIER_ITEM_UNPRICED',
  'RATE_REQUIRED',
  'DUPLICATE_INVOICE',
] as const;
export type PurchasingCode = (typeof purchasingCodes)[number];

/**
 * The road's refusals (decision 0034): a rep ordering for another rep's customer, a proof for a
 * stop not on the driver's trip or for another driver's trip, a delivered quantity above what
 * was loaded, and the customer portal while it is off.
 */
export const roadCodes = [
  'NOT_YOUR_CUSTOMER',
  'STOP_NOT_ON_TRIP',
  'NOT_YOUR_TRIP',
  'OVER_LOADED',
  'PORTAL_OFF',
] as const;
export type RoadCode = (typeof roadCodes)[number];

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
  ...masterDataCodes,
  ...counterCodes,
  ...purchasingCodes,
  ...roadCodes,
  ...refusalCodes,
  ...protocolCodes,
  ...clientCodes,
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** Every code an error can carry on a wire: INTERNAL stands for whatever the core hides. */
export const serializedCodes = [...errorCodes, 'INTERNAL'] as const;
export type SerializedCode = (typeof serializedCodes)[number];

/** Whether a code read from an answer is one this version knows (a newer server may add one). */
export const isSerializedCode = (code: unknown): code is SerializedCode =>
  serializedCodes.some((known) => known === code);

/**
 * Which kind of rule an input broke, beside the English message, so a screen can say it in the
 * person's own language (renderer/src/errors.ts): `min`/`max` are inclusive bounds of a number,
 * `more_than`/`less_than` exclusive ones, `*_length` count characters and `*_items` list entries,
 * each with its `limit`. `other` is a rule of the field's own (its message says which).
 */
export const issueRules = [
  'required',
  'type',
  'min',
  'more_than',
  'max',
  'less_than',
  'min_length',
  'max_length',
  'min_items',
  'max_items',
  'format',
  'choice',
  'other',
] as const;
export type IssueRule = (typeof issueRules)[number];

export interface FieldIssue {
  /** Dotted path into the input, e.g. `lines.2.quantity`; empty for the whole input. */
  field: string;
  message: string;
  rule?: IssueRule;
  limit?: number;
}

export class DomainError extends Error {
  override readonly name: string = 'DomainError';
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
  code: SerializedCode;
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
  BARCODE_CHECK_DIGIT: 422,
  PRICE_AT_OR_BELOW_COST: 422,
  ROLE_NOT_AT_BRANCH_KIND: 422,
  DATE_IN_FUTURE: 422,
  DISCOUNT_OVER_LIMIT: 403,
  APPROVAL_REFUSED: 403,
  POINTS_NOT_AVAILABLE: 409,
  RETURN_EXCEEDS_SALE: 409,
  REFUND_METHOD_NOT_USED: 422,
  SHIFT_NOT_OPEN: 409,
  SHIFT_ALREADY_OPEN: 409,
  RECEIPT_EXCEEDS_ORDER: 409,
  OWN_APPROVAL: 403,
  SUPPLIER_ITEM_UNPRICED: 422,
  RATE_REQUIRED: 422,
  DUPLICATE_INVOICE: 409,
  NOT_YOUR_CUSTOMER: 403,
  STOP_NOT_ON_TRIP: 409,
  NOT_YOUR_TRIP: 403,
  OVER_LOADED: 409,
  PORTAL_OFF: 503,
  HEAD_OFFICE_ONLY: 403,
  FOREIGN_BRANCH: 403,
  UNKNOWN_AGGREGATE: 409,
  UNKNOWN_USER: 403,
  FOREIGN_USER: 403,
  NOT_PERMITTED: 403,
  FORGED_AUTHORITY: 403,
  MALFORMED: 400,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  RATE_LIMITED: 429,
  REFUSED: 400,
  NOT_BUILT: 503,
  ALREADY_SET_UP: 409,
  DEVICE_REVOKED: 401,
  ENROLLMENT_REFUSED: 403,
  HASH_MISMATCH: 400,
  SCHEMA_TOO_NEW: 422,
  UNKNOWN_EVENT: 400,
  UNSIGNED_UPDATE: 400,
  // A PC's own codes: over IPC, or over web mode's HTTP (sync.now, sync.enroll, sync.repin).
  CERTIFICATE_MISMATCH: 502,
  CERTIFICATE_CHANGED: 502,
  APPLY_FAILED: 500,
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
