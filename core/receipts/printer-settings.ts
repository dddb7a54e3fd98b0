// The receipt printer of this PC: which kind, where on the network, which paper. A setting of
// the computer, not of the company (two tills of one shop have two printers), so it lives in the
// device-local `meta` table and never syncs. Only people who sell change it: the printer is
// part of their counter (`sales.record`), and the admin holds that permission too.
import { isIP } from 'node:net';
import { z } from 'zod';
import { command, query } from '../contract/define';
import type { Db } from '../db/open';
import { getMeta, setMeta } from '../db/meta';

export const printerKinds = ['none', 'network', 'port', 'pdf'] as const;
export type PrinterKind = (typeof printerKinds)[number];

const META_KEY = 'receipt.printer';
export const DEFAULT_PORT = 9100;
export const DEFAULT_TIMEOUT_MS = 5_000;

// A hostname as DNS spells it (labels of letters, digits and hyphens), or an IPv4/IPv6 address.
const hostname =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

const host = z
  .string()
  .trim()
  .refine(
    (v) => v === '' || isIP(v) !== 0 || hostname.test(v),
    'must be the printer’s IP address or network name, like 192.168.1.50 or printer-1',
  );

export const printerSettingsInput = z
  .object({
    kind: z.enum(printerKinds),
    host: host.default(''),
    port: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be from 1 to 65535 (receipt printers listen on 9100)')
      .max(65535, 'must be from 1 to 65535 (receipt printers listen on 9100)')
      .default(DEFAULT_PORT),
    /** A USB or serial printer's port: /dev/usb/lp0, /dev/ttyUSB0, COM3 (core/receipts/port.ts). */
    path: z
      .string()
      .trim()
      .max(200, 'is too long')
      .refine(
        (v) => v === '' || /^(\/dev\/[\w./-]+|COM\d{1,3}|\\\\\.\\COM\d{1,3})$/i.test(v),
        'must be a printer port, like /dev/usb/lp0, /dev/ttyUSB0 or COM3',
      )
      .default(''),
    paperWidth: z.union([z.literal(58), z.literal(80)]).default(80),
    /** The encoder picks a code page per stretch of text (escpos.ts); no other choice yet. */
    codePage: z.literal('auto').default('auto'),
    /** How long the printer may stay silent before the receipt waits (slow Wi-Fi printers). */
    timeoutMs: z.number().int().min(200).max(60_000).default(DEFAULT_TIMEOUT_MS),
  })
  .refine((s) => s.kind !== 'network' || s.host !== '', {
    message: 'is required for a network printer: its IP address, like 192.168.1.50',
    path: ['host'],
  })
  .refine((s) => s.kind !== 'port' || s.path !== '', {
    message: 'is required for a USB or serial printer: its port, like /dev/usb/lp0 or COM3',
    path: ['path'],
  });

export type PrinterSettings = z.output<typeof printerSettingsInput>;

const none: PrinterSettings = {
  kind: 'none',
  host: '',
  path: '',
  port: DEFAULT_PORT,
  paperWidth: 80,
  codePage: 'auto',
  timeoutMs: DEFAULT_TIMEOUT_MS,
};

/** This PC's printer as saved; "none" until someone sets one (or when what is saved is unreadable). */
export function printerSettingsOf(db: Db): PrinterSettings {
  const saved = getMeta(db, META_KEY);
  if (saved === undefined) return none;
  let value: unknown;
  try {
    value = JSON.parse(saved);
  } catch {
    return none;
  }
  const parsed = printerSettingsInput.safeParse(value);
  return parsed.success ? parsed.data : none;
}

export const getPrinterSettings = query({
  access: 'sales.record',
  input: z.object({}),
  handler: (ctx) => printerSettingsOf(ctx.db),
});

export const savePrinterSettings = command({
  access: 'sales.record',
  input: printerSettingsInput,
  handler: (ctx, input) => {
    // Device-local: written here and nowhere else, with no event (the table never syncs).
    setMeta(ctx.db, META_KEY, JSON.stringify(input));
    return input;
  },
});
