// The app's icon, drawn here rather than in an image editor so it can be made again exactly:
// a teal rounded square with a white factory (sawtooth roof, chimney, three windows).
//   npx tsx build/icons.ts   writes build/icon.png (512×512, Linux) and build/icon.ico (Windows)
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type Rgba = [number, number, number, number];

const TOP: Rgba = [0x14, 0x8f, 0x86, 255]; // teal, lighter at the top
const BOTTOM: Rgba = [0x0f, 0x5e, 0x59, 255];
const WHITE: Rgba = [255, 255, 255, 255];

/** Shapes in a 512×512 design space. */
const inRoundedSquare = (x: number, y: number) => {
  const r = 112;
  const cx = Math.min(Math.max(x, 16 + r), 496 - r);
  const cy = Math.min(Math.max(y, 16 + r), 496 - r);
  return x >= 16 && x <= 496 && y >= 16 && y <= 496 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};

const inRect = (x: number, y: number, x0: number, y0: number, x1: number, y1: number) =>
  x >= x0 && x < x1 && y >= y0 && y < y1;

function inFactory(x: number, y: number): boolean {
  if (inRect(x, y, 112, 268, 400, 400)) {
    // Three windows cut out of the wall.
    for (const wx of [146, 238, 330]) if (inRect(x, y, wx, 300, wx + 36, 340)) return false;
    return true;
  }
  // Sawtooth roof: each tooth rises straight up at its left and slopes down to the right.
  for (const x0 of [112, 208, 304]) {
    if (x >= x0 && x < x0 + 96) {
      const top = 196 + ((x - x0) / 96) * 72;
      if (y >= top && y < 268) return true;
    }
  }
  return inRect(x, y, 346, 124, 378, 260); // chimney
}

const mix = (a: Rgba, b: Rgba, t: number): Rgba => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
  a[3] + (b[3] - a[3]) * t,
];

/** The icon at `size`×`size`, as RGBA rows; 4×4 samples per pixel smooth the edges. */
export function renderIcon(size: number): Buffer {
  const n = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < n; sy++)
        for (let sx = 0; sx < n; sx++) {
          const x = ((px + (sx + 0.5) / n) * 512) / size;
          const y = ((py + (sy + 0.5) / n) * 512) / size;
          if (!inRoundedSquare(x, y)) continue;
          bg++;
          if (inFactory(x, y)) fg++;
        }
      const coverage = bg / (n * n);
      const base = mix(TOP, BOTTOM, py / size);
      const color = bg === 0 ? base : mix(base, WHITE, fg / bg);
      const o = (py * size + px) * 4;
      pixels[o] = Math.round(color[0]);
      pixels[o + 1] = Math.round(color[1]);
      pixels[o + 2] = Math.round(color[2]);
      pixels[o + 3] = Math.round(255 * coverage);
    }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k;
  for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG of RGBA pixels (8 bits per channel, no interlace). */
export function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // depth 8, colour type 6 (RGBA)
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++)
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows icon holding PNG images (Windows Vista and later read those), largest 256×256. */
export function encodeIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // an icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

export function iconFiles(): { 'icon.png': Buffer; 'icon.ico': Buffer } {
  const png = (size: number) => encodePng(size, renderIcon(size));
  return {
    'icon.png': png(512),
    'icon.ico': encodeIco(ICO_SIZES.map((size) => ({ size, png: png(size) }))),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const [name, bytes] of Object.entries(iconFiles())) {
    writeFileSync(join(here, name), bytes);
    console.log(`wrote build/${name} (${(bytes.length / 1024).toFixed(1)} kB)`);
  }
}
