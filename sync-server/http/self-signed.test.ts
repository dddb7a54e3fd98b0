import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from './self-signed';

describe('a self-signed certificate made with node:crypto', () => {
  const now = new Date('2026-11-01T12:00:00Z');
  const made = createSelfSignedCertificate(
    ['erp.example.lan', 'localhost', '192.168.10.5', '::1', 'fd00::1:2', '::ffff:10.0.0.9'],
    { now, days: 30 * 365 },
  );
  const cert = new X509Certificate(made.certPem);

  it('is signed by its own key, names every host, and is a server certificate', () => {
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.subject).toContain('CN=erp.example.lan');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.checkHost('erp.example.lan')).toBe('erp.example.lan');
    expect(cert.checkIP('192.168.10.5')).toBe('192.168.10.5');
    expect(cert.subjectAltName).toContain('IP Address:FD00:0:0:0:0:0:1:2');
    expect(cert.subjectAltName).toContain('IP Address:0:0:0:0:0:FFFF:A00:9');
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(new Date(cert.validFrom).getTime()).toBe(now.getTime() - 3600_000);
    // 30 years reaches past 2049, where the validity switches to GeneralizedTime.
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2056);
    expect(made.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('passes OpenSSL strict X.509 checks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fse-cert-'));
    const file = join(dir, 'cert.pem');
    writeFileSync(file, made.certPem);
    const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], {
      encoding: 'utf8',
    });
    expect(text).toContain('CA:FALSE');
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature/);
    expect(text).toContain('TLS Web Server Authentication');
    expect(
      execFileSync(
        'openssl',
        ['verify', '-x509_strict', '-attime', String(now.getTime() / 1000), '-CAfile', file, file],
        { encoding: 'utf8' },
      ).trim(),
    ).toBe(`${file}: OK`);
  });

  it('gives every certificate its own key and serial number', () => {
    const other = new X509Certificate(createSelfSignedCertificate(['localhost']).certPem);
    expect(other.fingerprint256).not.toBe(cert.fingerprint256);
    expect(other.serialNumber).not.toBe(cert.serialNumber);
  });
});
