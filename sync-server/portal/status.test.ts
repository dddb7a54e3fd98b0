// When head office serves the customer portal (decision 0034): only over the admin's own
// certificate while it is valid, and otherwise a sentence that says what the admin must do.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../http/self-signed';
import { headOfficePortal } from './status';

const cert = createSelfSignedCertificate(['erp.example.com']).certPem;
const validTo = Date.parse(new X509Certificate(cert).validTo);

describe('the portal’s status', () => {
  it('is on with the admin’s certificate while it is valid', () => {
    expect(headOfficePortal({ source: 'admin', cert }).status()).toEqual({ on: true });
    const later = headOfficePortal({ source: 'admin', cert }, () => validTo + 1);
    expect(later.status().on).toBe(false);
    expect(later.status().reason).toMatch(/expired on \d{4}-\d{2}-\d{2}.*Renew it/);
  });

  it('is off with the self-signed certificate or plain HTTP, saying what to do', () => {
    for (const tls of [{ source: 'self-signed' as const, cert }, null]) {
      const status = headOfficePortal(tls).status();
      expect(status.on).toBe(false);
      expect(status.reason).toMatch(/^The customer portal is off: /);
      expect(status.reason).toMatch(/--tls-cert and --tls-key/);
    }
    expect(headOfficePortal(null).status().reason).toMatch(/plain HTTP/);
    expect(headOfficePortal({ source: 'self-signed', cert }).status().reason).toMatch(
      /browsers do not trust/,
    );
  });
});
