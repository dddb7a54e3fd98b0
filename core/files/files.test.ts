import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { sniffMime } from './sniff';
import { FileStore, sha256 } from './store';

const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01,
]);
const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n');

const nodeSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Every file under a folder, relative to it. */
function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((f) => join(root, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => relative(root, f))
    .sort();
}

const newStore = () => new FileStore(join(mkdtempSync(join(tmpdir(), 'fse-files-')), 'files'));

function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('sniffMime', () => {
  it('knows JPEG, PNG and PDF by their first bytes', () => {
    expect(sniffMime(JPEG)).toBe('image/jpeg');
    expect(sniffMime(PNG)).toBe('image/png');
    expect(sniffMime(PDF)).toBe('application/pdf');
    expect(sniffMime(new Uint8Array(JPEG))).toBe('image/jpeg');
  });

  it('says null for text, an empty file and a file cut short', () => {
    expect(sniffMime(Buffer.from('Payment of 45,000 received. Thank you!\n'))).toBeNull();
    expect(sniffMime(Buffer.alloc(0))).toBeNull();
    expect(sniffMime(JPEG.subarray(0, 2))).toBeNull();
    expect(sniffMime(PNG.subarray(0, 7))).toBeNull();
    expect(sniffMime(Buffer.from('%PDF'))).toBeNull();
  });

  it('looks only at the start of the file, not at what follows or what it is called', () => {
    // A text file that mentions a PDF header is still text.
    expect(sniffMime(Buffer.from(` ${PDF.toString()}`))).toBeNull();
    expect(sniffMime(Buffer.concat([Buffer.from('<html>'), JPEG]))).toBeNull();
    // One wrong byte in a signature is enough to refuse.
    const almostPng = Buffer.from(PNG);
    almostPng[4] = 0x0a;
    expect(sniffMime(almostPng)).toBeNull();
  });
});

describe('FileStore', () => {
  it('names a file by the sha256 of its content', () => {
    const store = newStore();
    const hash = store.put(PDF);
    expect(hash).toBe(nodeSha256(PDF));
    expect(sha256(PDF)).toBe(nodeSha256(PDF));
    expect(store.pathOf(hash)).toBe(join(store.root, hash.slice(0, 2), hash));
    expect(readFileSync(store.pathOf(hash))).toEqual(PDF);
    expect(store.has(hash)).toBe(true);
    expect(store.get(hash)).toEqual(PDF);
  });

  it('stores the same content once, however often it is put', () => {
    const store = newStore();
    const first = store.put(JPEG);
    const mtime = statSync(store.pathOf(first)).mtimeMs;
    const second = store.put(Buffer.from(JPEG));
    expect(second).toBe(first);
    expect(statSync(store.pathOf(first)).mtimeMs).toBe(mtime);
    expect(filesUnder(store.root)).toEqual([join(first.slice(0, 2), first)]);

    const other = store.put(PNG);
    expect(other).not.toBe(first);
    expect(filesUnder(store.root)).toEqual(
      [join(first.slice(0, 2), first), join(other.slice(0, 2), other)].sort(),
    );
  });

  it('stores an empty file as well', () => {
    const store = newStore();
    const hash = store.put(new Uint8Array(0));
    expect(hash).toBe(nodeSha256(new Uint8Array(0)));
    expect(store.get(hash)).toHaveLength(0);
  });

  it('leaves no temporary .part files behind', () => {
    const store = newStore();
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    for (const bytes of [JPEG, PNG, PDF, big, JPEG]) store.put(bytes);
    const files = filesUnder(store.root);
    expect(files.filter((f) => f.includes('.part'))).toEqual([]);
    expect(files).toHaveLength(4);
    for (const f of files) expect(f.split(/[\\/]/).at(-1)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to hand out a damaged file', () => {
    const store = newStore();
    const hash = store.put(PDF);
    const damaged = Buffer.from(PDF);
    damaged[10] = (damaged[10] ?? 0) ^ 0xff;
    writeFileSync(store.pathOf(hash), damaged);
    const error = domainErrorOf(() => store.get(hash));
    expect(error.code).toBe('FILE_REJECTED');
    expect(error.details['hash']).toBe(hash);
    // A cut-short file is damaged too.
    writeFileSync(store.pathOf(hash), PDF.subarray(0, 8));
    expect(domainErrorOf(() => store.get(hash)).code).toBe('FILE_REJECTED');
  });

  it('heals a damaged file when the good content is put again', () => {
    const store = newStore();
    const hash = store.put(JPEG);
    writeFileSync(store.pathOf(hash), Buffer.from('garbage'));
    expect(domainErrorOf(() => store.get(hash)).code).toBe('FILE_REJECTED');
    store.put(JPEG);
    expect(store.get(hash)).toEqual(JPEG);
  });

  it('says NOT_FOUND for a file that is not there', () => {
    const store = newStore();
    const missing = nodeSha256(Buffer.from('never stored'));
    expect(store.has(missing)).toBe(false);
    const error = domainErrorOf(() => store.get(missing));
    expect(error.code).toBe('NOT_FOUND');
    const hash = store.put(PNG);
    rmSync(store.pathOf(hash));
    expect(domainErrorOf(() => store.get(hash)).code).toBe('NOT_FOUND');
  });

  it('refuses a name that is not a sha256 digest, so no path leaves the store', () => {
    const store = newStore();
    for (const bad of [
      '',
      '../../etc/passwd',
      'A'.repeat(64),
      `${'a'.repeat(63)}/`,
      'a'.repeat(65),
    ]) {
      const error = domainErrorOf(() => store.get(bad));
      expect([error.code, error.field], bad).toEqual(['VALIDATION', 'hash']);
      expect(domainErrorOf(() => store.has(bad)).code).toBe('VALIDATION');
    }
  });
});
