// /sync/files/<sha256>: files events name (payment slips, invoices, PDFs), kept by content hash,
// for enrolled PCs only.
import express from 'express';
import { z } from 'zod';
import { MAX_FILE_BYTES } from '../../core/sync/protocol';
import { HttpError } from '../errors';
import type { SyncHub } from '../hub';
import type { EventStore } from '../store/types';
import { deviceOf, parse, route } from './handle';

const hashParam = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest');

export function fileRoutes(
  hub: Pick<SyncHub, 'authenticate' | 'putFile'>,
  store: Pick<EventStore, 'hasFile' | 'getFile'>,
): express.Router {
  const router = express.Router();
  const device = deviceOf(hub);
  router.use('/sync/files', express.raw({ type: () => true, limit: MAX_FILE_BYTES + 1024 }));
  router.head(
    '/sync/files/:hash',
    route(async (req, res) => {
      await device(req);
      const has = await store.hasFile(parse(hashParam, req.params['hash']));
      res.status(has ? 200 : 404).end();
    }),
  );
  router.put(
    '/sync/files/:hash',
    route(async (req) => {
      await device(req);
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0)
        throw new HttpError(400, 'VALIDATION', 'body: send the file bytes');
      await hub.putFile(parse(hashParam, req.params['hash']), body);
      return { ok: true };
    }),
  );
  router.get(
    '/sync/files/:hash',
    route(async (req, res) => {
      await device(req);
      const bytes = await store.getFile(parse(hashParam, req.params['hash']));
      if (!bytes)
        throw new HttpError(404, 'NOT_FOUND', 'Head office does not have that file (yet).');
      res.type('application/octet-stream').send(bytes);
    }),
  );
  return router;
}
