// `npm start`: the desktop app when this machine has the Electron runtime; otherwise the same app
// in web mode on 127.0.0.1, after a plain sentence saying why.
//   npm start -- [--data <folder>] [--port <n>] [--web]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveDataDir } from './data-dir';
import { DesktopHost } from './host/desktop-host';
import { EncryptedTokenStore, keyFileCipher } from './host/token-store';
import { startWebMode, type WebMode } from './web-mode';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const NO_RUNTIME_MESSAGE =
  'The Electron runtime is not installed on this machine (it could not be downloaded). ' +
  'Serving the same app in web mode instead.';

/**
 * The Electron binary's path, or null when it is not on disk. The `electron` package exports
 * the path, and throws on import when its download was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD).
 */
export function electronRuntimePath(
  load: () => unknown = () => createRequire(import.meta.url)('electron'),
): string | null {
  try {
    const path = load();
    return typeof path === 'string' && path !== '' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export interface StartOptions {
  dataDir: string;
  port: number;
  /** Web mode even where Electron is installed (end-to-end tests, a PC with a broken runtime). */
  web: boolean;
  /** Given on the command line or in FSE_DATA, to pass on to Electron. */
  dataGiven: boolean;
}

export function readStartOptions(argv = process.argv.slice(2), env = process.env): StartOptions {
  const { values } = parseArgs({
    args: argv,
    options: { data: { type: 'string' }, port: { type: 'string' }, web: { type: 'boolean' } },
    allowPositionals: false,
  });
  const port = Number(values.port ?? 0);
  if (values.port !== undefined && (!/^\d+$/.test(values.port) || port > 65535))
    throw new Error(
      `--port: "${values.port}" is not a port number (0 to 65535; 0 picks a free one).`,
    );
  return {
    dataDir: resolveDataDir(values.data, env),
    port,
    web: values.web ?? false,
    dataGiven: values.data !== undefined || Boolean(env['FSE_DATA']),
  };
}

export const appVersion = (): string => {
  const pkg: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return typeof pkg === 'object' &&
    pkg !== null &&
    'version' in pkg &&
    typeof pkg.version === 'string'
    ? pkg.version
    : '0.0.0';
};

export interface RunningWebMode {
  host: DesktopHost;
  web: WebMode;
  close(): Promise<void>;
}

export async function runWebMode(options: {
  dataDir: string;
  port: number;
  staticDir?: string;
  log?: (entry: Record<string, unknown>) => void;
  syncIntervalMs?: number;
}): Promise<RunningWebMode> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const host = new DesktopHost({
    dataDir: options.dataDir,
    appVersion: appVersion(),
    tokens: new EncryptedTokenStore(options.dataDir, keyFileCipher(options.dataDir)),
    ...(options.log && { log: options.log }),
    ...(options.syncIntervalMs !== undefined && { syncIntervalMs: options.syncIntervalMs }),
  });
  let web: WebMode;
  try {
    web = await startWebMode({
      call: host.call.bind(host),
      staticDir: options.staticDir ?? join(root, 'dist/renderer'),
      port: options.port,
      ...(options.log && { log: options.log }),
    });
  } catch (error) {
    host.close();
    throw error;
  }
  host.start();
  return {
    host,
    web,
    async close() {
      await web.close();
      host.close();
    },
  };
}

export function box(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '─'.repeat(width + 2);
  return [`┌${rule}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${rule}┘`].join('\n');
}

/** Runs the desktop app and resolves with its exit code. */
export function runElectron(electronPath: string, options: StartOptions): Promise<number> {
  if (!existsSync(join(root, 'dist/electron/main.js')))
    throw new Error('dist/electron/main.js is missing: run `npm run build` first.');
  const env = { ...process.env };
  delete env['ELECTRON_RUN_AS_NODE'];
  if (options.dataGiven) env['FSE_DATA'] = options.dataDir;
  // The app folder, not main.js itself: Electron then takes the app's name and version (and so
  // its user-data folder) from package.json, whose "main" is dist/electron/main.js.
  const child = spawn(electronPath, [root], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<void> {
  let options: StartOptions;
  try {
    options = readStartOptions();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  const electron = options.web ? null : electronRuntimePath();
  if (electron) process.exit(await runElectron(electron, options));
  if (!options.web) console.log(NO_RUNTIME_MESSAGE);

  let running: RunningWebMode;
  try {
    running = await runWebMode({
      dataDir: options.dataDir,
      port: options.port,
      log: (entry) => console.error(JSON.stringify({ time: new Date().toISOString(), ...entry })),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`Web mode could not start: ${reason}`);
    process.exit(1);
  }
  console.log(
    box([
      'Factory-Shop ERP is running in web mode, on this PC only.',
      'Open this address in a browser on this PC:',
      '',
      `  ${running.web.url}`,
      '',
      'The part after # is this run’s secret: do not share it.',
      `Data folder: ${options.dataDir}`,
      'Press Ctrl+C to stop.',
    ]),
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    void running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
