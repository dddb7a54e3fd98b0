// How large a number an event may carry (decision 0039). Every number in every payload is one of
// these kinds: each bound is above what any command lets a person enter or works out from what
// was entered, so no honest event is refused, and far below where sums stop being exact, so a
// device that writes its own events cannot put 2^53 units on a shelf or into a balance. The test
// that walks the registry (core/events/registry.test.ts) refuses a number without such a bound.
import { z } from 'zod';
import { MAX_FILE_BYTES } from '../sync/protocol';

/** Units of a product: 100 times the most any command takes in one go (10,000,000). */
export const MAX_UNITS = 1_000_000_000;
/**
 * Minor units of money, and loyalty points (earned at most one per minor unit): ten times the
 * largest total a sale or an order may come to (10^14, `MAX_SALE_AMOUNT`), so a total a command
 * works out in the company's currency at a supplier's rate still fits.
 */
export const MAX_MINOR = 1e15;
/** A moment in milliseconds since 1970, up to the last of the year 9999. */
export const MAX_MOMENT = 253_402_300_799_999;
/** A line's number in its document, and small counts. */
export const MAX_LINE_NO = 1_000_000;
/** Days (a lead time, points' expiry): about 270 years. */
export const MAX_DAYS = 100_000;
/** The largest any number in an event may be: what the test of the registry holds them to. */
export const MAX_EVENT_NUMBER = MAX_MINOR;

const whole = () => z.number().int();

/** A quantity of units, 0 or more (positive: 1 or more). */
export const units = whole().min(0).max(MAX_UNITS);
export const positiveUnits = whole().min(1).max(MAX_UNITS);
/** A change of stock, up or down. */
export const signedUnits = whole().min(-MAX_UNITS).max(MAX_UNITS);

/** An amount of money in minor units, 0 or more (positive: 1 or more). */
export const minor = whole().min(0).max(MAX_MINOR);
export const positiveMinor = whole().min(1).max(MAX_MINOR);
/** An amount that may be below 0 (the cash a shift should hold after refunds). */
export const signedMinor = whole().min(-MAX_MINOR).max(MAX_MINOR);

/** Loyalty points: at most one per minor unit spent. */
export const points = minor;
export const positivePoints = positiveMinor;
export const signedPoints = signedMinor;

/** A moment (milliseconds since 1970). */
export const moment = whole().min(0).max(MAX_MOMENT);

/** A share in basis points: 10,000 is 100%. */
export const basisPoints = whole().min(0).max(10_000);

/** A line's number, 1 or more. */
export const lineNo = whole().min(1).max(MAX_LINE_NO);

/** A number of days. */
export const days = whole().min(0).max(MAX_DAYS);

/** A file's size in bytes: no file the app takes is larger (`MAX_FILE_BYTES`). */
export const fileSize = whole().min(1).max(MAX_FILE_BYTES);
