import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorCodes, updateRefusalCodes } from '../core/errors';
import { branchKinds, orderStatuses } from '../core/vocabulary';
import { copiedLists, findCopiedLists } from './code-lists';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const quoted = (codes: readonly string[]) => codes.map((c) => `'${c}'`).join(', ');

describe('hand-copied code lists', () => {
  it('finds a copy of the order statuses, of the error codes, and one missing a code', () => {
    const text = [
      `export const statuses = [${quoted(orderStatuses)}] as const;`,
      `const known = new Set([${quoted(errorCodes)}]);`,
      `const drifted = [${quoted(orderStatuses.slice(1))}];`,
    ].join('\n');
    expect(copiedLists('renderer/src/x.ts', text)).toEqual([
      expect.objectContaining({ line: 1, list: 'order statuses and steps' }),
      expect.objectContaining({ line: 2, list: 'error codes' }),
      expect.objectContaining({ line: 3, list: 'order statuses and steps' }),
    ]);
  });

  it('finds a copy of the update refusal codes and of the branch kinds', () => {
    const text = [
      `const why = [${quoted(updateRefusalCodes)}];`,
      `const kinds = [${quoted(branchKinds)}] as const;`,
    ].join('\n');
    expect(copiedLists('electron/ops/x.ts', text)).toEqual([
      expect.objectContaining({ line: 1, list: 'update refusal codes' }),
      expect.objectContaining({ line: 2, list: 'branch kinds' }),
    ]);
  });

  it('lets a few codes picked for their meaning pass, and strings that only look like codes', () => {
    const text = [
      `const allowed = ['placed', 'slip_attached', 'payment_verified'] as const;`,
      `const sessionLost = ['SESSION_EXPIRED', 'UNAUTHENTICATED', 'ACCOUNT_DISABLED'];`,
      // Usernames, some of which are also role names.
      `const users = ['admin', 'factory', 'shop1', 'finance', 'driver', 'customer'];`,
    ].join('\n');
    expect(copiedLists('core/x.ts', text)).toEqual([]);
  });

  it('lets the file that defines a list write it out', () => {
    const text = `export const orderStatuses = [${quoted(orderStatuses)}] as const;`;
    expect(copiedLists('core/vocabulary.ts', text)).toEqual([]);
  });

  it('finds no copy in this repository', () => {
    expect(findCopiedLists(repoRoot)).toEqual([]);
  });
});
