// The installers' configuration, checked here where the installers cannot be built (no Electron
// binary, no internet): electron-builder.yml against electron-builder's own schema, and the app
// packed for real by electron-builder (`--dir`, Linux x64) around a stand-in Electron binary
// that carries the fuse wire, so the packed file list and the fuses can be read back.
import { extractFile, listPackage } from '@electron/asar';
import { getCurrentFuseWire } from '@electron/fuses';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { Arch, build, Platform } from 'electron-builder';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iconFiles } from '../../build/icons';
import { updateKeysSchema } from '../../core/ops/update-signature';
import { startPageReader } from '../../core/sync/page-reader';
import { buildElectron } from '../build';
import { cspFor, metaPolicyOf } from '../main/security';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// electron-updater's YAML reader (js-yaml ships no types).
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's own defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on,
 * asar integrity off, only-asar off, V8 snapshot off, file:// privileges on. */
const ELECTRON_DEFAULT_FUSES = '10110001';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration schema (and the schema does catch mistakes)", async () => {
    const config = await getConfig(root, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config).toMatchObject({
      appId: 'com.factoryshop.erp',
      productName: 'Factory-Shop ERP',
      npmRebuild: false,
      asarUnpack: ['node_modules/better-sqlite3/**'],
      nsis: {
        oneClick: false,
        perMachine: false,
        allowElevation: true,
        createDesktopShortcut: true,
        createStartMenuShortcut: true,
        deleteAppDataOnUninstall: false,
        include: 'build/installer.nsh',
      },
      publish: { provider: 'generic' },
      // Where a certificate signs the release, the app checks its updates' Windows publisher.
      win: { verifyUpdateCodeSignature: true },
      electronFuses: { grantFileProtocolExtraPrivileges: false },
    });
    await expect(
      validateConfiguration(
        { ...config, nsis: { ...config.nsis, oneClik: false } } as typeof config,
        new DebugLogger(false),
      ),
    ).rejects.toThrow(/Invalid configuration object/);
  });

  it('has the icons it names: a 512×512 PNG and a Windows icon up to 256×256, as build/icons.ts draws them', () => {
    const png = readFileSync(join(root, 'build/icon.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    const ico = readFileSync(join(root, 'build/icon.ico'));
    expect([ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([1, 7]);
    const sizes = Array.from({ length: 7 }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(sizes).toContain(256);
    const drawn = iconFiles();
    expect(png.equals(drawn['icon.png'])).toBe(true);
    expect(ico.equals(drawn['icon.ico'])).toBe(true);
    // The image is not empty: teal around a white factory.
    const idat = png.indexOf('IDAT');
    const rows = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    const at = (x: number, y: number) => rows.subarray(y * 2049 + 1 + x * 4, y * 2049 + 5 + x * 4);
    expect([...at(256, 350)]).toEqual([255, 255, 255, 255]);
    expect(at(256, 60)[3]).toBe(255);
    expect(at(0, 0)[3]).toBe(0);
  });
});

describe('the packed app', () => {
  let out: string;
  let asar: string[];
  let resources: string;

  beforeAll(async () => {
    // Built now, from the sources under test (a stale dist/ would check an older app).
    await buildElectron();
    if (!existsSync(join(root, 'dist/renderer/index.html'))) {
      const vite = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root });
      expect(vite.status).toBe(0);
    }
    const fake = mkdtempSync(join(tmpdir(), 'fse-electron-dist-'));
    writeFileSync(
      join(fake, 'electron'),
      Buffer.concat([
        Buffer.from('#!/bin/sh\necho "a stand-in for the Electron binary"\n'),
        Buffer.from(SENTINEL),
        Buffer.from([1, 8]), // fuse wire version 1, 8 fuses
        Buffer.from(ELECTRON_DEFAULT_FUSES),
      ]),
    );
    chmodSync(join(fake, 'electron'), 0o755);
    mkdirSync(join(fake, 'resources'));
    writeFileSync(join(fake, 'LICENSE'), 'stand-in');
    out = mkdtempSync(join(tmpdir(), 'fse-packed-'));
    await build({
      projectDir: root,
      targets: Platform.LINUX.createTarget('dir', Arch.x64),
      publish: 'never',
      config: { electronDist: fake, directories: { output: out } },
    });
    resources = join(out, 'linux-unpacked/resources');
    asar = listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) =>
      p.split('\\').join('/').replace(/^\//, ''),
    );
  }, 240_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('holds the built app and its production dependencies, and nothing else of the repository', () => {
    const own = asar.filter((p) => !p.startsWith('node_modules'));
    const files = own.filter((p) => /\.[a-z]+$/.test(p) || p === 'package.json');
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/electron/main.js',
        'dist/electron/preload.js',
        'dist/electron/core-process.js',
        'dist/electron/page-reader.js',
        'dist/electron/update-keys.json',
        'dist/renderer/index.html',
        'package.json',
      ]),
    );
    // Only dist/ and package.json: no sources, tests, maps, docs, resources or build files.
    expect(
      own.filter(
        (p) => !/^(dist\/(electron|renderer)(\/|$)|dist$|package\.json$|node_modules$)/.test(p),
      ),
    ).toEqual([]);
    expect(asar.filter((p) => /\.(ts|tsx|map)$/.test(p) && !p.startsWith('node_modules'))).toEqual(
      [],
    );
    expect(asar.filter((p) => /(^|\/)\.git(\/|$)|\.test\./.test(p))).toEqual([]);

    const packages = new Set(
      asar
        .filter((p) => p.startsWith('node_modules/'))
        .map((p) =>
          p
            .split('/')
            .slice(1, p.split('/')[1]!.startsWith('@') ? 3 : 2)
            .join('/'),
        ),
    );
    for (const dev of [
      'electron',
      'electron-builder',
      'vitest',
      'typescript',
      'vite',
      'esbuild',
      'tsx',
      'eslint',
      'prettier',
      'drizzle-kit',
      'playwright-core',
      '@types/node',
    ])
      expect(packages.has(dev), `${dev} is a development dependency`).toBe(false);
    // Head office's packages ship in the server package (sync-server/package), React inside the
    // built renderer: none of them in the desktop app.
    // The invoice readers too (decision 0033): OCR, its data, the PDF reader, image libraries.
    for (const other of [
      'express',
      'pg',
      'node-telegram-bot-api',
      'openai',
      'react',
      'react-dom',
      'tesseract.js',
      '@tesseract.js-data/eng',
      'unpdf',
      'sharp',
      '@napi-rs/canvas',
    ])
      expect(packages.has(other), `${other} is not the desktop app's`).toBe(false);
    // Every package the bundles load at run time is there.
    const external = new Set<string>();
    for (const bundle of ['main.js', 'core-process.js', 'page-reader.js']) {
      const code = readFileSync(join(root, 'dist/electron', bundle), 'utf8');
      // import … from "x", import("x"), require("x"), createRequire(…)("x"); not the string
      // "from" itself (a query's placeholder named from).
      for (const m of code.matchAll(
        /(?:(?<![\w"'])from\s*|import\(\s*|require\(\s*|\)\(\s*)["']([^"'./][^"']*)["']/g,
      )) {
        const name = m[1]!.startsWith('@')
          ? m[1]!.split('/').slice(0, 2).join('/')
          : m[1]!.split('/')[0]!;
        if (!name.startsWith('node:') && !builtinModules.includes(name) && name !== 'electron')
          external.add(name);
      }
    }
    expect([...external].filter((name) => !packages.has(name))).toEqual([]);
    expect([...external]).toEqual(
      expect.arrayContaining(['better-sqlite3', 'electron-updater', 'node-cron']),
    );
  });

  it('ships the update keys, the app:// handler and the page with its own policy, inside the archive', () => {
    const archive = join(resources, 'app.asar');
    const read = (path: string) => extractFile(archive, path).toString('utf8');
    // The public keys updates must be signed with, beside main.js (main.ts reads them there).
    expect(JSON.parse(read('dist/electron/update-keys.json'))).toEqual(
      updateKeysSchema.parse(
        JSON.parse(readFileSync(join(root, 'build/update-keys.json'), 'utf8')),
      ),
    );
    // The protocol handler is bundled into main.js, and main.js loads the page through it.
    const main = read('dist/electron/main.js');
    for (const part of [
      'createAppProtocolHandler',
      'resolveAppUrl',
      'registerSchemesAsPrivileged',
      'protocol.handle(',
      'loadURL(',
      'verifyDownloadedUpdate',
      'refusedDebugSwitches',
    ])
      expect(main, part).toContain(part);
    expect(main).not.toContain('loadFile(');
    expect(read('dist/renderer/index.html')).toContain(
      `<meta
      http-equiv="Content-Security-Policy"
      content="${metaPolicyOf(cspFor(false))}"`,
    );
  });

  it('runs the page reader from its bundle: pulls a page over HTTP and checks its events', async () => {
    const stamp = '000001700000000-000000-pc';
    const event = (type: string, payload: unknown) => ({
      id: randomUUID(),
      type,
      schemaVersion: 1,
      branchId: 'HQ',
      deviceId: 'pc',
      userId: 'u',
      hlc: stamp,
      createdAt: 1_700_000_000_000,
      aggregateId: null,
      payload,
      seq: 1,
      receivedHlc: stamp,
    });
    const page = {
      events: [
        event('customer.saved', { id: 'c1', branchId: 'HQ', name: 'Abebe' }),
        event('future.thing', { x: 1 }),
      ],
      cursor: 2,
      remaining: 0,
      serverTime: Date.now(),
    };
    const asked: string[] = [];
    const server = createHttpServer((req, res) => {
      asked.push(`${req.url ?? ''} ${req.headers.authorization ?? ''}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(page));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    // Where the core looks for it from the utility process's bundle: beside core-process.js.
    process.env['FSE_PAGE_READER'] = join(root, 'dist/electron/page-reader.js');
    const reader = startPageReader({
      baseUrl: `http://127.0.0.1:${port}`,
      token: 'device-token',
      pin: null,
      nextPin: null,
    });
    try {
      expect(await reader.ready).toBe(true);
      const read = await reader.pull(0, 10);
      expect(asked).toEqual(['/sync/pull?after=0&limit=10 Bearer device-token']);
      expect(read?.events.map((e) => e.checked?.kind)).toEqual(['parsed', 'deferred']);
      expect(read?.cursor).toBe(2);
    } finally {
      delete process.env['FSE_PAGE_READER'];
      await reader.stop();
      server.close();
    }
  });

  it('keeps better-sqlite3 unpacked beside the archive, without its C sources', () => {
    const unpacked = filesUnder(join(resources, 'app.asar.unpacked'));
    expect(unpacked).toEqual(
      expect.arrayContaining([
        'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
        'node_modules/better-sqlite3/lib/index.js',
        'node_modules/better-sqlite3/package.json',
      ]),
    );
    expect(unpacked.filter((p) => /\.(c|cpp|h|o|a|mk|gyp)$|\/deps\/|\/src\//.test(p))).toEqual([]);
  });

  it('ships the migrations and fonts beside the archive, where the app looks for them', () => {
    expect(filesUnder(join(resources, 'migrations'))).toEqual(
      filesUnder(join(root, 'resources/migrations')),
    );
    expect(filesUnder(join(resources, 'fonts'))).toEqual(filesUnder(join(root, 'resources/fonts')));
    expect(filesUnder(join(resources, 'fonts'))).toEqual(
      expect.arrayContaining(['NotoSans-Regular.ttf', 'NotoSansCJKsc-Regular.otf', 'OFL.txt']),
    );
    expect(readFileSync(join(resources, 'app-update.yml'), 'utf8')).toMatch(/^provider: generic$/m);
  });

  it('has the fuses flipped as configured', async () => {
    const wire = await getCurrentFuseWire(join(out, 'linux-unpacked/factory-shop-erp'));
    const on = 49;
    const off = 48;
    // RunAsNode, cookie encryption, NODE_OPTIONS, --inspect, asar integrity, only-asar, V8
    // snapshot (left as Electron has it), file:// extra privileges.
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => wire[i as 0])).toEqual([
      off,
      on,
      off,
      off,
      on,
      on,
      off,
      off,
    ]);
  });
});

describe('the uninstaller script (build/installer.nsh)', () => {
  // electron-builder compiles it on Windows into its own NSIS template. Here it is compiled with
  // Debian's makensis (apt: nsis) into a small installer defining what the template would.
  const makensis = spawnSync('makensis', ['-VERSION']).status === 0;
  it.skipIf(!makensis)('compiles with warnings as errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-nsis-'));
    const script = join(dir, 'harness.nsi');
    writeFileSync(
      script,
      [
        'Unicode true',
        '!include LogicLib.nsh',
        '!include FileFunc.nsh',
        '!macro _isUpdated _a _b _t _f',
        '  ${GetParameters} $R9',
        '  ClearErrors',
        '  ${GetOptions} $R9 "--updated" $R8',
        '  IfErrors `${_f}` `${_t}`',
        '!macroend',
        '!define isUpdated `"" isUpdated ""`',
        '!define PRODUCT_NAME "Factory-Shop ERP"',
        '!define PRODUCT_FILENAME "Factory-Shop ERP"',
        '!define APP_PACKAGE_NAME "factory-shop-erp"',
        'Var installMode',
        `!include "${join(root, 'build/installer.nsh')}"`,
        'Name "${PRODUCT_NAME}"',
        `OutFile "${join(dir, 'harness.exe')}"`,
        'RequestExecutionLevel user',
        'Section "Install"',
        '  StrCpy $installMode "CurrentUser"',
        '  WriteUninstaller "$TEMP\\uninstall.exe"',
        'SectionEnd',
        'Section "un.Uninstall"',
        '  !insertmacro customUnInstall',
        'SectionEnd',
        '',
      ].join('\n'),
    );
    const run = spawnSync('makensis', ['-V2', '-WX', script], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('the release workflow', () => {
  it('rebuilds native modules for Electron before it packages, and publishes the update files', () => {
    const workflow = load(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as {
      jobs: Record<string, { steps: { run?: string; with?: Record<string, unknown> }[] }>;
    };
    const steps = workflow.jobs['installers']!.steps.map((s) => s.run ?? '');
    const rebuild = steps.findIndex((r) => r.includes('electron-builder install-app-deps'));
    const pack = steps.findIndex((r) =>
      /electron-builder \$\{\{ matrix\.platform \}\} --publish never/.test(r),
    );
    expect(rebuild).toBeGreaterThan(steps.findIndex((r) => r === 'npm run build'));
    expect(pack).toBeGreaterThan(rebuild);
    const uploaded = JSON.stringify(workflow.jobs['installers']);
    for (const file of ['latest.yml', 'latest-linux.yml', '*.exe.blockmap', '*.AppImage', '*.deb'])
      expect(uploaded).toContain(file);
  });
});
