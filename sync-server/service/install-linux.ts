// The sync server as a systemd service: its own system user, the app in /opt, its data in
// /var/lib/factory-shop-sync, settings in /etc/factory-shop-sync/env. Safe to run again to upgrade.
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { shippedPath } from '../resources';
import { FROM_CHECKOUT, type ServerLaunch, type Step } from './steps';

export const SERVICE = 'factory-shop-sync';
export const SERVICE_USER = 'fse-sync';
export const DATA_DIR = '/var/lib/factory-shop-sync';
export const CONFIG_DIR = '/etc/factory-shop-sync';
export const UNIT_PATH = `/etc/systemd/system/${SERVICE}.service`;

const template = () => readFileSync(shippedPath('unitTemplate'), 'utf8');

function checkPath(what: string, path: string): string {
  if (!isAbsolute(path) || !/^[\w./+-]+$/.test(path))
    throw new Error(
      `${what}: "${path}" must be an absolute path of letters, digits and . _ - / only (systemd and the service user must read it as it is).`,
    );
  if (/^\/(home|root)(\/|$)/.test(path))
    throw new Error(
      `${what}: ${path} is in a home folder, which the service may not read (ProtectHome). ${
        what === 'node'
          ? 'Install Node.js for the whole system (for example the nodejs package) and run the installer with it.'
          : 'Choose another --app-dir.'
      }`,
    );
  return path;
}

/** The unit from build/service with this machine's paths filled in. */
export function renderSystemdUnit(paths: {
  node: string;
  appDir: string;
  /** Default: from a checkout. */
  launch?: ServerLaunch;
}): string {
  const unit = template()
    .replaceAll('@NODE@', checkPath('node', paths.node))
    .replaceAll('@APP_DIR@', checkPath('--app-dir', paths.appDir))
    .replaceAll('@START@', (paths.launch ?? FROM_CHECKOUT).args.join(' '));
  const left = /@[A-Z_]+@/.exec(unit);
  if (left) throw new Error(`The unit template has a placeholder nobody fills in: ${left[0]}.`);
  return unit;
}

export function renderEnvFile(settings: { port: number; publicHosts: string[] }): string {
  return `# Settings of the Factory-Shop sync server. After a change: systemctl restart ${SERVICE}
PORT=${settings.port}
HOST=0.0.0.0
# Names and addresses PCs reach this server by (comma-separated): written into the self-signed
# certificate made on first start. PCs pin that certificate, so it is never replaced on its own.
PUBLIC_HOST=${settings.publicHosts.join(',')}
# Your own certificate instead (both files readable by the ${SERVICE_USER} group):
#TLS_CERT_FILE=${CONFIG_DIR}/tls/cert.pem
#TLS_KEY_FILE=${CONFIG_DIR}/tls/key.pem
# PostgreSQL instead of the embedded SQLite store:
#DATABASE_URL=postgres://user:password@localhost:5432/factory_shop
`;
}

export interface LinuxInstallOptions {
  /** The Node.js binary the service runs (default: the one running the installer). */
  node: string;
  /** Where the app is now (the checkout with node_modules installed). */
  sourceDir: string;
  /** Where the service runs it from. */
  appDir: string;
  port: number;
  publicHosts: string[];
  /** Default: from a checkout. */
  launch?: ServerLaunch;
}

/** The service's system user, made once; the server package's postinst runs the same. */
export const serviceUserStep = {
  kind: 'run',
  command: 'useradd',
  args: [
    '--system',
    '--user-group',
    '--home-dir',
    DATA_DIR,
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    SERVICE_USER,
  ],
  skipIf: ['id', '-u', SERVICE_USER],
  why: 'the service runs as its own system user',
} satisfies Step;

export function linuxInstallPlan(o: LinuxInstallOptions): Step[] {
  const launch = o.launch ?? FROM_CHECKOUT;
  const unit = renderSystemdUnit({ node: o.node, appDir: o.appDir, launch });
  const sameDir = o.sourceDir.replace(/\/+$/, '') === o.appDir.replace(/\/+$/, '');
  return [
    serviceUserStep,
    ...(sameDir
      ? []
      : [{ kind: 'copy' as const, from: o.sourceDir, to: o.appDir, entries: launch.entries }]),
    {
      kind: 'run',
      command: 'chmod',
      args: ['-R', 'u+rwX,go+rX,go-w', o.appDir],
      why: 'the app is readable by the service user, writable by root only',
    },
    { kind: 'mkdir', path: CONFIG_DIR, mode: 0o750 },
    {
      kind: 'run',
      command: 'chgrp',
      args: [SERVICE_USER, CONFIG_DIR],
      why: `${SERVICE_USER} may read a certificate kept in ${CONFIG_DIR}`,
    },
    {
      kind: 'write',
      path: `${CONFIG_DIR}/env`,
      content: renderEnvFile(o),
      mode: 0o600,
      keepExisting: true,
    },
    { kind: 'write', path: UNIT_PATH, content: unit, mode: 0o644 },
    { kind: 'run', command: 'systemctl', args: ['daemon-reload'], why: 'systemd reads the unit' },
    {
      kind: 'run',
      command: 'systemctl',
      args: ['enable', SERVICE],
      why: 'starts on boot',
    },
    {
      kind: 'run',
      command: 'systemctl',
      args: ['restart', SERVICE],
      why: 'starts now, or runs the new version after an upgrade',
    },
  ];
}
