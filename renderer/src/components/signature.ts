// The signature pad's pure part: points in the canvas's own pixels from a pointer's place on
// screen (the canvas may be drawn smaller or larger than its pixels), whether anything was drawn,
// and the PNG the core wants from the canvas's data URL.

export interface Point {
  x: number;
  y: number;
}

/** A pointer's place on the page, in the canvas's pixels (the box on screen may be scaled). */
export function toCanvas(
  client: { clientX: number; clientY: number },
  box: { left: number; top: number; width: number; height: number },
  pixels: { width: number; height: number },
): Point {
  const sx = box.width > 0 ? pixels.width / box.width : 1;
  const sy = box.height > 0 ? pixels.height / box.height : 1;
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return {
    x: clamp((client.clientX - box.left) * sx, pixels.width),
    y: clamp((client.clientY - box.top) * sy, pixels.height),
  };
}

/** The length a stroke's pointer travelled: a tap (0) or a tremble is not a signature. */
export function strokeLength(points: readonly Point[]): number {
  let length = 0;
  points.forEach((b, i) => {
    const a = points[i - 1];
    if (a) length += Math.hypot(b.x - a.x, b.y - a.y);
  });
  return length;
}

/** Enough ink to be someone's mark: strokes that together travel at least `min` pixels. */
export const hasSignature = (strokes: readonly (readonly Point[])[], min = 20): boolean =>
  strokes.reduce((sum, s) => sum + strokeLength(s), 0) >= min;

const PNG_PREFIX = 'data:image/png;base64,';
const PNG_MAGIC = 'iVBORw0KGg'; // base64 of the PNG signature's first 7½ bytes

/** The base64 PNG in a canvas's data URL; null when the canvas did not give a PNG. */
export function pngBase64(dataUrl: string): string | null {
  if (!dataUrl.startsWith(PNG_PREFIX)) return null;
  const base64 = dataUrl.slice(PNG_PREFIX.length);
  return base64.startsWith(PNG_MAGIC) ? base64 : null;
}
