import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readServerFingerprint } from '../../core/sync/http';
import { DATA_DIR, linuxInstallPlan, renderSystemdUnit, UNIT_PATH } from './install-linux';
import { describeStep, runSteps, type Step } from './steps';
import { parseUnit, systemdAnalyze } from './testing/systemd';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A node binary and an app folder outside any home folder, as a server has them. */
function paths() {
  const dir = mkdtempSync(join(tmpdir(), 'fse-unit-'));
  const node = join(dir, 'node');
  symlinkSync(process.execPath, node);
  return { dir, node, appDir: dir };
}

describe('the systemd unit', () => {
  it('passes systemd-analyze verify with real paths', () => {
    const p = paths();
    const file = join(p.dir, 'factory-shop-sync.service');
    writeFileSync(file, renderSystemdUnit({ node: p.node, appDir: p.appDir }));
    const verified = systemdAnalyze(file);
    expect(verified.about).toEqual([]);
    expect(verified.status).toBe(0);
  });

  it('is verified for real: a broken unit fails the same check', () => {
    const p = paths();
    const file = join(p.dir, 'factory-shop-sync.service');
    writeFileSync(
      file,
      renderSystemdUnit({ node: p.node, appDir: p.appDir })
        .replace('Restart=on-failure', 'Restart=sometimes')
        .replace(`ExecStart=${p.node}`, `ExecStart=${p.dir}/no-such-node`),
    );
    const verified = systemdAnalyze(file);
    expect(verified.status).not.toBe(0);
    expect(verified.about.join('\n')).toMatch(/restart specifier|not executable/);
  });

  it('runs as its own user, restarts on failure, starts on boot after the network, and is locked down', () => {
    const p = paths();
    const unit = parseUnit(renderSystemdUnit({ node: p.node, appDir: p.appDir }));
    expect(unit['Unit']).toMatchObject({
      After: ['network-online.target'],
      Wants: ['network-online.target'],
    });
    expect(unit['Service']).toMatchObject({
      User: ['fse-sync'],
      Group: ['fse-sync'],
      WorkingDirectory: [p.appDir],
      ExecStart: [
        `${p.node} --min-semi-space-size=32 --max-semi-space-size=32 --import tsx sync-server/main.ts --data ${DATA_DIR}`,
      ],
      EnvironmentFile: ['-/etc/factory-shop-sync/env'],
      Restart: ['on-failure'],
      RestartSec: ['5'],
      StateDirectory: ['factory-shop-sync'],
      ReadWritePaths: [DATA_DIR],
      NoNewPrivileges: ['yes'],
      ProtectSystem: ['strict'],
      ProtectHome: ['yes'],
      PrivateTmp: ['yes'],
      CapabilityBoundingSet: ['CAP_NET_BIND_SERVICE'],
    });
    expect(unit['Install']).toEqual({ WantedBy: ['multi-user.target'] });
    // HTTPS is the server's default; the unit never turns it off.
    expect(JSON.stringify(unit)).not.toContain('insecure-http');
  });

  it('refuses paths systemd or the service user could not use', () => {
    expect(() => renderSystemdUnit({ node: '/usr/bin/node', appDir: '/opt/my app' })).toThrow(
      /absolute path/,
    );
    expect(() =>
      renderSystemdUnit({ node: '/root/.nvm/versions/node/v20/bin/node', appDir: '/opt/fss' }),
    ).toThrow(/home folder.*Install Node.js for the whole system/);
    expect(() => renderSystemdUnit({ node: 'node', appDir: '/opt/fss' })).toThrow(/absolute/);
  });

  it('starts the server over HTTPS with its ExecStart line, and stops it cleanly on SIGTERM', async () => {
    const unit = parseUnit(renderSystemdUnit({ node: process.execPath, appDir: repo }));
    const [node = '', ...args] = (unit['Service']?.['ExecStart']?.[0] ?? '').split(' ');
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-service-data-'));
    const child = spawn(
      node,
      args.map((a) => (a === DATA_DIR ? dataDir : a)),
      {
        cwd: unit['Service']?.['WorkingDirectory']?.[0],
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', PUBLIC_HOST: 'erp.example.lan' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      let url = '';
      for await (const line of createInterface({ input: child.stdout })) {
        const entry = /^\{.*\}$/.test(line)
          ? (JSON.parse(line) as { msg?: string; url?: string })
          : {};
        if (entry.msg === 'sync server listening') {
          url = entry.url ?? '';
          break;
        }
      }
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const cert = new X509Certificate(readFileSync(join(dataDir, 'tls/cert.pem')));
      expect(await readServerFingerprint(url)).toBe(cert.fingerprint256);
      expect(cert.checkHost('erp.example.lan')).toBe('erp.example.lan');
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((ok) => child.once('exit', (c) => ok(c)));
    expect(code).toBe(0);
  }, 60_000);
});

describe('the Linux install', () => {
  const plan = () =>
    linuxInstallPlan({
      node: '/usr/bin/node',
      sourceDir: '/srv/checkout/factory-shop-erp',
      appDir: '/opt/factory-shop-sync',
      port: 8443,
      publicHosts: ['erp.example.lan', '192.168.1.10'],
    });

  it('creates the user once, copies the app, keeps settings, and enables and starts the unit', () => {
    const steps = plan();
    const lines = steps.map(describeStep);
    const useradd = steps.find((s) => s.kind === 'run' && s.command === 'useradd');
    expect(useradd).toMatchObject({ skipIf: ['id', '-u', 'fse-sync'] });
    expect(lines.join('\n')).toContain('--system --user-group');
    expect(steps.find((s) => s.kind === 'copy')).toMatchObject({
      from: '/srv/checkout/factory-shop-erp',
      to: '/opt/factory-shop-sync',
    });
    const env = steps.find((s) => s.kind === 'write' && s.path === '/etc/factory-shop-sync/env');
    expect(env).toMatchObject({ keepExisting: true, mode: 0o600 });
    expect(env?.kind === 'write' && env.content).toMatch(
      /^PORT=8443$[\s\S]*^PUBLIC_HOST=erp\.example\.lan,192\.168\.1\.10$/m,
    );
    const unit = steps.find((s) => s.kind === 'write' && s.path === UNIT_PATH);
    expect(unit?.kind === 'write' && unit.content).toContain(
      'ExecStart=/usr/bin/node --min-semi-space-size=32 --max-semi-space-size=32 --import tsx sync-server/main.ts',
    );
    const systemctl = steps.flatMap((s) =>
      s.kind === 'run' && s.command === 'systemctl' ? [s.args.join(' ')] : [],
    );
    expect(systemctl).toEqual([
      'daemon-reload',
      'enable factory-shop-sync',
      'restart factory-shop-sync',
    ]);
    expect(steps.indexOf(unit!)).toBeLessThan(
      steps.findIndex((s) => s.kind === 'run' && s.args[0] === 'daemon-reload'),
    );
  });

  it('runs from the checkout itself when it is already where the service runs it', () => {
    const steps = linuxInstallPlan({
      node: '/usr/bin/node',
      sourceDir: '/opt/factory-shop-sync/',
      appDir: '/opt/factory-shop-sync',
      port: 443,
      publicHosts: [],
    });
    expect(steps.some((s) => s.kind === 'copy')).toBe(false);
  });

  it('with --dry-run only tells, and otherwise does the file steps it lists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-steps-'));
    writeFileSync(join(dir, 'kept'), 'admin edited this');
    const steps: Step[] = [
      { kind: 'mkdir', path: join(dir, 'etc'), mode: 0o750 },
      { kind: 'write', path: join(dir, 'kept'), content: 'new', keepExisting: true },
      { kind: 'write', path: join(dir, 'etc/unit'), content: 'unit', mode: 0o644 },
      {
        kind: 'run',
        command: 'touch',
        args: [join(dir, 'never')],
        skipIf: ['true'],
        why: 'skipped',
      },
    ];
    const told: string[] = [];
    runSteps(steps, { dryRun: true, log: (l) => told.push(l) });
    expect(told).toHaveLength(4);
    expect(told.every((l) => l.startsWith('would '))).toBe(true);
    expect(spawnSync('test', ['-e', join(dir, 'etc')]).status).not.toBe(0);

    runSteps(steps, { dryRun: false, log: () => undefined });
    expect(readFileSync(join(dir, 'kept'), 'utf8')).toBe('admin edited this');
    expect(readFileSync(join(dir, 'etc/unit'), 'utf8')).toBe('unit');
    expect(spawnSync('test', ['-e', join(dir, 'never')]).status).not.toBe(0);
  });
});
