// Whether head office serves the customer portal (decision 0034): only over a certificate
// browsers trust, the admin's own or that of the reverse proxy in front of a plain-HTTP head
// office. The self-signed certificate head office makes is pinned by its PCs, but a customer's
// browser would warn them off it, so the portal stays off and says what the admin must do. Even
// when on, it answers only requests that came over HTTPS (portalOverHttps).
import type { Request } from 'express';
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { tokenHash } from '../../core/auth/sessions';
import { parseRow } from '../../core/db/rows';
import type { PortalService, PortalStatus } from '../../core/portal/service';
import type { BranchCore } from '../../core/runtime';
import type { TlsMaterial } from '../http/tls';

const howToTurnOn =
  "Start the server with --tls-cert and --tls-key naming a certificate from a certificate authority browsers trust (for the name customers will type, like erp.example.com) and its key; the portal then opens at https://<that name>/portal/. Behind a reverse proxy that ends TLS with such a certificate, start it with --insecure-http --trust-proxy <the proxy's address> instead.";

/**
 * The portal's status for the certificate the server presents (null: plain HTTP), and whether a
 * reverse proxy it trusts (--trust-proxy) stands in front: then the proxy's certificate is the
 * one customers see.
 */
export function headOfficePortal(
  tls: Pick<TlsMaterial, 'source' | 'cert'> | null,
  options: { behindProxy?: boolean; now?: () => number } = {},
): PortalService {
  const now = options.now ?? Date.now;
  const validTo = tls?.source === 'admin' ? Date.parse(new X509Certificate(tls.cert).validTo) : 0;
  const off = (why: string): PortalStatus => ({
    on: false,
    reason: `The customer portal is off: ${why} ${howToTurnOn}`,
  });
  return {
    status(): PortalStatus {
      if (!tls && options.behindProxy) return { on: true };
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

/**
 * Why the portal refuses this request, or null: a page or call that came over plain HTTP (past
 * the proxy, or from one this server does not trust) would carry a customer's password and
 * account in the clear.
 */
export function portalOverHttps(req: Pick<Request, 'secure'>): string | null {
  return req.secure
    ? null
    : 'The customer portal answers only over HTTPS, and this request came over plain HTTP. Open the portal at its https:// address, the one the proxy serves.';
}

const roleRow = z.object({ role: z.string() });

/**
 * Whether a call other than portal.* comes with a customer's sign-in, so that portalOverHttps
 * covers it too. Only looks: a session refused for this is not counted as used. (A customer's
 * sign-in itself is refused once its password is right: routes/contract.ts.)
 */
export async function isCustomerCall(
  core: Pick<BranchCore, 'db' | 'sessions'>,
  token: string | undefined,
): Promise<boolean> {
  if (!token) return false;
  const session = await core.sessions.find(tokenHash(token));
  if (!session) return false;
  if (session.user) return session.user.role === 'customer';
  const row = parseRow(
    roleRow,
    core.db.sqlite.prepare('SELECT role FROM users WHERE id = ?').get(session.userId),
  );
  return row?.role === 'customer';
}
