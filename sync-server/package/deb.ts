// The server package as a Debian package (Debian 12, Ubuntu 22.04 and later), built with
// dpkg-deb: the app in /opt/factory-shop-sync, the systemd unit npm run server:install writes
// (install-linux.ts fills in the same template), the settings file it writes as a conffile, so an
// upgrade keeps the admin's. The data (store, replica, backups, the certificate PCs pin) lives in
// /var/lib/factory-shop-sync, which is not in the package: upgrades and removal leave it, only a
// purge deletes it. The maintainer scripts follow what debhelper writes for a service, and put
// $DPKG_ROOT before every path they touch (empty, except where dpkg installs into another root).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CONFIG_DIR,
  DATA_DIR,
  renderEnvFile,
  renderSystemdUnit,
  SERVICE,
  SERVICE_USER,
  serviceUserStep,
} from '../service/install-linux';
import { commandLine, FROM_PACKAGE } from '../service/steps';

export const DEB_PACKAGE = 'factory-shop-sync';
export const DEB_APP_DIR = `/opt/${DEB_PACKAGE}`;
export const DEB_UNIT = `/lib/systemd/system/${SERVICE}.service`;
/** Where Debian's nodejs package (and NodeSource's) puts node. */
export const DEB_NODE = '/usr/bin/node';
export const DEB_ENV = `${CONFIG_DIR}/env`;
export const DEFAULT_PORT = 8443;

/** Debian orders `1.0.0~rc.1` before `1.0.0`, as semver orders `1.0.0-rc.1`; `-` would start a revision. */
export const debVersion = (version: string): string => version.replaceAll('-', '~');

export function debArch(arch: string = process.arch): string {
  const known: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'armhf',
    ia32: 'i386',
  };
  const found = known[arch];
  if (!found) throw new Error(`No Debian architecture for Node.js's "${arch}".`);
  return found;
}

/**
 * The native SQLite module loads only in the Node.js major it was built for, so the package asks
 * for that one: from the version package.json's engines allow (or that major's first) up to the
 * next major.
 */
export function nodeDepends(engines: string, built: string): string {
  const major = Number(built.split('.')[0]);
  const floor = /^>=\s*(\d+(?:\.\d+)*)$/.exec(engines.trim())?.[1];
  if (!floor)
    throw new Error(`package.json engines.node "${engines}" is not ">=<version>": give one.`);
  const lower = Number(floor.split('.')[0]) === major ? floor : String(major);
  return `nodejs (>= ${lower}), nodejs (<< ${major + 1})`;
}

export interface DebInfo {
  version: string;
  arch: string;
  maintainer: string;
  /** nodeDepends(). */
  node: string;
  installedKiB: number;
}

export function renderControl(o: DebInfo): string {
  return `Package: ${DEB_PACKAGE}
Version: ${debVersion(o.version)}
Architecture: ${o.arch}
Maintainer: ${o.maintainer}
Installed-Size: ${o.installedKiB}
Depends: ${o.node}, passwd, init-system-helpers
Section: net
Priority: optional
Description: Factory-Shop ERP head-office sync server
 The head office of Factory-Shop ERP: syncs the factory and shop PCs, serves
 the admin console over HTTPS, sends the Telegram messages and takes the
 nightly backups. Runs as the systemd service ${SERVICE}; settings in
 ${DEB_ENV}, data in ${DATA_DIR}.
`;
}

const unit = `${SERVICE}.service`;

/** postinst, prerm and postrm: the user, settings' permissions, and the service's state. */
export function maintainerScripts(): Record<'postinst' | 'prerm' | 'postrm', string> {
  const head = `#!/bin/sh
# ${DEB_PACKAGE}: written by sync-server/package/deb.ts.
set -e
`;
  const systemdRunning = `[ -d "$DPKG_ROOT/run/systemd/system" ]`;
  const makeUser = `${commandLine(serviceUserStep.skipIf[0] ?? 'id', serviceUserStep.skipIf.slice(1))} >/dev/null 2>&1 ||
    ${commandLine(serviceUserStep.command, serviceUserStep.args)}`;
  return {
    postinst: `${head}
if [ "$1" = configure ]; then
  # The service runs as its own system user, made once (as npm run server:install makes it).
  ${makeUser}
  # The settings may name a certificate kept beside them, which the service's group reads.
  chgrp ${SERVICE_USER} "$DPKG_ROOT${CONFIG_DIR}"
  chmod 0750 "$DPKG_ROOT${CONFIG_DIR}"
  if [ -e "$DPKG_ROOT/etc/systemd/system/${unit}" ]; then
    echo "${DEB_PACKAGE}: /etc/systemd/system/${unit} (written by npm run server:install) overrides this package's unit. To run this package's server: rm /etc/systemd/system/${unit}; systemctl daemon-reload; systemctl restart ${SERVICE}" >&2
  fi
fi

if [ "$1" = configure ] || [ "$1" = abort-upgrade ] || [ "$1" = abort-deconfigure ] || [ "$1" = abort-remove ]; then
  # Enabled on a first install; an admin's "systemctl disable ${SERVICE}" outlives upgrades.
  deb-systemd-helper unmask ${unit} >/dev/null || true
  if deb-systemd-helper --quiet was-enabled ${unit}; then
    deb-systemd-helper enable ${unit} >/dev/null || true
  else
    deb-systemd-helper update-state ${unit} >/dev/null || true
  fi
  if ${systemdRunning}; then
    systemctl --system daemon-reload >/dev/null || true
    # After an upgrade the new version starts with the same data, settings and certificate.
    if [ -n "$2" ]; then action=restart; else action=start; fi
    deb-systemd-invoke "$action" ${unit} >/dev/null || true
  fi
fi

if [ "$1" = configure ] && [ -z "$2" ]; then
  cat <<'TOLD'
The Factory-Shop sync server is installed as the service ${SERVICE}.
  Its console's address and the certificate fingerprint PCs pin: journalctl -u ${SERVICE}
  Settings: ${DEB_ENV} (port ${DEFAULT_PORT}; then systemctl restart ${SERVICE})
  Data, backups and certificate: ${DATA_DIR} (kept on upgrade and removal; apt purge deletes it)
TOLD
fi
exit 0
`,
    prerm: `${head}
# Removal stops the server; an upgrade leaves it running until postinst restarts it.
if [ "$1" = remove ] && ${systemdRunning}; then
  deb-systemd-invoke stop ${unit} >/dev/null || true
fi
exit 0
`,
    postrm: `${head}
case "$1" in
  remove)
    # Nothing starts it while it is not installed; data and settings stay for a reinstall.
    if command -v deb-systemd-helper >/dev/null; then
      deb-systemd-helper mask ${unit} >/dev/null || true
    fi
    ;;
  purge)
    if command -v deb-systemd-helper >/dev/null; then
      deb-systemd-helper purge ${unit} >/dev/null || true
      deb-systemd-helper unmask ${unit} >/dev/null || true
    fi
    # Only a purge deletes the data: the store, its backups and the certificate PCs pin.
    rm -rf "$DPKG_ROOT${DATA_DIR}" "$DPKG_ROOT${CONFIG_DIR}"
    ;;
esac
if ${systemdRunning}; then
  systemctl --system daemon-reload >/dev/null || true
fi
exit 0
`,
  };
}

function sizeKiB(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return Math.ceil(stat.size / 1024);
  return readdirSync(path).reduce((sum, name) => sum + sizeKiB(join(path, name)), 1);
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.error)
    throw new Error(
      `${command} could not run (${r.error.message}). On Debian or Ubuntu: apt-get install dpkg; elsewhere build without the .deb (--no-deb).`,
    );
  if (r.status !== 0)
    throw new Error(`${commandLine(command, args)} failed: ${r.stderr.trim() || r.stdout.trim()}`);
}

export interface DebOptions {
  /** The package's app folder, built (../package/build.ts). */
  appDir: string;
  version: string;
  maintainer: string;
  engines: string;
  /** Where the .deb goes; the staging tree is made beside it and removed. */
  outDir: string;
  /** xz for a release (the default); fast (gzip -1) where time matters more than size. */
  compression?: 'xz' | 'fast';
}

/** Builds the .deb; returns its path. */
export function buildDeb(o: DebOptions): string {
  const root = join(o.outDir, 'deb-root');
  rmSync(root, { recursive: true, force: true });
  // Moved in, not copied (thousands of files), and back once the .deb is built.
  mkdirSync(dirname(join(root, DEB_APP_DIR)), { recursive: true });
  renameSync(o.appDir, join(root, DEB_APP_DIR));
  try {
    return packTree(root, o);
  } finally {
    renameSync(join(root, DEB_APP_DIR), o.appDir);
    rmSync(root, { recursive: true, force: true });
  }
}

function packTree(root: string, o: DebOptions): string {
  const arch = debArch();
  mkdirSync(dirname(join(root, DEB_UNIT)), { recursive: true });
  writeFileSync(
    join(root, DEB_UNIT),
    renderSystemdUnit({ node: DEB_NODE, appDir: DEB_APP_DIR, launch: FROM_PACKAGE }),
  );
  mkdirSync(join(root, CONFIG_DIR), { recursive: true });
  writeFileSync(join(root, DEB_ENV), renderEnvFile({ port: DEFAULT_PORT, publicHosts: [] }));
  // Readable by all, writable by root only (as npm run server:install leaves the app).
  run('chmod', ['-R', 'u+rwX,go+rX,go-w', root]);
  // It may come to hold a database password or the Telegram token.
  chmodSync(join(root, DEB_ENV), 0o600);
  const control = join(root, 'DEBIAN');
  mkdirSync(control);
  const installedKiB = sizeKiB(root);
  writeFileSync(
    join(control, 'control'),
    renderControl({
      version: o.version,
      arch,
      maintainer: o.maintainer,
      node: nodeDepends(o.engines, process.versions.node),
      installedKiB,
    }),
  );
  writeFileSync(join(control, 'conffiles'), `${DEB_ENV}\n`);
  for (const [name, script] of Object.entries(maintainerScripts()))
    writeFileSync(join(control, name), script, { mode: 0o755 });
  const deb = join(o.outDir, `${DEB_PACKAGE}_${debVersion(o.version)}_${arch}.deb`);
  rmSync(deb, { force: true });
  const compression = o.compression === 'fast' ? ['-Zgzip', '-z1'] : ['-Zxz'];
  run('dpkg-deb', ['--root-owner-group', ...compression, '--build', root, deb]);
  return deb;
}

/** The maintainer named for the desktop's .deb (electron-builder.yml), for the server's too. */
export function debMaintainer(electronBuilderYml: string): string {
  const found = /^\s+maintainer:\s*(.+)$/m.exec(readFileSync(electronBuilderYml, 'utf8'))?.[1];
  if (!found) throw new Error(`${electronBuilderYml} names no linux maintainer.`);
  return found.trim();
}
