// Hand-copied code lists: outside the file that defines a list (error codes, update refusal
// codes, order statuses and steps, document kinds, branch kinds, roles), an array literal of that list's codes only, naming at least
// three of them and more than half the list. A copy drifts from its source (the renderer's copy
// of the error codes did); import the list from core/errors.ts or core/vocabulary.ts instead.
// A few codes picked for what they mean (the statuses an order may be cancelled in) are a use,
// not a copy, and pass. `npm run lint` runs this and fails on any copy it finds.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { serializedCodes, updateRefusalCodes } from '../core/errors';
import { branchKinds, documentKinds, orderStatuses, orderSteps, roles } from '../core/vocabulary';
import { checkedFolders, sourcesUnder } from './import-cycles';

export interface CodeList {
  name: string;
  /** Where the list is defined: the one file that may write its codes out. */
  home: string;
  codes: ReadonlySet<string>;
}

export const codeLists: readonly CodeList[] = [
  { name: 'error codes', home: 'core/errors.ts', codes: new Set(serializedCodes) },
  { name: 'update refusal codes', home: 'core/errors.ts', codes: new Set(updateRefusalCodes) },
  {
    name: 'order statuses and steps',
    home: 'core/vocabulary.ts',
    codes: new Set([...orderStatuses, ...orderSteps]),
  },
  { name: 'document kinds', home: 'core/vocabulary.ts', codes: new Set(documentKinds) },
  { name: 'branch kinds', home: 'core/vocabulary.ts', codes: new Set(branchKinds) },
  { name: 'roles', home: 'core/vocabulary.ts', codes: new Set(roles) },
];

/** Fewer codes than this in one array is never taken for a copy. */
export const MIN_CODES = 3;

const isCopy = (strings: readonly string[], list: CodeList): boolean => {
  const codes = new Set(strings);
  return (
    strings.every((s) => list.codes.has(s)) &&
    codes.size >= MIN_CODES &&
    codes.size * 2 > list.codes.size
  );
};

export interface CopiedList {
  file: string;
  line: number;
  list: string;
  codes: string[];
}

/** The array literals in one file's text that copy MIN_CODES or more codes of one list. */
export function copiedLists(
  file: string,
  text: string,
  lists: readonly CodeList[] = codeLists,
): CopiedList[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: CopiedList[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isArrayLiteralExpression(node)) {
      const strings = node.elements.flatMap((e) =>
        ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? [e.text] : [],
      );
      for (const list of lists) {
        if (list.home === file) continue;
        if (isCopy(strings, list))
          found.push({
            file,
            line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
            list: list.name,
            codes: [...new Set(strings)],
          });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function findCopiedLists(root: string): CopiedList[] {
  return checkedFolders
    .flatMap((folder) => sourcesUnder(resolve(root, folder)))
    .flatMap((path) => copiedLists(relative(root, path), readFileSync(path, 'utf8')));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const copies = findCopiedLists(root);
  for (const c of copies)
    console.error(`${c.file}:${c.line}: a copy of the ${c.list} (${c.codes.join(', ')})`);
  if (copies.length > 0) {
    console.error(
      `${copies.length} hand-copied code list(s). Import the list (or filter it) from ${[...new Set(codeLists.map((l) => l.home))].join(' or ')}.`,
    );
    process.exit(1);
  }
  console.log('code lists: no copies');
}
