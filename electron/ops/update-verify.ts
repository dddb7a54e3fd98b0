// The check between "electron-updater downloaded an update and its sha512 matched the manifest"
// and "install it": the manifest is the one the publisher signed (core/ops/update-signature.ts),
// with a key this app ships, and the downloaded bytes are an installer that signed statement
// names. electron-updater's own sha512 check only proves the file matches a manifest that head
// office served; this proves the publisher made both.
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { createHash } from 'node:crypto';
import {
  isPlainFileName,
  trustedKeys,
  updateKeysSchema,
  verifyManifestSignature,
  type Statement,
  type UpdateRefusal,
} from '../../core/ops/update-signature';

/** What electron-updater reports with `update-downloaded`: the manifest it used, and the file. */
export interface DownloadedUpdate {
  version: string;
  downloadedFile: string;
  files: readonly { url: string; sha512: string; size?: number | undefined }[];
  /** Old manifests' single installer; electron-builder still writes it. */
  path?: string | undefined;
}

export type VerifyOutcome =
  | { kind: 'verified'; statement: Statement }
  | { kind: 'refused'; refusal: UpdateRefusal }
  /** Could not be decided now (the feed unreachable, or it moved on to another version). */
  | { kind: 'later'; reason: string };

export interface UpdateVerifierOptions {
  keys: Map<string, KeyObject>;
  /** The manifest's name on the feed: latest.yml, latest-linux.yml… (channelFileName). */
  channelFile: string;
  /** A file of head office's feed by name, or null where the feed has none (404, 204). */
  fetchFeedFile: (name: string) => Promise<Buffer | null>;
}

/**
 * The public keys shipped in the app (build/update-keys.json, copied beside main.js by
 * electron/build.ts, so inside app.asar). A missing or broken file trusts no key: every update
 * is then refused, and the log says why.
 */
export function loadShippedKeys(
  file: string,
  log: (entry: Record<string, unknown>) => void,
): Map<string, KeyObject> {
  try {
    const keys = trustedKeys(updateKeysSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
    if (keys.size === 0)
      log({ level: 'warn', msg: 'no update key: updates will be refused', file });
    return keys;
  } catch (error) {
    log({
      level: 'error',
      msg: 'update keys unreadable: updates will be refused',
      file,
      error: String(error),
    });
    return new Map();
  }
}

/** The manifest electron-updater reads for this platform, as its generic provider names it. */
export function channelFileName(platform: NodeJS.Platform, arch: string): string {
  if (platform === 'win32') return 'latest.yml';
  if (platform === 'darwin') return 'latest-mac.yml';
  return arch === 'x64' ? 'latest-linux.yml' : `latest-linux-${arch}.yml`;
}

async function hashFile(path: string): Promise<{ sha512: string; size: number }> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha512: hash.digest('base64'), size };
}

const refuse = (code: UpdateRefusal['code'], message: string): VerifyOutcome => ({
  kind: 'refused',
  refusal: { code, message },
});

export async function verifyDownloadedUpdate(
  options: UpdateVerifierOptions,
  update: DownloadedUpdate,
): Promise<VerifyOutcome> {
  // What electron-updater downloaded from: a plain name on head office's feed, nothing else.
  const named = [...update.files.map((f) => f.url), ...(update.path ? [update.path] : [])];
  const elsewhere = named.find((url) => !isPlainFileName(url));
  if (elsewhere !== undefined)
    return refuse(
      'FILE_ELSEWHERE',
      `The update's manifest points at ${JSON.stringify(elsewhere.slice(0, 200))}, not at a file of head office's feed.`,
    );
  let manifest: Buffer | null;
  let signature: Buffer | null;
  try {
    [manifest, signature] = await Promise.all([
      options.fetchFeedFile(options.channelFile),
      options.fetchFeedFile(`${options.channelFile}.sig`),
    ]);
  } catch (error) {
    return { kind: 'later', reason: `the feed did not answer: ${String(error)}` };
  }
  if (!manifest) return { kind: 'later', reason: 'the feed no longer offers an update' };
  const checked = verifyManifestSignature(
    options.keys,
    options.channelFile,
    manifest,
    signature?.toString('utf8') ?? null,
  );
  if (!checked.ok) return { kind: 'refused', refusal: checked.refusal };
  const { statement } = checked;
  // The admin may have published or held back a version since the download: decided next time.
  if (statement.version !== update.version)
    return { kind: 'later', reason: `the feed now offers ${statement.version}` };
  const signed = new Map(statement.files.map((f) => [f.name, f]));
  for (const file of update.files)
    if (signed.get(file.url)?.sha512 !== file.sha512)
      return refuse(
        'FILE_CHANGED',
        `${file.url} is not an installer the publisher signed for version ${update.version}.`,
      );
  const name = basename(update.downloadedFile);
  const expected = signed.get(name);
  const actual = await hashFile(update.downloadedFile);
  if (!expected || expected.sha512 !== actual.sha512 || expected.size !== actual.size)
    return refuse(
      'FILE_CHANGED',
      `The downloaded ${name} is not the installer the publisher signed: its bytes differ.`,
    );
  return { kind: 'verified', statement };
}
