// The public keys head office checks release signatures with before it offers a manifest: the same
// file the desktop app ships (build/update-keys.json), so head office never offers an update the
// apps it serves would refuse. Read at each check, so a rolled key needs no restart.
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { trustedKeys, updateKeysSchema } from '../../core/ops/update-signature';
import { shippedPath } from '../resources';

/** The trusted keys by id; none (every manifest refused) where the file is missing or broken. */
export function shippedUpdateKeys(): Map<string, KeyObject> {
  try {
    return trustedKeys(
      updateKeysSchema.parse(JSON.parse(readFileSync(shippedPath('updateKeys'), 'utf8'))),
    );
  } catch {
    return new Map();
  }
}
