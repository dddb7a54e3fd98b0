// Once per test run, before any test process starts: a temporary folder for the whole run, and
// the demo company's template, which every test process then copies (core/testing/demo.ts)
// instead of seeding its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TEMPLATE_ENV, writeDemoTemplate } from '../../core/testing/demo';

export default async function setup(): Promise<() => void> {
  // Every test process, and whatever it starts (servers, PostgreSQL, Chromium), makes its
  // temporary files under this folder, and the run removes it when it ends: a run used to leave
  // about 800 folders (a gigabyte) in the system's temporary folder. FSE_KEEP_TMP=1 keeps it.
  const run = mkdtempSync(join(tmpdir(), 'fse-run-'));
  for (const name of ['TMPDIR', 'TMP', 'TEMP']) process.env[name] = run;
  const template = mkdtempSync(join(run, 'fse-template-run-'));
  await writeDemoTemplate(template);
  // Test processes are forked after this, with this process's environment.
  process.env[DEMO_TEMPLATE_ENV] = template;
  return () => {
    if (process.env['FSE_KEEP_TMP'] === '1') console.log(`test files kept in ${run}`);
    else rmSync(run, { recursive: true, force: true });
  };
}
