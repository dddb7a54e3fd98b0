// The signature pad's pure part: where a pointer lands in the canvas's pixels when the canvas is
// drawn scaled, what counts as a signature, and the PNG taken from the canvas's data URL.
import { describe, expect, it } from 'vitest';
import { hasSignature, pngBase64, strokeLength, toCanvas } from './signature';

describe('the signature pad', () => {
  it('maps a pointer on a scaled canvas to its pixels, kept inside it', () => {
    const box = { left: 100, top: 50, width: 300, height: 100 };
    const pixels = { width: 600, height: 200 };
    expect(toCanvas({ clientX: 100, clientY: 50 }, box, pixels)).toEqual({ x: 0, y: 0 });
    expect(toCanvas({ clientX: 250, clientY: 100 }, box, pixels)).toEqual({ x: 300, y: 100 });
    expect(toCanvas({ clientX: 900, clientY: -5 }, box, pixels)).toEqual({ x: 600, y: 0 });
  });

  it('needs ink that travels: a tap is not a signature', () => {
    expect(strokeLength([{ x: 0, y: 0 }])).toBe(0);
    expect(
      strokeLength([
        { x: 0, y: 0 },
        { x: 3, y: 4 },
        { x: 3, y: 10 },
      ]),
    ).toBe(11);
    expect(hasSignature([])).toBe(false);
    expect(hasSignature([[{ x: 5, y: 5 }], [{ x: 9, y: 9 }]])).toBe(false);
    expect(
      hasSignature([
        [
          { x: 0, y: 0 },
          { x: 30, y: 40 },
        ],
      ]),
    ).toBe(true);
    // Several short strokes add up.
    const dash = (x: number) => [
      { x, y: 0 },
      { x: x + 5, y: 0 },
    ];
    expect(hasSignature([dash(0), dash(10), dash(20)])).toBe(false);
    expect(hasSignature([dash(0), dash(10), dash(20), dash(30)])).toBe(true);
  });

  it('takes the PNG out of a data URL, and refuses anything else', () => {
    const png = btoa(
      String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72),
    );
    expect(pngBase64(`data:image/png;base64,${png}`)).toBe(png);
    expect(atob(pngBase64(`data:image/png;base64,${png}`) ?? '').slice(1, 4)).toBe('PNG');
    expect(pngBase64('data:,')).toBeNull();
    expect(pngBase64(`data:image/jpeg;base64,${png}`)).toBeNull();
    expect(pngBase64('data:image/png;base64,/9j/4AAQ')).toBeNull();
  });
});
