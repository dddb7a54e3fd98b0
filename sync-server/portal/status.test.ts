// When head office serves the customer portal (decision 0034): only over the admin's own
// certificate while it is valid, and otherwise a sentence that says what the admin must do.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../http/self-signed';
import { readConfig } from '../main';
import { headOfficePortal } from './status';

const cert = createSelfSignedCertificate(['erp.example.com']).certPem;
const validTo = Date.parse(new X509Certificate(cert).validTo);

describe('the portal’s status', () => {
  it('is on with the admin’s certificate while it is valid', () => {
    expect(headOfficePortal({ source: 'admin', cert }).status()).toEqual({ on: true });
    const later = headOfficePortal({ source: 'admin', cert }, { now: () => validTo + 1 });
    expect(later.status().on).toBe(false);
    expect(later.status().reason).toMatch(/expired on \d{4}-\d{2}-\d{2}.*Renew it/);
  });

  it('is off with the self-signed certificate or plain HTTP, saying what to do', () => {
    for (const tls of [{ source: 'self-signed' as const, cert }, null]) {
      const status = headOfficePortal(tls).status();
      expect(status.on).toBe(false);
      expect(status.reason).toMatch(/^The customer portal is off: /);
      expect(status.reason).toMatch(/--tls-cert and --tls-key/);
      expect(status.reason).toMatch(/--insecure-http --trust-proxy/);
    }
    expect(headOfficePortal(null).status().reason).toMatch(/plain HTTP/);
    expect(headOfficePortal({ source: 'self-signed', cert }).status().reason).toMatch(
      /browsers do not trust/,
    );
  });

  it('is on over plain HTTP only behind a proxy it trusts, which then shows its own certificate', () => {
    expect(headOfficePortal(null, { behindProxy: true }).status()).toEqual({ on: true });
    expect(headOfficePortal(null, { behindProxy: false }).status().on).toBe(false);
    // Behind a proxy or not, head office's own self-signed certificate is what a browser that
    // reaches it directly would see: still off.
    expect(
      headOfficePortal({ source: 'self-signed', cert }, { behindProxy: true }).status().on,
    ).toBe(false);
  });
});

describe('--trust-proxy', () => {
  const base = ['--insecure-http'];
  it('takes addresses, subnets and loopback, from the flag or FSE_TRUST_PROXY', () => {
    expect(readConfig(base, {}).trustProxy).toBeUndefined();
    expect(
      readConfig([...base, '--trust-proxy', ' 10.0.0.2, loopback ,fd00::/8'], {}).trustProxy,
    ).toEqual(['10.0.0.2', 'loopback', 'fd00::/8']);
    expect(readConfig(base, { FSE_TRUST_PROXY: '192.168.1.0/24' }).trustProxy).toEqual([
      '192.168.1.0/24',
    ]);
  });

  it('refuses what is not an address, and never trusts everyone', () => {
    for (const wrong of ['', ' , ', 'proxy.example.com', '10.0.0.300', 'true', '1', '10.0.0.0/99'])
      expect(() => readConfig([...base, '--trust-proxy', wrong], {}), wrong).toThrow(
        /^--trust-proxy: .*(not an address|no address given).*reverse proxies/,
      );
  });
});
