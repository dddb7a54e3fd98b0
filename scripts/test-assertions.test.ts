import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findUnfailingTests, unfailingTests } from './test-assertions';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = (text: string, options: { nested?: boolean } = {}) =>
  unfailingTests('x.test.ts', text, undefined, options).map((f) => `${f.line}: ${f.problem}`);

describe('tests that cannot fail', () => {
  it('finds a test with no assertion, in every form a test is written', () => {
    const text = [
      `it('a', () => { run(); });`,
      `test('b', async () => { await page.getByText('x').waitFor(); });`,
      `it.skipIf(slow)('c', () => { run(); });`,
      `it.each([1, 2])('d %i', (n) => { run(n); });`,
      `describe('e', () => { it.only('f', function () { run(); }); });`,
    ].join('\n');
    expect(problems(text)).toEqual([
      '1: asserts nothing (no expect, assert or asserting helper)',
      '2: asserts nothing (no expect, assert or asserting helper)',
      '3: asserts nothing (no expect, assert or asserting helper)',
      '4: asserts nothing (no expect, assert or asserting helper)',
      '5: asserts nothing (no expect, assert or asserting helper)',
    ]);
  });

  it('takes expect, assert, fc.assert, known helpers and asserting helpers of the file', () => {
    const text = [
      `const same = (a, b) => { expect(a).toEqual(b); };`,
      `function twice(a) { same(a, a); }`,
      `it('a', () => { expect(1 + 1).toBe(2); });`,
      `it('b', async () => { await expect.poll(() => n()).toBe(3); });`,
      `it('c', () => { assert.equal(f(), 2); });`,
      `it('d', () => { fc.assert(fc.property(fc.nat(), (n) => n >= 0)); });`,
      `it('e', () => { twice(f()); });`,
      `it('f', async () => { await runAndCheck(w, t, ops); });`,
      `it('g', async () => { const e = await refusal(restore()); });`,
      `it.todo('h');`,
      `it.skip('i', () => { run(); });`,
    ].join('\n');
    expect(problems(text)).toEqual([]);
  });

  it('finds an expectation that checks nothing: a literal subject, no matcher, no await', () => {
    const text = [
      `it('a', () => { expect(true).toBe(true); });`,
      `it('b', () => { expect(f()); });`,
      `it('c', async () => { await expect.poll(() => f()); });`,
      `it('d', () => { expect(f()).toBeTruthy; });`,
      `it('e', () => { expect(load()).rejects.toThrow(/gone/); });`,
      `it('f', () => { expect.poll(() => n()).toBe(3); });`,
      `it('g', () => expect(load()).resolves.toBe(1));`,
    ].join('\n');
    expect(problems(text)).toEqual([
      '1: expect(true) holds whatever the code does',
      '2: expect(f()) names no matcher: it checks nothing',
      '3: await expect.poll(() => f()) names no matcher: it checks nothing',
      '4: expect(f()).toBeTruthy names no matcher: it checks nothing',
      '5: expect(load()).rejects.toThrow(/gone/) is not awaited: the test may end before it fails',
      '6: expect.poll(() => n()).toBe(3) is not awaited: the test may end before it fails',
    ]);
  });

  it('lists, when asked, tests that assert only where the check may never run', () => {
    const text = [
      `it('a', () => { for (const r of rows()) expect(r.ok).toBe(true); });`,
      `it('b', () => { if (flag) expect(f()).toBe(1); });`,
      `it('c', () => { emitter.on('x', () => expect(1 + 1).toBe(2)); });`,
      `it('d', () => { for (const n of [1, 2]) expect(f(n)).toBe(n); });`,
      `it('e', () => { for (const r of rows()) expect(r.ok).toBe(true); expect(rows()).not.toEqual([]); });`,
    ].join('\n');
    const nested = 'asserts only in loops, branches or callbacks (may run none of them)';
    expect(problems(text, { nested: true })).toEqual([
      `1: ${nested}`,
      `2: ${nested}`,
      `3: ${nested}`,
    ]);
    expect(problems(text)).toEqual([]);
  });

  it('finds none in this repository', () => {
    expect(findUnfailingTests(repoRoot)).toEqual([]);
  });
});
