// The update feed the desktop apps read with electron-updater's generic provider: channel
// manifests (latest.yml for Windows, latest-linux.yml for Linux) and the installers they name.
// An admin uploads them (through any server process), or drops them in `<data>/updates/` of any
// process.
//
// One feed for every head-office process: files, kept manifests and the admin's settings live in
// the shared store (UpdateFeedStore in ../store/types.ts; installer bytes as ./blob-cache.ts says),
// and each request reads them from there (a copy is kept while the store's revision of the feed
// stays the same). Every manifest seen is kept by version, so the admin can hold a version back
// (the feed then serves the newest version not held back) or turn updates off (no manifest is
// served, so no app sees an update).
//
// A manifest is offered only with a valid signature (core/ops/update-signature.ts): the publisher's
// `<manifest>.sig`, uploaded (or dropped) before the manifest, checked with the keys the apps
// ship, and kept with it. The apps check it again; head office checks first so that it never
// offers what they would refuse. A new manifest for a version already kept replaces it (a
// release re-signed or rebuilt): the feed then serves the new one, and the installers it names are
// served as its signature names them, so downloads pass their checksum before, during and after
// the replacement.
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { UpdateFeedService } from '../../core/ops/updates';
import { verifyManifestSignature, type Statement } from '../../core/ops/update-signature';
import { HttpError } from '../errors';
import type { UpdateFeedSnapshot, UpdateFeedStore, UpdateFileRecord } from '../store/types';
import { BlobCache, fileChunks } from './blob-cache';
import { shippedUpdateKeys } from './keys';
import {
  channelOf,
  compareVersions,
  isFileName,
  isSignatureFile,
  manifestFileNames,
  manifestVersion,
  MANIFEST,
  MAX_UPLOAD_BYTES,
  SIGNATURE,
  VERSION,
} from './names';

export {
  compareVersions,
  isFileName,
  manifestFileNames,
  manifestVersion,
  MAX_UPLOAD_BYTES,
} from './names';

const settingsSchema = z.object({
  enabled: z.boolean().default(true),
  heldBack: z.array(z.string().regex(VERSION)).default([]),
});
export type FeedSettings = z.infer<typeof settingsSchema>;

export interface ChannelState {
  /** `latest` (Windows), `latest-linux` (Linux x64)… as the manifest file is named. */
  channel: string;
  versions: string[];
  /** What the feed hands out now, or null (updates off, or every version held back). */
  served: string | null;
}

export interface FeedState extends FeedSettings {
  channels: ChannelState[];
  files: { name: string; bytes: number }[];
}

const refusedUpload = (message: string) => new HttpError(400, 'UNSIGNED_UPDATE', message);

/** A kept manifest the feed may offer: its signature checks out with today's keys. */
interface Servable {
  version: string;
  text: string;
  signature: string;
  statement: Statement;
}

const badName = () =>
  new HttpError(400, 'VALIDATION', 'file: use letters, digits, dots, dashes and underscores');

export class UpdateFeed implements UpdateFeedService {
  readonly blobs: BlobCache;
  private cached: UpdateFeedSnapshot | null = null;
  /** Files dropped in this process's folder, as last taken in (size and time). */
  private readonly adopted = new Map<string, string>();
  private earlierLayoutTaken = false;

  /**
   * `dir`: this process's folder (files dropped by hand, uploads on their way, the local copies
   * of installers). `keys`: the public keys releases must be signed with; by default those the
   * apps ship.
   */
  constructor(
    readonly dir: string,
    private readonly store: UpdateFeedStore,
    private readonly keys: () => Map<string, KeyObject> = shippedUpdateKeys,
  ) {
    this.blobs = new BlobCache(join(dir, '.blobs'), store);
  }

  /** The feed as the store has it now: read again only when its revision moved. */
  private async snapshot(): Promise<UpdateFeedSnapshot> {
    const revision = await this.store.updateFeedRevision();
    if (this.cached?.revision !== revision) this.cached = await this.store.updateFeed();
    return this.cached;
  }

  private static settingsOf(snapshot: UpdateFeedSnapshot): FeedSettings {
    try {
      return settingsSchema.parse(snapshot.settingsJson ? JSON.parse(snapshot.settingsJson) : {});
    } catch {
      // Written only by configure(), through the same schema: a bug, not an admin's mistake.
      throw new Error('update feed: the settings in the store are not readable');
    }
  }

  async settings(): Promise<FeedSettings> {
    return UpdateFeed.settingsOf(await this.snapshot());
  }

  async configure(change: Partial<FeedSettings>): Promise<FeedState> {
    const next = settingsSchema.parse({ ...(await this.settings()), ...change });
    next.heldBack = [...new Set(next.heldBack)].sort(compareVersions);
    await this.store.setUpdateSettings(JSON.stringify(next));
    return this.state();
  }

  /**
   * The manifest's signature checked: by a trusted key, over these bytes, for this version, and
   * naming every file the manifest names. The statement, or why not.
   */
  private check(
    name: string,
    text: Buffer,
    signature: Buffer | null,
  ): { ok: true; statement: Statement } | { ok: false; message: string } {
    const verified = verifyManifestSignature(
      this.keys(),
      name,
      text,
      signature?.toString('utf8') ?? null,
    );
    if (!verified.ok) return { ok: false, message: verified.refusal.message };
    const { statement } = verified;
    if (statement.version !== manifestVersion(text.toString('utf8')))
      return { ok: false, message: `${name}.sig was made for version ${statement.version}.` };
    const signed = new Set(statement.files.map((f) => f.name));
    const unsigned = manifestFileNames(text.toString('utf8')).find((f) => !signed.has(f));
    if (unsigned !== undefined)
      return { ok: false, message: `${name} names ${unsigned}, which its signature does not.` };
    return verified;
  }

  /** The kept versions of each channel whose signature still checks out, oldest first. */
  private servable(snapshot: UpdateFeedSnapshot): Map<string, Servable[]> {
    const channels = new Map<string, Servable[]>();
    for (const m of snapshot.manifests) {
      const checked = this.check(`${m.channel}.yml`, Buffer.from(m.text), Buffer.from(m.signature));
      const list = channels.get(m.channel) ?? [];
      channels.set(m.channel, list);
      if (checked.ok && checked.statement.version === m.version)
        list.push({ version: m.version, text: m.text, signature: m.signature, ...checked });
    }
    for (const list of channels.values())
      list.sort((a, b) => compareVersions(a.version, b.version));
    return channels;
  }

  private pick<T extends { version: string }>(versions: T[], settings: FeedSettings): T | null {
    if (!settings.enabled) return null;
    return versions.filter((v) => !settings.heldBack.includes(v.version)).at(-1) ?? null;
  }

  async state(): Promise<FeedState> {
    await this.adoptDropped();
    const snapshot = await this.snapshot();
    const settings = UpdateFeed.settingsOf(snapshot);
    const channels: ChannelState[] = [...this.servable(snapshot)]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([channel, kept]) => ({
        channel,
        versions: kept.map((k) => k.version),
        served: this.pick(kept, settings)?.version ?? null,
      }));
    const files = snapshot.files
      .filter((f) => !SIGNATURE.test(f.name))
      .map((f) => ({ name: f.name, bytes: f.bytes }));
    return { ...settings, channels, files };
  }

  /** The manifest to serve for `latest.yml` etc., or null for "no update". */
  async manifestFor(fileName: string): Promise<Servable | null> {
    const channel = channelOf(fileName);
    if (!channel) return null;
    await this.adoptDropped();
    const snapshot = await this.snapshot();
    return this.pick(this.servable(snapshot).get(channel) ?? [], UpdateFeed.settingsOf(snapshot));
  }

  isManifestName(name: string): boolean {
    return MANIFEST.test(name);
  }

  /** `latest.yml.sig` and the like: served for the version whose manifest is served. */
  isSignatureName(name: string): boolean {
    return SIGNATURE.test(name);
  }

  /** The signature of the manifest served for `<manifest>.sig`, or null. */
  async signatureFor(name: string): Promise<string | null> {
    const manifest = SIGNATURE.exec(name) ? name.slice(0, -'.sig'.length) : null;
    return (manifest && (await this.manifestFor(manifest))?.signature) ?? null;
  }

  /**
   * An installer or blockmap by name: a local file to send, or null. A name a served manifest's
   * signature names is served with the bytes it names, even while a newer upload of the same name
   * waits for its own manifest; any other name with its last upload.
   */
  async file(name: string): Promise<string | null> {
    if (!isFileName(name) || MANIFEST.test(name) || SIGNATURE.test(name)) return null;
    const snapshot = await this.snapshot();
    const settings = UpdateFeed.settingsOf(snapshot);
    for (const kept of this.servable(snapshot).values()) {
      const signed = this.pick(kept, settings)?.statement.files.find((f) => f.name === name);
      if (signed) return this.blobs.local(signed.sha512, signed.size);
    }
    const upload = snapshot.files.find((f) => f.name === name);
    return upload ? this.blobs.local(upload.sha512, upload.bytes) : null;
  }

  /** A file's bytes from the store (signatures: small). */
  private async bytesOf(file: UpdateFileRecord | undefined): Promise<Buffer | null> {
    const path = file && (await this.blobs.local(file.sha512, file.bytes));
    return path ? readFile(path) : null;
  }

  /** Every installer the statement names is on the feed, with the bytes the publisher signed. */
  private checkInstallers(statement: Statement, files: UpdateFileRecord[]): void {
    for (const signed of statement.files) {
      const file = files.find((f) => f.name === signed.name);
      if (!file) throw refusedUpload(`Upload ${signed.name} first: the manifest names it.`);
      if (file.sha512 !== signed.sha512 || file.bytes !== signed.size)
        throw refusedUpload(`${signed.name} on the feed is not the installer that was signed.`);
    }
  }

  /** Keeps a checked manifest by its version, replacing one kept for that version. */
  private async keepManifest(
    name: string,
    text: Buffer,
  ): Promise<{ channel: string; version: string }> {
    const channel = channelOf(name);
    const version = manifestVersion(text.toString('utf8'));
    if (!channel || !version)
      throw new HttpError(
        400,
        'VALIDATION',
        `${name}: not an update manifest (it has no "version: x.y.z" line).`,
      );
    const files = (await this.store.updateFeed()).files;
    const signature = await this.bytesOf(files.find((f) => f.name === `${name}.sig`));
    if (!signature)
      throw refusedUpload(
        `${name} has no signature: upload ${name}.sig (made by npm run release:sign) first.`,
      );
    const checked = this.check(name, text, signature);
    if (!checked.ok) throw refusedUpload(checked.message);
    this.checkInstallers(checked.statement, files);
    // Kept with its manifest now; the next manifest must come with its own.
    await this.store.putUpdateManifest(
      {
        channel,
        version,
        text: text.toString('utf8'),
        signature: signature.toString('utf8'),
        at: Date.now(),
      },
      `${name}.sig`,
    );
    return { channel, version };
  }

  /** Takes in a local file (moved): a manifest, a signature, or an installer. */
  private async take(
    name: string,
    temp: string,
    sha512: string,
    bytes: number,
  ): Promise<
    | { kind: 'manifest'; channel: string; version: string }
    | { kind: 'file'; name: string; bytes: number; sha512: string }
  > {
    if (channelOf(name))
      return { kind: 'manifest', ...(await this.keepManifest(name, await readFile(temp))) };
    if (SIGNATURE.test(name) && !isSignatureFile(await readFile(temp, 'utf8')))
      throw refusedUpload(`${name}: not a signature made by npm run release:sign.`);
    await this.blobs.keep(temp, sha512, bytes);
    await this.store.setUpdateFile(name, { sha512, bytes, at: Date.now() });
    return { kind: 'file', name, bytes, sha512 };
  }

  /**
   * Files dropped in this process's folder by hand are taken in as uploads are (installers and
   * signatures first, then manifests), once each time they change. What cannot be taken in
   * (an unsigned manifest) is left there and never offered.
   */
  private async adoptDropped(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => isFileName(n) && n !== 'feed.json');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    names.sort((a, b) => Number(MANIFEST.test(a)) - Number(MANIFEST.test(b)));
    for (const name of names) {
      const path = join(this.dir, name);
      const s = await stat(path).catch(() => null);
      const seen = s?.isFile() ? `${s.size}:${s.mtimeMs}` : null;
      if (!seen || this.adopted.get(name) === seen) continue;
      const known = (await this.snapshot()).files.find((f) => f.name === name);
      const copy = join(this.dir, `.upload-${randomUUID()}`);
      try {
        // A copy first, hashed as it is taken in: the admin may still be writing the original.
        await copyFile(path, copy);
        const hash = createHash('sha512');
        let bytes = 0;
        for await (const chunk of fileChunks(copy)) {
          hash.update(chunk);
          bytes += chunk.length;
        }
        const sha512 = hash.digest('base64');
        if (known?.sha512 !== sha512) await this.take(name, copy, sha512, bytes);
        this.adopted.set(name, seen);
      } catch (error) {
        // Unsigned, or a signature not yet dropped: tried again when it changes or arrives.
        if (!(error instanceof HttpError)) throw error;
        if (MANIFEST.test(name)) this.adopted.delete(name);
      } finally {
        await rm(copy, { force: true });
      }
    }
    if (!this.earlierLayoutTaken) {
      this.earlierLayoutTaken = true;
      await this.adoptEarlierLayout();
    }
  }

  /**
   * A feed an earlier server kept in this process's folder (settings in feed.json, manifests and
   * their signatures under manifests/<channel>/<version>.yml, installers beside them, taken in
   * above): taken into the store once, where the store has nothing for it yet. Manifests are
   * checked as uploads are; one that does not check out is left behind.
   */
  private async adoptEarlierLayout(): Promise<void> {
    const snapshot = await this.store.updateFeed();
    const read = (path: string) => readFile(path).catch(() => null);
    const settings = await read(join(this.dir, 'feed.json'));
    if (settings && snapshot.settingsJson === null) {
      let parsed: ReturnType<typeof settingsSchema.safeParse> | null = null;
      try {
        parsed = settingsSchema.safeParse(JSON.parse(settings.toString('utf8')));
      } catch {
        parsed = null;
      }
      if (parsed?.success) await this.store.setUpdateSettings(JSON.stringify(parsed.data));
    }
    const root = join(this.dir, 'manifests');
    const list = (path: string) => readdir(path).catch(() => [] as string[]);
    for (const channel of await list(root)) {
      if (!MANIFEST.test(`${channel}.yml`)) continue;
      for (const file of await list(join(root, channel))) {
        const version = file.endsWith('.yml') ? file.slice(0, -'.yml'.length) : '';
        if (!VERSION.test(version)) continue;
        if (snapshot.manifests.some((m) => m.channel === channel && m.version === version))
          continue;
        const text = await read(join(root, channel, file));
        const signature = await read(join(root, channel, `${file}.sig`));
        const checked = text && this.check(`${channel}.yml`, text, signature);
        if (!text || !signature || !checked?.ok || checked.statement.version !== version) continue;
        try {
          this.checkInstallers(checked.statement, (await this.store.updateFeed()).files);
        } catch {
          continue;
        }
        await this.store.putUpdateManifest(
          {
            channel,
            version,
            text: text.toString('utf8'),
            signature: signature.toString('utf8'),
            at: Date.now(),
          },
          null,
        );
      }
    }
  }

  /**
   * Stores an upload. A manifest must name its version and come after its signature
   * (`<manifest>.sig`) and the installers it names; it is kept by version (so uploading the same
   * version again replaces that one). Anything else is stored under its name, whole or not at
   * all; its sha512 (base64, as manifests write it) is returned to compare with the manifest.
   */
  async upload(
    name: string,
    body: Readable,
  ): Promise<
    | { kind: 'manifest'; channel: string; version: string }
    | { kind: 'file'; name: string; bytes: number; sha512: string }
  > {
    if (!isFileName(name) || name === 'feed.json') throw badName();
    await mkdir(this.dir, { recursive: true });
    const temp = join(this.dir, `.upload-${randomUUID()}`);
    const hash = createHash('sha512');
    let bytes = 0;
    try {
      await pipeline(
        body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            bytes += chunk.length;
            if (bytes > MAX_UPLOAD_BYTES)
              throw new HttpError(413, 'TOO_LARGE', 'An update file may be at most 2 GB.');
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
      if (bytes === 0) throw new HttpError(400, 'VALIDATION', 'body: send the file bytes');
      return await this.take(name, temp, hash.digest('base64'), bytes);
    } finally {
      await rm(temp, { force: true });
    }
  }
}
