// /updates/<file>: the feed electron-updater's generic provider reads (no sign-in: installers
// are no secret, and the app is useless without enrollment), the signature of the manifest it
// serves (`<manifest>.sig`, which the apps check before installing), and an admin's upload (PUT).
// An upload is taken only from a console sign-in that holds in the shared store: signed out, or
// opened before a password change, through any server process, it is refused through all.
import express, { type NextFunction, type Request, type Response } from 'express';
import { basename, dirname, resolve } from 'node:path';
import { roleHas } from '../../core/vocabulary';
import { bearer } from '../../core/contract/http';
import type { Actor } from '../../core/contract/context';
import { HttpError } from '../errors';
import { unsupportedEncoding } from '../http/refusals';
import type { UpdateFeed } from './feed';

/** The person behind a console token after the shared sign-ins are checked, or why nobody. */
export type ActorForToken = (
  token: string | undefined,
) => Promise<{ actor: Actor | null; why: string | null }>;

type Handler = (req: Request, res: Response) => Promise<void>;
const route =
  (handler: Handler) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req, res).catch(next);
  };

function sendFile(res: Response, path: string, headers: Record<string, string>): Promise<void> {
  const absolute = resolve(path);
  return new Promise((done, fail) => {
    // Relative to its folder, so a dot in the data folder's own path (~/.config) is no matter.
    res.sendFile(
      basename(absolute),
      { root: dirname(absolute), dotfiles: 'deny', acceptRanges: true, headers },
      (error?: Error) => (error ? fail(error) : done()),
    );
  });
}

export function updateRoutes(
  feed: UpdateFeed,
  actorForToken: ActorForToken,
  log: (entry: Record<string, unknown>) => void,
): express.Router {
  const router = express.Router();

  router.get(
    '/:file',
    route(async (req, res) => {
      const name = String(req.params['file']);
      if (feed.isManifestName(name)) {
        const settings = await feed.settings();
        const manifest = await feed.manifestFor(name);
        if (!manifest) {
          // Off: nothing to offer, on purpose. Otherwise there is no such channel (yet).
          if (!settings.enabled) {
            res.status(204).end();
            return;
          }
          throw new HttpError(404, 'NOT_FOUND', `No update manifest ${name}.`);
        }
        res
          .set({ 'Cache-Control': 'no-cache', 'Content-Type': 'text/yaml; charset=utf-8' })
          .send(manifest.text);
        return;
      }
      if (feed.isSignatureName(name)) {
        // The signature of the manifest served now, whatever was uploaded last.
        const signature = await feed.signatureFor(name);
        if (!signature) throw new HttpError(404, 'NOT_FOUND', `No signature ${name}.`);
        res
          .set({ 'Cache-Control': 'no-cache', 'Content-Type': 'application/json; charset=utf-8' })
          .send(signature);
        return;
      }
      const path = await feed.file(name);
      if (!path) throw new HttpError(404, 'NOT_FOUND', `No update file ${name}.`);
      await sendFile(res, path, { 'Content-Type': 'application/octet-stream' });
    }),
  );

  router.put(
    '/:file',
    route(async (req, res) => {
      const { actor, why } = await actorForToken(bearer(req.header('authorization')));
      if (!actor)
        throw new HttpError(
          401,
          'UNAUTHENTICATED',
          `${why ? `${why} ` : ''}Sign in as an admin to upload updates.`,
        );
      if (!roleHas(actor.role, 'branches.manage'))
        throw new HttpError(403, 'FORBIDDEN', 'Only an admin may upload app updates.');
      // Streamed to disk as it comes, so nothing inflates it: a compressed body would be stored
      // as its compressed bytes.
      const encoding = req.header('content-encoding')?.trim();
      if (encoding && encoding.toLowerCase() !== 'identity')
        throw unsupportedEncoding(encoding, []);
      const stored = await feed.upload(String(req.params['file']), req);
      log({ level: 'info', msg: 'update file uploaded', by: actor.username, ...stored });
      res.json(stored);
    }),
  );

  return router;
}
