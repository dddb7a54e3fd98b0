// Test worlds: the demo company seeded once per test run (or per process outside vitest) through
// the real contract, then copied file-by-file for each test, so every test starts from the same
// real database.
import { companyDay } from '../locale/day';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { InputOf, OperationName, OutputOf } from '../contract/api';
import { NUMBERING_FILE } from '../branches/series';
import { branches, variants } from '../db/schema';
import { DEMO_PASSWORD } from '../demo/seed';
import { BranchCore, type BranchCoreOptions } from '../runtime';

export const demoUsernames = [
  'admin',
  'factory',
  'shop1',
  'shop2',
  'finance',
  'sales',
  'driver',
  'driver2',
  'customer',
] as const;
export type DemoUser = (typeof demoUsernames)[number];

interface Template {
  dir: string;
  tokens: Record<DemoUser, string>;
}

let template: Promise<Template> | undefined;

/**
 * The variable naming a template made once for a whole test run (vitest's global setup), so the
 * test processes copy it instead of each seeding its own: seeding and nine sign-ins cost seconds.
 */
export const DEMO_TEMPLATE_ENV = 'FSE_DEMO_TEMPLATE';
const TOKENS_FILE = 'tokens.json';

/** Seeds the demo company into `dir` through the real contract and signs every demo user in. */
export async function writeDemoTemplate(dir: string): Promise<void> {
  const core = new BranchCore(dir);
  try {
    await core.call('setup.loadDemo', {});
    const tokens = {} as Record<DemoUser, string>;
    for (const username of demoUsernames)
      tokens[username] = (
        await core.call('auth.login', { username, password: DEMO_PASSWORD })
      ).token;
    core.db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    writeFileSync(join(dir, TOKENS_FILE), JSON.stringify(tokens));
  } finally {
    core.close();
  }
}

const tokensFile = z.object(
  Object.fromEntries(demoUsernames.map((u) => [u, z.string()])) as Record<DemoUser, z.ZodString>,
);

async function buildTemplate(): Promise<Template> {
  const shared = process.env[DEMO_TEMPLATE_ENV];
  const dir = shared ?? mkdtempSync(join(tmpdir(), 'fse-template-'));
  if (!shared) await writeDemoTemplate(dir);
  const tokens = tokensFile.parse(JSON.parse(readFileSync(join(dir, TOKENS_FILE), 'utf8')));
  return { dir, tokens };
}

export interface DemoWorld {
  core: BranchCore;
  dir: string;
  tokens: Record<DemoUser, string>;
  branch: Record<'HQ' | 'FAC' | 'SH01' | 'SH02', string>;
  variant: Record<string, string>;
  as: (
    user: DemoUser,
  ) => <N extends OperationName>(name: N, input: InputOf<N>) => Promise<OutputOf<N>>;
}

/**
 * Puts the demo company's database into `dir`, a PC's data folder not opened yet: what loading
 * the demo there would give, with every demo user signed in (the tokens returned).
 */
export async function copyDemoInto(dir: string): Promise<Record<DemoUser, string>> {
  template ??= buildTemplate();
  const t = await template;
  copyPcData(t.dir, dir);
  return t.tokens;
}

/** Copies a closed PC's database from one data folder into another, not opened yet. */
export function copyPcData(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  copyFileSync(join(from, 'branch.sqlite'), join(to, 'branch.sqlite'));
  // The PC's number guard goes with it: a copy without it is a restore onto another machine.
  if (existsSync(join(from, NUMBERING_FILE)))
    copyFileSync(join(from, NUMBERING_FILE), join(to, NUMBERING_FILE));
}

export async function openDemo(options: BranchCoreOptions = {}): Promise<DemoWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'fse-test-'));
  const tokens = await copyDemoInto(dir);
  const core = new BranchCore(dir, options);
  const branch = Object.fromEntries(
    core.db.orm
      .select({ code: branches.code, id: branches.id })
      .from(branches)
      .all()
      .map((b) => [b.code, b.id]),
  ) as DemoWorld['branch'];
  const variant = Object.fromEntries(
    core.db.orm
      .select({ sku: variants.sku, id: variants.id })
      .from(variants)
      .all()
      .map((v) => [v.sku, v.id]),
  );
  return {
    core,
    dir,
    tokens,
    branch,
    variant,
    as: (user) => (name, input) => core.call(name, input, tokens[user]),
  };
}

/** Runs a call that must fail and returns its error, so tests can look at code and field. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; field?: string; details: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as {
      code?: string;
      message: string;
      field?: string;
      details?: Record<string, unknown>;
    };
    return {
      code: e.code ?? 'NONE',
      message: e.message,
      ...(e.field !== undefined && { field: e.field }),
      details: e.details ?? {},
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Today as the company counts days (its time zone's), what the core's day-based reads expect. */
export const companyToday = (w: Pick<DemoWorld, 'core'>): string =>
  companyDay(w.core.db, w.core.now());
