// How a counter sale was paid: the clerk says each payment's method; only the last may leave
// out its amount, meaning "the rest of the total" (Cash pressed to take the rest). The command
// resolves every amount here, once, and the event carries the resolved amounts, so no replica
// ever recomputes a rest (docs/decisions/0028-counter-payments.md).
import { z } from 'zod';
import * as num from '../events/numbers';
import { money, optionalText } from '../contract/fields';
import { validationError, type FieldIssue } from '../errors';
import { paymentMethods, referencedMethods, type PaymentMethod } from '../vocabulary';

export const MAX_PAYMENTS = 8;

const positiveMoney = money.refine((n) => n > 0, 'must be more than 0');

/** One payment as the clerk says it. */
export const paymentInput = z.object({
  method: z.enum(paymentMethods, {
    error: `must be one of ${paymentMethods.join(', ')}`,
  }),
  amount: positiveMoney.optional(),
  tendered: positiveMoney.optional(),
  reference: optionalText(120),
});
export type PaymentInput = z.output<typeof paymentInput>;

export const paymentsInput = z
  .array(paymentInput)
  .min(1, 'say how the sale was paid: at least one payment (cash, card, mobile money or transfer)')
  .max(MAX_PAYMENTS, `a sale takes at most ${MAX_PAYMENTS} payments`);

/** A payment as the event carries it: every amount resolved. */
export const resolvedPayment = z.object({
  method: z.enum(paymentMethods),
  amount: num.positiveMinor,
  tendered: num.positiveMinor.nullable(),
  reference: z.string().nullable(),
});
export type ResolvedPayment = z.output<typeof resolvedPayment>;

const methodWords: Record<PaymentMethod, string> = {
  cash: 'cash',
  card: 'a card payment',
  mobile_money: 'mobile money',
  bank_transfer: 'a bank transfer',
};

/** The change given back: what was tendered over the cash taken. */
export const changeOf = (payments: readonly Pick<ResolvedPayment, 'amount' | 'tendered'>[]) =>
  payments.reduce((sum, p) => sum + (p.tendered === null ? 0 : p.tendered - p.amount), 0);

/**
 * The payments with every amount resolved against the sale's total, or a VALIDATION refusal
 * naming the field (`payments.1.amount`) and what to do. Pure: nothing is read or written.
 */
export function resolvePayments(
  total: number,
  payments: readonly PaymentInput[],
  currency: (minor: number) => string = String,
): ResolvedPayment[] {
  const last = payments.length - 1;
  const issues: FieldIssue[] = [];
  const at = (i: number, key: string) => `payments.${i}.${key}`;
  payments.forEach((p, i) => {
    const reference = p.reference ? p.reference : undefined;
    if (p.amount === undefined && i !== last)
      issues.push({
        field: at(i, 'amount'),
        rule: 'required',
        message:
          'is required: only the last payment may leave its amount out (it takes the rest of the total)',
      });
    if (p.tendered !== undefined && p.method !== 'cash')
      issues.push({
        field: at(i, 'tendered'),
        rule: 'other',
        message: `only cash is tendered; leave it out for ${methodWords[p.method]}`,
      });
    if (referencedMethods.includes(p.method) && reference === undefined)
      issues.push({
        field: at(i, 'reference'),
        rule: 'required',
        message: `is required for ${methodWords[p.method]}: enter its transaction or transfer id`,
      });
    if (p.method === 'cash' && reference !== undefined)
      issues.push({
        field: at(i, 'reference'),
        rule: 'other',
        message: 'cash has no reference; leave it out',
      });
  });
  if (issues.length > 0) throw validationError(issues);

  const nonCash = payments.reduce((s, p) => s + (p.method === 'cash' ? 0 : (p.amount ?? 0)), 0);
  if (nonCash > total) {
    const i = payments.findLastIndex((p) => p.method !== 'cash' && p.amount !== undefined);
    throw validationError([
      {
        field: at(i, 'amount'),
        rule: 'other',
        message: `card, mobile money and transfers come to ${currency(nonCash)}, more than the total of ${currency(total)}; lower them (only cash may be handed over in excess, as tendered money)`,
      },
    ]);
  }
  const given = payments.reduce((s, p) => s + (p.amount ?? 0), 0);
  const rest = payments[last]?.amount === undefined ? total - given : null;
  if (rest !== null && rest <= 0)
    throw validationError([
      {
        field: at(last, 'amount'),
        rule: 'other',
        message: `nothing is left to pay: the payments before it come to ${currency(given)} and the total is ${currency(total)}; remove this payment or lower an amount`,
      },
    ]);
  if (rest === null && given !== total)
    throw validationError([
      {
        field: at(last, 'amount'),
        rule: 'other',
        message: `the payments add up to ${currency(given)} but the total is ${currency(total)}; make them add up exactly (${given < total ? `${currency(total - given)} is still due` : `${currency(given - total)} too much`})`,
      },
    ]);

  const resolved = payments.map((p, i) => ({
    method: p.method,
    amount: i === last && rest !== null ? rest : (p.amount ?? 0),
    tendered: p.tendered ?? null,
    reference: p.reference ? p.reference : null,
  }));
  resolved.forEach((p, i) => {
    if (p.tendered !== null && p.tendered < p.amount)
      throw validationError([
        {
          field: at(i, 'tendered'),
          rule: 'min',
          limit: p.amount,
          message: `is less than the cash taken (${currency(p.amount)}); enter what the customer handed over, at least that much`,
        },
      ]);
  });
  return resolved;
}
