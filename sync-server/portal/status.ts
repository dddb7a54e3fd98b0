// Whether head office serves the customer portal (decision 0034): only over the admin's own
// certificate, one browsers trust. The self-signed certificate head office makes is pinned by
// its PCs, but a customer's browser would warn them off it, so the portal stays off and says
// what the admin must do.
import { X509Certificate } from 'node:crypto';
import type { PortalService, PortalStatus } from '../../core/portal/service';
import type { TlsMaterial } from '../http/tls';

const howToTurnOn =
  'Start the server with --tls-cert and --tls-key naming a certificate from a certificate authority browsers trust (for the name customers will type, like erp.example.com) and its key; the portal then opens at https://<that name>/portal/.';

/** The portal's status for the certificate the server presents (null: plain HTTP). */
export function headOfficePortal(
  tls: Pick<TlsMaterial, 'source' | 'cert'> | null,
  now: () => number = Date.now,
): PortalService {
  const validTo = tls?.source === 'admin' ? Date.parse(new X509Certificate(tls.cert).validTo) : 0;
  const off = (why: string): PortalStatus => ({
    on: false,
    reason: `The customer portal is off: ${why} ${howToTurnOn}`,
  });
  return {
    status(): PortalStatus {
      if (!tls)
        return off(
          'head office serves plain HTTP (--insecure-http), and customers sign in only over HTTPS.',
        );
      if (tls.source === 'self-signed')
        return off(
          'head office uses the self-signed certificate it made for its PCs, which browsers do not trust.',
        );
      if (validTo < now())
        return off(
          `the server's certificate expired on ${new Date(validTo).toISOString().slice(0, 10)}, and browsers refuse it. Renew it.`,
        );
      return { on: true };
    },
  };
}
