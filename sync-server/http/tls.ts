// The server's certificate: the admin's own, or a self-signed one made on first run and kept in
// the data folder so its fingerprint, which the desktop apps pin at enrollment, never changes.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { signAnnouncement } from '../../core/sync/pins';
import { createSelfSignedCertificate } from './self-signed';

/** The admin's certificate (PEM, leaf first, chain after) and key, or one the server makes. */
export type TlsSetting = { certFile: string; keyFile: string } | 'self-signed';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the leaf certificate, as Node prints it (`AB:CD:…`): what PCs pin. */
  fingerprint256: string;
  source: 'admin' | 'self-signed';
  certFile: string;
}

const hostName =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Checks a `--public-host` value: a DNS name or an IP address, nothing else. */
export function checkPublicHost(value: string): string {
  const host = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) || hostName.test(host)) return host;
  throw new Error(
    `--public-host: "${value}" is not a host name or IP address (give the name or address PCs use to reach this server, without https:// or a port).`,
  );
}

function readPair(
  certFile: string,
  keyFile: string,
): { cert: string; key: string; x509: X509Certificate } {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(certFile, 'utf8');
    key = readFileSync(keyFile, 'utf8');
  } catch (error) {
    throw new Error(
      `The TLS certificate or key could not be read (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`${certFile} is not a PEM certificate ("-----BEGIN CERTIFICATE-----").`);
  }
  let matches: boolean;
  try {
    matches = x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    throw new Error(`${keyFile} is not a PEM private key, or it is protected by a passphrase.`);
  }
  if (!matches) throw new Error(`${keyFile} is not the private key of ${certFile}.`);
  return { cert, key, x509 };
}

/**
 * Loads the admin's certificate, or the self-signed one in `<dataDir>/tls`, making it on first
 * run for `publicHosts` plus localhost. An existing one is kept even when the hosts change:
 * a new certificate would cut off every enrolled PC.
 */
export function loadTls(
  setting: TlsSetting,
  options: {
    dataDir: string;
    publicHosts?: string[];
    log?: (entry: Record<string, unknown>) => void;
    now?: () => number;
  },
): TlsMaterial {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? Date.now;
  if (setting !== 'self-signed') {
    const { cert, key, x509 } = readPair(setting.certFile, setting.keyFile);
    if (Date.parse(x509.validTo) < now())
      log({
        level: 'warn',
        msg: 'the TLS certificate has expired; browsers will refuse it (enrolled PCs check only its fingerprint)',
        validTo: x509.validTo,
      });
    return {
      cert,
      key,
      fingerprint256: x509.fingerprint256,
      source: 'admin',
      certFile: setting.certFile,
    };
  }
  const dir = join(options.dataDir, 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const hosts = [
    ...new Set([
      ...(options.publicHosts ?? []).map(checkPublicHost),
      'localhost',
      '127.0.0.1',
      '::1',
    ]),
  ];
  if (!existsSync(certFile) && !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const made = createSelfSignedCertificate(hosts, { now: new Date(now()) });
    // The key first and exclusively: a crash between the two writes leaves no certificate
    // without its key, and the next start reports the half-made pair instead of guessing.
    writeFileSync(keyFile, made.keyPem, { mode: 0o600, flag: 'wx' });
    chmodSync(keyFile, 0o600);
    writeFileSync(certFile, made.certPem, { mode: 0o644, flag: 'wx' });
    const x509 = new X509Certificate(made.certPem);
    log({
      level: 'info',
      msg: 'created a self-signed TLS certificate; PCs pin its fingerprint when they enroll',
      certFile,
      hosts,
      fingerprint256: x509.fingerprint256,
    });
  } else if (!existsSync(certFile) || !existsSync(keyFile)) {
    throw new Error(
      `${dir} holds only half of the TLS pair (cert.pem and key.pem go together). Restore the missing file from a backup; deleting both makes a new certificate, and every enrolled PC must then enroll again.`,
    );
  }
  const { cert, key, x509 } = readPair(certFile, keyFile);
  const missing = hosts.filter((h) => !(isIP(h) ? x509.checkIP(h) : x509.checkHost(h)));
  if (missing.length > 0)
    log({
      level: 'info',
      msg: 'the self-signed certificate does not name every public host; kept as it is, since enrolled PCs pin it (they do not check names)',
      missing,
    });
  return { cert, key, fingerprint256: x509.fingerprint256, source: 'self-signed', certFile };
}

/** The certificate the server will switch to, announced ahead to every enrolled PC (0014). */
export interface NextTls {
  fingerprint256: string;
  certFile: string;
  /** The announcement header's value: the next fingerprint, signed with the current key. */
  announcement: string;
}

/**
 * Loads the admin's next certificate, or makes (once) a self-signed one in `<dataDir>/tls/next`,
 * and signs its announcement with the current certificate's key. A next certificate equal to
 * the current one is refused: announcing it would mean nothing and hide a mistake.
 */
export function loadNextTls(
  setting: TlsSetting,
  current: TlsMaterial,
  options: {
    dataDir: string;
    publicHosts?: string[];
    log?: (e: Record<string, unknown>) => void;
    now?: () => number;
  },
): NextTls {
  let certFile: string;
  let keyFile: string;
  if (setting === 'self-signed') {
    const dir = join(options.dataDir, 'tls', 'next');
    certFile = join(dir, 'cert.pem');
    keyFile = join(dir, 'key.pem');
    if (!existsSync(certFile) && !existsSync(keyFile)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const hosts = [
        ...new Set([
          ...(options.publicHosts ?? []).map(checkPublicHost),
          'localhost',
          '127.0.0.1',
          '::1',
        ]),
      ];
      const made = createSelfSignedCertificate(hosts, {
        now: new Date((options.now ?? Date.now)()),
      });
      writeFileSync(keyFile, made.keyPem, { mode: 0o600, flag: 'wx' });
      chmodSync(keyFile, 0o600);
      writeFileSync(certFile, made.certPem, { mode: 0o644, flag: 'wx' });
    }
  } else ({ certFile, keyFile } = setting);
  const { x509 } = readPair(certFile, keyFile);
  if (x509.fingerprint256 === current.fingerprint256)
    throw new Error(
      `--tls-next-cert: ${certFile} is the certificate the server presents now. Give the one it will switch to.`,
    );
  const announcement = signAnnouncement(
    createPrivateKey(current.key),
    current.fingerprint256,
    x509.fingerprint256,
  );
  options.log?.({
    level: 'info',
    msg: 'announcing the next TLS certificate to enrolled PCs; switch to it with --tls-cert/--tls-key once they have synced',
    certFile,
    keyFile,
    fingerprint256: x509.fingerprint256,
  });
  return { fingerprint256: x509.fingerprint256, certFile, announcement };
}
