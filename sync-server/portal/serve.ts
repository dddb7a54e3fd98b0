// The customer portal at /portal/: the same built UI as the console (it knows it is the portal
// by its path), served only while the portal is on; otherwise a small page that says why.
import express from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy } from '../../core/ops/csp';
import type { PortalService } from '../../core/portal/service';
import { portalOverHttps } from './status';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page shown at /portal/ while the portal is off or the UI is not built. */
export function portalClosedPage(reason: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer portal</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>The customer portal is not open</h1>
<p>${escapeHtml(reason)}</p>
</body></html>
`;
}

export function mountPortal(app: express.Express, dir: string | null, portal: PortalService): void {
  const closed = (res: express.Response, reason: string, status = 503) => {
    res.status(status);
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader('cache-control', 'no-store');
    res.send(portalClosedPage(reason));
  };
  // Relative asset paths need the trailing slash.
  app.use((req, res, next) => {
    if (req.originalUrl === '/portal' || req.originalUrl.startsWith('/portal?'))
      res.redirect(301, '/portal/');
    else next();
  });
  app.use('/portal', (req, res, next) => {
    const status = portalStatusNow(portal);
    if (!status.on) return closed(res, status.reason);
    const insecure = portalOverHttps(req);
    if (insecure) return closed(res, insecure, 403);
    if (!dir || !existsSync(join(dir, 'index.html')))
      return closed(
        res,
        'The portal is on, but the UI is not built on this server. The admin runs `npm run build:renderer`.',
      );
    res.setHeader('content-security-policy', contentSecurityPolicy);
    next();
  });
  if (dir) app.use('/portal', express.static(dir, { index: false, fallthrough: true }));
  // Every other page of the UI is its index (the UI routes by itself), as at /console/.
  app.use('/portal', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('cache-control', 'no-store');
    res.sendFile(join(dir ?? '', 'index.html'));
  });
}

function portalStatusNow(portal: PortalService): { on: true } | { on: false; reason: string } {
  const status = portal.status();
  return status.on
    ? { on: true }
    : { on: false, reason: status.reason ?? 'The customer portal is off.' };
}
