// The JSON in a model's answer, however it is wrapped.
import { describe, expect, it } from 'vitest';
import { extractJson } from './extract';

describe('the JSON in an answer', () => {
  it('is the whole answer when the answer is JSON', () => {
    expect(extractJson(' {"daily": [1, 2], "reason": "x"}\n')).toEqual({
      daily: [1, 2],
      reason: 'x',
    });
  });

  it('is found in ```json fences, with words around them', () => {
    const text =
      'Here is the adjusted forecast:\n```json\n{"daily": [3], "reason": "Timkat"}\n```\nHope this helps!';
    expect(extractJson(text)).toEqual({ daily: [3], reason: 'Timkat' });
    expect(extractJson('```\n{"ok": true}\n```')).toEqual({ ok: true });
  });

  it('is found in plain text, braces inside its strings and all', () => {
    const text =
      'Sure. {"reason": "a } brace and a \\" quote", "daily": [1]} That is all {not json}.';
    expect(extractJson(text)).toEqual({ reason: 'a } brace and a " quote', daily: [1] });
  });

  it('skips what a reasoning model thinks aloud first', () => {
    expect(extractJson('<think>maybe {"daily": [0]}?</think>\n{"daily": [7]}')).toEqual({
      daily: [7],
    });
  });

  it('is undefined when there is none, or it is cut off', () => {
    expect(extractJson('I cannot help with that.')).toBeUndefined();
    expect(extractJson('{"daily": [1, 2, 3')).toBeUndefined();
    expect(extractJson('')).toBeUndefined();
  });
});
