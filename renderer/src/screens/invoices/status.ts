// An uploaded invoice's statuses as the screens name them.
import type { OutputOf } from '../../client';
import type { Translate } from '../../i18n';

export type InvoiceRow = OutputOf<'invoices.list'>[number];
export type InvoiceStatus = InvoiceRow['status'];
export const invoiceStatuses: readonly InvoiceStatus[] = [
  'uploaded',
  'read',
  'unreadable',
  'posted',
  'reversed',
];
export const isStatus = (s: string): s is InvoiceStatus =>
  (invoiceStatuses as readonly string[]).includes(s);

export const statusText = (t: Translate, status: InvoiceStatus): string => t(`status.${status}`);
