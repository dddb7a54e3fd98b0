import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServerFingerprint } from '../../core/sync/http';
import { readConfig, startServer } from '../main';
import { createSelfSignedCertificate } from './self-signed';
import { call, serverConfig } from './testing/head-office';
import { loadTls } from './tls';

const tempDir = () => mkdtempSync(join(tmpdir(), 'fse-tls-'));

describe('HTTPS in the sync server', () => {
  it('makes a self-signed certificate on first run, keeps its key private, and keeps it across restarts', async () => {
    const dataDir = tempDir();
    const logged: Record<string, unknown>[] = [];
    const config = serverConfig(dataDir, { publicHosts: ['erp.example.lan', '10.1.2.3'] });
    const first = await startServer(config, (e) => logged.push(e));
    const fingerprint = first.fingerprint256;
    try {
      expect(first.url).toBe(`https://127.0.0.1:${first.port}`);
      const cert = new X509Certificate(readFileSync(join(dataDir, 'tls/cert.pem')));
      expect(cert.fingerprint256).toBe(fingerprint);
      expect(cert.subjectAltName).toBe(
        'DNS:erp.example.lan, IP Address:10.1.2.3, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
      );
      if (process.platform !== 'win32') {
        expect(statSync(join(dataDir, 'tls/key.pem')).mode & 0o777).toBe(0o600);
        expect(statSync(join(dataDir, 'tls')).mode & 0o077).toBe(0);
      }
      expect(await readServerFingerprint(first.url)).toBe(fingerprint);
      const listening = logged.find((e) => e['msg'] === 'sync server listening');
      expect(listening).toMatchObject({ fingerprint256: fingerprint, url: first.url });
      const health = await call<{ tls: { fingerprint256: string } }>(first.url, 'GET', '/health');
      expect(health.body.tls.fingerprint256).toBe(fingerprint);
      expect(health.headers.get('strict-transport-security')).toBe('max-age=31536000');
    } finally {
      await first.close();
    }
    const second = await startServer(config, () => undefined);
    try {
      expect(second.fingerprint256).toBe(fingerprint);
      expect(await readServerFingerprint(second.url)).toBe(fingerprint);
    } finally {
      await second.close();
    }
  });

  it('serves the certificate and key the admin gives', async () => {
    const dir = tempDir();
    const own = createSelfSignedCertificate(['sync.example.com']);
    writeFileSync(join(dir, 'cert.pem'), own.certPem);
    writeFileSync(join(dir, 'key.pem'), own.keyPem);
    const server = await startServer(
      serverConfig(join(dir, 'data'), {
        tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
      }),
      () => undefined,
    );
    try {
      const expected = new X509Certificate(own.certPem).fingerprint256;
      expect(server.fingerprint256).toBe(expected);
      expect(await readServerFingerprint(server.url)).toBe(expected);
      expect(existsSync(join(dir, 'data/tls'))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('refuses a key that does not belong to the certificate, and half a self-signed pair', () => {
    const dir = tempDir();
    const a = createSelfSignedCertificate(['a.example']);
    const b = createSelfSignedCertificate(['b.example']);
    writeFileSync(join(dir, 'cert.pem'), a.certPem);
    writeFileSync(join(dir, 'key.pem'), b.keyPem);
    expect(() =>
      loadTls({ certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') }, { dataDir: dir }),
    ).toThrow(/is not the private key of/);
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'tls'));
    writeFileSync(join(dataDir, 'tls/cert.pem'), a.certPem);
    expect(() => loadTls('self-signed', { dataDir })).toThrow(/only half of the TLS pair/);
  });

  it('reads TLS settings from the command line: self-signed by default, plain HTTP only when asked', () => {
    const base = ['--data', '/tmp/x'];
    expect(readConfig(base, {})).toMatchObject({ tls: 'self-signed', publicHosts: [] });
    expect(
      readConfig([...base, '--public-host', 'erp.lan', '--public-host', '[fd00::5]'], {
        PUBLIC_HOST: '192.168.1.20, office.example.com',
      }).publicHosts,
    ).toEqual(['erp.lan', 'fd00::5', '192.168.1.20', 'office.example.com']);
    expect(readConfig([...base, '--insecure-http'], {}).tls).toBeNull();
    expect(readConfig([...base, '--tls-cert', 'c.pem', '--tls-key', 'k.pem'], {}).tls).toEqual({
      certFile: resolve('c.pem'),
      keyFile: resolve('k.pem'),
    });
    expect(
      readConfig(base, { TLS_CERT_FILE: '/etc/fss/c.pem', TLS_KEY_FILE: '/etc/fss/k.pem' }).tls,
    ).toEqual({ certFile: '/etc/fss/c.pem', keyFile: '/etc/fss/k.pem' });
    // Only the flag turns TLS off; an environment variable does not.
    expect(readConfig(base, { INSECURE_HTTP: '1' }).tls).toBe('self-signed');
    expect(() => readConfig([...base, '--tls-cert', 'c.pem'], {})).toThrow(/go together/);
    expect(() =>
      readConfig([...base, '--insecure-http', '--tls-cert', 'c', '--tls-key', 'k'], {}),
    ).toThrow(/contradict/);
    expect(() => readConfig([...base, '--public-host', 'https://erp.lan:8443'], {})).toThrow(
      /--public-host/,
    );
  });

  it('keeps plain HTTP for programmatic use without a tls setting', async () => {
    const server = await startServer(serverConfig(tempDir(), { tls: null }), () => undefined);
    try {
      expect(server.url).toMatch(/^http:\/\//);
      expect(server.fingerprint256).toBeNull();
      const health = await fetch(`${server.url}/health`);
      expect(health.headers.get('strict-transport-security')).toBeNull();
      expect(((await health.json()) as { tls?: unknown }).tls).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
