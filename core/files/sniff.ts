// A file is what its bytes say, not what its name says.
export type SlipMime = 'image/jpeg' | 'image/png' | 'application/pdf';

const signatures: { mime: SlipMime; bytes: number[] }[] = [
  { mime: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { mime: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { mime: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
];

export function sniffMime(bytes: Uint8Array): SlipMime | null {
  const match = signatures.find((s) => s.bytes.every((b, i) => bytes[i] === b));
  return match?.mime ?? null;
}
