// Once per test run, before any test process starts: the demo company's template, which every
// test process then copies (core/testing/demo.ts) instead of seeding its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TEMPLATE_ENV, writeDemoTemplate } from '../../core/testing/demo';

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'fse-template-run-'));
  await writeDemoTemplate(dir);
  // Test processes are forked after this, with this process's environment.
  process.env[DEMO_TEMPLATE_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
