// `npm run server:install -- [--port 8443] [--public-host erp.example.lan]... [--app-dir DIR]
//   [--dry-run]`: sets the sync server up as a service that starts with the machine and restarts
// when it fails: systemd on Linux (run with sudo), a Windows service (run as Administrator).
// In the unpacked server package the same is `node install.mjs …` (the Windows archive's way;
// on Debian and Ubuntu the .deb does it).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve, win32 } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readServerFingerprint } from '../../core/sync/http';
import { checkPublicHost } from '../http/tls';
import { serverApp } from '../resources';
import { CONFIG_DIR, linuxInstallPlan } from './install-linux';
import { windowsInstallPlan, windowsPaths, winswFiles } from './install-windows';
import { FROM_CHECKOUT, FROM_PACKAGE, runSteps, type Step } from './steps';

// From a checkout (npm run server:install) or from the unpacked server package (node install.mjs).
const { root: sourceDir, builtWith } = serverApp();
const launch = builtWith ? FROM_PACKAGE : FROM_CHECKOUT;

/** This machine's name and its LAN addresses: what PCs will most likely type. */
function defaultPublicHosts(): string[] {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .flatMap((i) => (i && i.family === 'IPv4' && !i.internal ? [i.address] : []));
  const names = [hostname()].filter((h) => {
    try {
      return checkPublicHost(h) === h;
    } catch {
      return false;
    }
  });
  return [...new Set([...names, ...addresses])];
}

function plan(argv: string[]): { steps: Step[]; dryRun: boolean; envFile: string; port: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8443' },
      'public-host': { type: 'string', multiple: true },
      'app-dir': { type: 'string' },
      node: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--port: "${values.port}" is not a port number (1 to 65535).`);
  const publicHosts = values['public-host']?.map(checkPublicHost) ?? defaultPublicHosts();
  const node = values.node ?? process.execPath;
  const dryRun = values['dry-run'];
  if (!builtWith && !existsSync(join(sourceDir, 'node_modules', 'tsx')))
    throw new Error(`${sourceDir} has no node_modules yet: run "npm ci" there first.`);

  if (process.platform === 'linux') {
    if (!dryRun && process.getuid?.() !== 0)
      throw new Error(
        `Installing a service needs root: sudo ${builtWith ? 'node install.mjs' : 'npm run server:install'}`,
      );
    if (!dryRun && !existsSync('/run/systemd/system'))
      throw new Error('systemd is not running on this machine; start the server another way.');
    const steps = linuxInstallPlan({
      node,
      sourceDir,
      appDir: values['app-dir'] ?? '/opt/factory-shop-sync',
      port,
      publicHosts,
      launch,
    });
    return { steps, dryRun, envFile: `${CONFIG_DIR}/env`, port };
  }
  if (process.platform === 'win32') {
    if (!dryRun && spawnSync('net.exe', ['session'], { stdio: 'ignore' }).status !== 0)
      throw new Error(
        'Installing a service needs an Administrator prompt ("Run as administrator").',
      );
    const programData = process.env['ProgramData'] ?? 'C:\\ProgramData';
    const steps = windowsInstallPlan({
      node,
      sourceDir,
      appDir:
        values['app-dir'] ??
        win32.join(process.env['ProgramFiles'] ?? 'C:\\Program Files', 'FactoryShopSync'),
      programData,
      port,
      publicHosts,
      winsw: winswFiles(),
      launch,
    });
    return { steps, dryRun, envFile: windowsPaths(programData).env, port };
  }
  throw new Error(
    `No service installer for ${process.platform}; run "npm run server" under your own supervisor.`,
  );
}

/** Waits for the new service to answer, and shows the fingerprint enrolling PCs will pin. */
async function announce(envFile: string, fallbackPort: number): Promise<void> {
  const kept = existsSync(envFile) ? /^PORT=(\d+)\s*$/m.exec(readFileSync(envFile, 'utf8')) : null;
  const url = `https://127.0.0.1:${kept?.[1] ?? fallbackPort}`;
  for (let i = 0; i < 60; i++) {
    try {
      const fingerprint = await readServerFingerprint(url, 2000);
      console.log(
        `\nThe sync server is running (${url}). Its certificate's SHA-256 fingerprint:\n  ${fingerprint}\nRead it out to whoever enrolls a PC: the app shows the one it sees, and they must match.`,
      );
      return;
    } catch {
      await sleep(1000);
    }
  }
  console.log(
    `\nThe service is installed but did not answer at ${url} within a minute; see its log (journalctl -u factory-shop-sync, or %ProgramData%\\FactoryShopSync\\logs).`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { steps, dryRun, envFile, port } = plan(process.argv.slice(2));
    runSteps(steps, { dryRun });
    if (!dryRun) await announce(envFile, port);
  } catch (error) {
    console.error(`Install failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
