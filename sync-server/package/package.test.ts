/* eslint-disable @typescript-eslint/no-restricted-imports --
   an end-to-end test of the server package: the desktop host (electron/) enrolls against it */
// The server package, built here as the release workflow builds it, unpacked from its .deb into
// an empty folder and started with plain node: no repository, no tsx, no development packages.
// A PC enrolls against it over HTTPS and syncs an order, whose PDF head office then renders.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { invoiceImage, makeInvoice, phonePhoto } from '../../core/invoices/testing/generate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopHost } from '../../electron/host/desktop-host';
import { desktopHostAt } from '../../electron/testing/desktop-host';
import { fetch } from 'undici';
import { call, PASSWORD, setUpCompany, trustingAgent } from '../http/testing/head-office';
import { SHIPPED } from '../resources';
import { parseUnit, systemdAnalyze } from '../service/testing/systemd';
import { buildServerPackage, type ServerPackage } from './build';
import { DEB_APP_DIR, DEB_ENV, DEB_UNIT } from './deb';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let built: ServerPackage;
/** The .deb's files, as dpkg would put them under /. */
let root: string;
let app: string;

beforeAll(async () => {
  if (!existsSync(join(repo, SHIPPED.console, 'index.html'))) {
    const vite = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repo });
    expect(vite.status).toBe(0);
  }
  built = await buildServerPackage({
    out: mkdtempSync(join(tmpdir(), 'fse-server-package-')),
    deb: true,
    compression: 'fast',
  });
  root = mkdtempSync(join(tmpdir(), 'fse-server-root-'));
  const unpacked = spawnSync('dpkg-deb', ['-x', built.deb!, root], { encoding: 'utf8' });
  expect(unpacked.stderr).toBe('');
  app = join(root, DEB_APP_DIR);
}, 600_000);

// Thousands of files each: slow on a busy disk.
afterAll(() => {
  if (built) rmSync(dirname(built.appDir), { recursive: true, force: true });
  if (root) rmSync(root, { recursive: true, force: true });
}, 300_000);

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));

const field = (name: string) =>
  spawnSync('dpkg-deb', ['-f', built.deb!, name], { encoding: 'utf8' }).stdout.trim();

/** The package's node and environment: nothing of this repository or of the test runner. */
function packagedEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...extra };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

/** Waits until the server answers /health over HTTPS, or says why it stopped. */
async function answering(child: ChildProcess, url: string, output: () => string) {
  let stopped: (code: number | null) => void = () => undefined;
  const exited = new Promise<never>((_, fail) => {
    stopped = (code) =>
      fail(new Error(`The packaged server exited (${code}) before answering:\n${output()}`));
    child.once('exit', stopped);
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const health = await Promise.race([
      call<{ status: string; version: string; tls: { fingerprint256: string } }>(
        url,
        'GET',
        '/health',
      ).catch(() => null),
      exited,
    ]);
    if (health?.status === 200) {
      child.off('exit', stopped);
      return health.body;
    }
    if (Date.now() > deadline) throw new Error(`No answer at ${url} in 2 minutes:\n${output()}`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

describe('the server package', () => {
  it('is a .deb for this Node.js major that installs the app, its unit and its settings', () => {
    expect(field('Package')).toBe('factory-shop-sync');
    expect(field('Version')).toBe(built.version);
    const major = Number(process.versions.node.split('.')[0]);
    expect(field('Depends')).toBe(
      `nodejs (>= ${major === 20 ? '20.19' : major}), nodejs (<< ${major + 1}), passwd, init-system-helpers`,
    );
    const control = mkdtempSync(join(tmpdir(), 'fse-deb-control-'));
    expect(spawnSync('dpkg-deb', ['-e', built.deb!, control]).status).toBe(0);
    // The settings survive an upgrade as a conffile; nothing else in /etc.
    expect(readFileSync(join(control, 'conffiles'), 'utf8')).toBe(`${DEB_ENV}\n`);
    for (const script of ['postinst', 'prerm', 'postrm'])
      expect(statSync(join(control, script)).mode & 0o755).toBe(0o755);
    expect(statSync(join(root, DEB_ENV)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(root, DEB_ENV), 'utf8')).toMatch(/^PORT=8443$/m);
    // Owned by root, whoever built it.
    const listing = spawnSync('dpkg-deb', ['-c', built.deb!], { encoding: 'utf8' }).stdout;
    expect(listing.split('\n').filter((l) => l && !l.includes(' root/root '))).toEqual([]);
    expect(
      filesUnder(root)
        .filter((f) => !f.startsWith(DEB_APP_DIR.slice(1)))
        .sort(),
    ).toEqual([DEB_ENV, DEB_UNIT].map((p) => p.slice(1)).sort());
  });

  it('carries the bundles, what the server reads from disk, and production packages only', () => {
    const files = filesUnder(app);
    expect(files).toEqual(
      expect.arrayContaining([
        'server.mjs',
        'restore.mjs',
        'install.mjs',
        'package.json',
        `${SHIPPED.console}/index.html`,
        `${SHIPPED.migrations}/meta/_journal.json`,
        `${SHIPPED.fonts}/NotoSans-Regular.ttf`,
        SHIPPED.updateKeys,
        SHIPPED.unitTemplate,
        'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      ]),
    );
    expect(filesUnder(join(app, SHIPPED.migrations))).toEqual(
      filesUnder(join(repo, SHIPPED.migrations)),
    );
    // None of the repository's sources, tests or tools.
    expect(files.filter((f) => !f.startsWith('node_modules/') && /\.(tsx?|map)$/.test(f))).toEqual(
      [],
    );
    expect(files.filter((f) => /^node_modules\/better-sqlite3\/(deps|src)\//.test(f))).toEqual([]);
    const packages = new Set(built.packages.map((p) => p.name));
    for (const name of ['express', 'pg', 'better-sqlite3', 'node-telegram-bot-api', 'pdfkit'])
      expect(packages.has(name), name).toBe(true);
    for (const dev of [
      'tsx',
      'esbuild',
      'typescript',
      'vitest',
      'electron',
      'electron-updater',
      'react',
      'react-dom',
      'node-windows',
      'drizzle-kit',
      'playwright-core',
    ])
      expect(packages.has(dev), `${dev} is not the server's`).toBe(false);
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as {
      fseServerPackage: { modules: string };
    };
    expect(manifest.fseServerPackage.modules).toBe(process.versions.modules);
  });

  it("ships a unit that passes systemd-analyze verify and runs the package's server.mjs", () => {
    const text = readFileSync(join(root, DEB_UNIT), 'utf8');
    const unit = parseUnit(text);
    expect(unit['Service']).toMatchObject({
      User: ['fse-sync'],
      WorkingDirectory: [DEB_APP_DIR],
      ExecStart: [
        '/usr/bin/node --min-semi-space-size=32 --max-semi-space-size=32 server.mjs --data /var/lib/factory-shop-sync',
      ],
      EnvironmentFile: [`-${DEB_ENV}`],
    });
    // As shipped where this machine has /usr/bin/node; otherwise with this node in its place.
    let file = join(root, DEB_UNIT);
    if (!existsSync('/usr/bin/node')) {
      file = join(mkdtempSync(join(tmpdir(), 'fse-deb-unit-')), 'factory-shop-sync.service');
      writeFileSync(file, text.replace('/usr/bin/node', process.execPath));
    }
    const verified = systemdAnalyze(file);
    expect(verified.about).toEqual([]);
    expect(verified.status).toBe(0);
  });

  it('starts with plain node in an empty folder, and a PC enrolls over HTTPS and syncs', async () => {
    // What the unit runs, with its paths under the unpacked root; the settings from its env file.
    const unit = parseUnit(readFileSync(join(root, DEB_UNIT), 'utf8'))['Service']!;
    // Node's own options first (they start with --), then the entry, then the server's options.
    const [, ...line] = unit['ExecStart']![0]!.split(' ');
    const at = line.findIndex((a) => !a.startsWith('--'));
    const [nodeOptions, entry = '', args] = [line.slice(0, at), line[at], line.slice(at + 1)];
    const workingDir = join(root, unit['WorkingDirectory']![0]!);
    const settings = Object.fromEntries(
      readFileSync(join(root, DEB_ENV), 'utf8')
        .split('\n')
        .flatMap((line) => {
          const m = /^([A-Z_]+)=(.*)$/.exec(line);
          return m ? [[m[1]!, m[2]!]] : [];
        }),
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'fse-packaged-data-'));
    const port = await freePort();
    const empty = mkdtempSync(join(tmpdir(), 'fse-packaged-cwd-'));
    let output = '';
    const child = spawn(
      process.execPath,
      [
        ...nodeOptions,
        join(workingDir, entry),
        ...args.map((a) => (a === '/var/lib/factory-shop-sync' ? dataDir : a)),
      ],
      {
        cwd: empty,
        env: packagedEnv({
          ...settings,
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_HOST: 'erp.example.lan',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    let host: DesktopHost | null = null;
    try {
      const url = `https://127.0.0.1:${port}`;
      const health = await answering(child, url, () => output);
      const cert = new X509Certificate(readFileSync(join(dataDir, 'tls/cert.pem')));
      expect(health).toMatchObject({ status: 'ok', tls: { fingerprint256: cert.fingerprint256 } });
      expect(cert.checkHost('erp.example.lan')).toBe('erp.example.lan');
      // The console, from the package's own copy.
      const page = await fetch(`${url}/console/`, { dispatcher: trustingAgent });
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(
        readFileSync(join(app, SHIPPED.console, 'index.html'), 'utf8'),
      );
      const company = await setUpCompany(() => url);
      // The version it runs is told to the admin (anyone else is told only that it is up).
      const asAdmin = await call<{ version?: string }>(
        url,
        'GET',
        '/health',
        undefined,
        company.adminToken,
      );
      expect(asAdmin.body.version).toBe(built.version);

      // A PC enrolls as the desktop app does: it pins the certificate, then syncs.
      const pc = await desktopHostAt(url, await company.enrollmentCode(), 'Shop PC');
      host = pc.host;
      expect(host.status()).toMatchObject({
        enrolled: true,
        serverFingerprint: cert.fingerprint256,
      });
      const { token } = (await host.call('auth.login', {
        username: 'shop1',
        password: PASSWORD,
      })) as { token: string };
      const placed = (await host.call(
        'orders.place',
        { lines: [{ variantId: company.variantId, quantity: 2 }] },
        token,
      )) as { id: string };
      await host.syncNow();
      expect(host.status()).toMatchObject({ pending: 0, lastError: null });

      // Head office has the order, and renders its PDF with the package's fonts.
      await expect(company.admin('orders.get', { orderId: placed.id })).resolves.toMatchObject({
        id: placed.id,
      });
      const pdf = await company.admin('orders.document', {
        orderId: placed.id,
        kind: 'order_sheet',
      });
      expect(Buffer.from(pdf.contentBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

      // A supplier invoice photographed at the shop is read at head office by the package's own
      // OCR and its English data (decision 0033), without any download.
      const inv = makeInvoice(2, 'classic');
      const photo = await phonePhoto(await invoiceImage(inv, 0), { rotateDegrees: 2 });
      const up = (await host.call(
        'invoices.upload',
        { fileName: 'photo.jpg', contentBase64: photo.toString('base64') },
        token,
      )) as { invoiceId: string };
      await host.syncNow();
      let read: { invoice: { status: string }; reading: { source: string } | null } | null = null;
      for (let tries = 0; tries < 120 && read?.invoice.status !== 'read'; tries++) {
        await new Promise((r) => setTimeout(r, 500));
        read = await company.admin('invoices.get', { invoiceId: up.invoiceId }).catch(() => null);
      }
      expect(read?.invoice.status, output).toBe('read');
      expect(read?.reading?.source).toBe('ocr');
    } finally {
      host?.close();
      child.kill('SIGTERM');
    }
    const code = await new Promise((ok) =>
      child.exitCode !== null ? ok(child.exitCode) : child.once('exit', (c) => ok(c)),
    );
    expect(code, output).toBe(0);
  }, 300_000);

  it('refuses, in words, a Node.js its native modules were not built for', () => {
    const file = join(app, 'package.json');
    const original = readFileSync(file, 'utf8');
    const manifest = JSON.parse(original) as { fseServerPackage: Record<string, string> };
    manifest.fseServerPackage = { ...manifest.fseServerPackage, node: '18.20.4', modules: '108' };
    writeFileSync(file, JSON.stringify(manifest));
    try {
      const r = spawnSync(process.execPath, [join(app, 'server.mjs')], {
        cwd: root,
        env: packagedEnv({}),
        encoding: 'utf8',
      });
      expect(r.stderr).toContain(
        `built with Node.js 18.20.4, and its native SQLite module loads only in Node.js 18; this is Node.js ${process.versions.node}. Install Node.js 18`,
      );
      expect(r.status).toBe(1);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('also runs the restore command and the service installer with plain node', () => {
    const run = (bundle: string, args: string[]) =>
      spawnSync(process.execPath, [join(app, bundle), ...args], {
        cwd: root,
        env: packagedEnv({}),
        encoding: 'utf8',
      });
    const restore = run('restore.mjs', []);
    expect(restore.stderr).toMatch(/^usage: .*<backup file>/);
    expect(restore.status).toBe(2);
    // From the package, the installer copies the package, not a checkout, and runs no tsx.
    const install = run('install.mjs', ['--dry-run', '--public-host', 'erp.example.lan']);
    expect(install.stderr).toBe('');
    expect(install.stdout).toContain(
      `would copy package.json, server.mjs, restore.mjs, install.mjs, dist, resources, build, node_modules from ${app} to /opt/factory-shop-sync`,
    );
    expect(install.status).toBe(0);
  });

  describe('its maintainer scripts, run as dpkg runs them, with the system commands they call recorded', () => {
    let scripts: string;
    let stubs: string;
    beforeAll(() => {
      scripts = mkdtempSync(join(tmpdir(), 'fse-deb-scripts-'));
      expect(spawnSync('dpkg-deb', ['-e', built.deb!, scripts]).status).toBe(0);
      // Each records its call; `id -u fse-sync` and `was-enabled` answer as the test says.
      stubs = mkdtempSync(join(tmpdir(), 'fse-deb-stubs-'));
      for (const name of [
        'id',
        'useradd',
        'chgrp',
        'systemctl',
        'deb-systemd-helper',
        'deb-systemd-invoke',
      ]) {
        writeFileSync(
          join(stubs, name),
          `#!/bin/sh
echo "$(basename "$0") $*" >> "$FAKE_LOG"
case "$(basename "$0") $*" in
  "id -u fse-sync") [ "$FAKE_USER" = yes ] ;;
  "deb-systemd-helper --quiet was-enabled "*) [ "$FAKE_WAS_ENABLED" = yes ] ;;
  *) exit 0 ;;
esac
`,
        );
        chmodSync(join(stubs, name), 0o755);
      }
    });

    /** A machine's root: the package's settings folder, systemd running, maybe data already. */
    function machine(o: { data?: boolean; systemd?: boolean } = {}) {
      const at = mkdtempSync(join(tmpdir(), 'fse-deb-machine-'));
      mkdirSync(join(at, 'etc/factory-shop-sync'), { recursive: true, mode: 0o755 });
      writeFileSync(join(at, DEB_ENV), 'PORT=9443\n');
      if (o.systemd !== false) mkdirSync(join(at, 'run/systemd/system'), { recursive: true });
      if (o.data) {
        mkdirSync(join(at, 'var/lib/factory-shop-sync/tls'), { recursive: true });
        writeFileSync(join(at, 'var/lib/factory-shop-sync/tls/cert.pem'), 'the pinned one');
        writeFileSync(join(at, 'var/lib/factory-shop-sync/store.db'), 'the data');
      }
      return at;
    }

    function dpkgRuns(
      at: string,
      script: 'postinst' | 'prerm' | 'postrm',
      args: string[],
      fake: { user?: boolean; wasEnabled?: boolean } = {},
    ) {
      const log = join(at, 'calls.log');
      writeFileSync(log, '');
      const r = spawnSync('sh', [join(scripts, script), ...args], {
        encoding: 'utf8',
        env: {
          PATH: `${stubs}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
          DPKG_ROOT: at,
          FAKE_LOG: log,
          FAKE_USER: fake.user ? 'yes' : 'no',
          FAKE_WAS_ENABLED: fake.wasEnabled === false ? 'no' : 'yes',
        },
      });
      expect(r.status, r.stderr).toBe(0);
      const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      return { calls, stdout: r.stdout, stderr: r.stderr };
    }

    const kept = (at: string) => ({
      certificate: readFileSync(join(at, 'var/lib/factory-shop-sync/tls/cert.pem'), 'utf8'),
      data: readFileSync(join(at, 'var/lib/factory-shop-sync/store.db'), 'utf8'),
      settings: readFileSync(join(at, DEB_ENV), 'utf8'),
    });

    it('a first install makes the service user, lets it read the settings, enables and starts the service', () => {
      const at = machine();
      const { calls, stdout, stderr } = dpkgRuns(at, 'postinst', ['configure']);
      expect(calls).toEqual([
        'id -u fse-sync',
        'useradd --system --user-group --home-dir /var/lib/factory-shop-sync --no-create-home --shell /usr/sbin/nologin fse-sync',
        `chgrp fse-sync ${at}/etc/factory-shop-sync`,
        'deb-systemd-helper unmask factory-shop-sync.service',
        'deb-systemd-helper --quiet was-enabled factory-shop-sync.service',
        'deb-systemd-helper enable factory-shop-sync.service',
        'systemctl --system daemon-reload',
        'deb-systemd-invoke start factory-shop-sync.service',
      ]);
      expect(statSync(join(at, 'etc/factory-shop-sync')).mode & 0o777).toBe(0o750);
      expect(stdout).toContain('journalctl -u factory-shop-sync');
      expect(stderr).toBe('');
    });

    it('an upgrade keeps the user, data, certificate and settings, and restarts the new version', () => {
      const at = machine({ data: true });
      const before = kept(at);
      expect(dpkgRuns(at, 'prerm', ['upgrade', '0.2.0'], { user: true }).calls).toEqual([]);
      const { calls, stdout } = dpkgRuns(at, 'postinst', ['configure', '0.1.0'], { user: true });
      expect(calls.filter((c) => c.startsWith('useradd'))).toEqual([]);
      expect(calls.at(-1)).toBe('deb-systemd-invoke restart factory-shop-sync.service');
      expect(stdout).toBe('');
      expect(kept(at)).toEqual(before);
    });

    it("leaves an admin's systemctl disable as it is, and starts nothing where systemd is not running", () => {
      const disabled = dpkgRuns(machine(), 'postinst', ['configure', '0.1.0'], {
        user: true,
        wasEnabled: false,
      }).calls;
      expect(disabled).toContain('deb-systemd-helper update-state factory-shop-sync.service');
      expect(disabled).not.toContain('deb-systemd-helper enable factory-shop-sync.service');
      const noSystemd = dpkgRuns(machine({ systemd: false }), 'postinst', ['configure']).calls;
      expect(noSystemd).toContain('deb-systemd-helper enable factory-shop-sync.service');
      expect(noSystemd.filter((c) => /^(systemctl|deb-systemd-invoke)/.test(c))).toEqual([]);
    });

    it("says when a unit from npm run server:install would shadow the package's", () => {
      const at = machine();
      mkdirSync(join(at, 'etc/systemd/system'), { recursive: true });
      writeFileSync(join(at, 'etc/systemd/system/factory-shop-sync.service'), '[Service]\n');
      expect(dpkgRuns(at, 'postinst', ['configure']).stderr).toMatch(
        /overrides this package's unit\. To run this package's server: rm \/etc\/systemd\/system\/factory-shop-sync\.service/,
      );
    });

    it('removal stops the service and keeps data and settings; only a purge deletes them', () => {
      const at = machine({ data: true });
      const before = kept(at);
      expect(dpkgRuns(at, 'prerm', ['remove']).calls).toEqual([
        'deb-systemd-invoke stop factory-shop-sync.service',
      ]);
      expect(dpkgRuns(at, 'postrm', ['remove']).calls).toEqual([
        'deb-systemd-helper mask factory-shop-sync.service',
        'systemctl --system daemon-reload',
      ]);
      expect(kept(at)).toEqual(before);
      expect(dpkgRuns(at, 'postrm', ['purge']).calls).toEqual([
        'deb-systemd-helper purge factory-shop-sync.service',
        'deb-systemd-helper unmask factory-shop-sync.service',
        'systemctl --system daemon-reload',
      ]);
      expect(existsSync(join(at, 'var/lib/factory-shop-sync'))).toBe(false);
      expect(existsSync(join(at, 'etc/factory-shop-sync'))).toBe(false);
    });
  });
});
