// Head office's admin console: the same React UI as the desktop app, served at /console/ and
// talking to this server's replica through the same contract at /api/<name>.
import express from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy } from '../core/ops/csp';
import { errorBody } from './errors';

const consolePolicy = contentSecurityPolicy;

export function mountConsole(app: express.Express, dir: string): void {
  const page = (_req: express.Request, res: express.Response) => {
    const index = join(dir, 'index.html');
    if (!existsSync(index)) {
      res.status(503).json(
        errorBody({
          code: 'NOT_BUILT',
          message: 'The console is not built on this server. Run `npm run build:renderer`.',
        }),
      );
      return;
    }
    res.setHeader('content-security-policy', consolePolicy);
    res.setHeader('cache-control', 'no-store');
    res.sendFile(index);
  };
  // Relative asset paths need the trailing slash. The server's bare address (what an admin
  // types first) leads to the console too.
  app.use((req, res, next) => {
    if (req.originalUrl === '/console' || req.originalUrl.startsWith('/console?'))
      res.redirect(301, '/console/');
    else if (req.method === 'GET' && req.originalUrl === '/') res.redirect(302, '/console/');
    else next();
  });
  app.use(
    '/console',
    (_req, res, next) => {
      res.setHeader('content-security-policy', consolePolicy);
      next();
    },
    express.static(dir, { index: false, fallthrough: true }),
  );
  app.get(/^\/console\/.*/, page);
}
