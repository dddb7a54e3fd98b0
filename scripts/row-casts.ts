// Rows cast with `as`: a row is outside data to the compiler (SQL text it cannot read), and a cast
// says "trust me" where a drizzle query (typed by core/db/schema.ts) or a zod parse would check.
// This fails on an `as T` or `<T>` assertion applied to a row-returning call (`.get(…)`,
// `.all(…)`, `.iterate(…)`, pg's `.query(…)` and its `.rows`), or to a variable or callback
// parameter holding one, outside the allowed files below. `npm run lint` runs it.
//
// Names are resolved by TypeScript's binder (a program with no lib and no imports resolved), so
// `const rows = stmt.all(); rows as X[]` and `stmt.all().map((r) => r as X)` are found without
// the cost of type checking the repository. `as unknown`, `as const` and `satisfies` are no casts
// of a row's shape and pass; `as unknown as T` does not. Tests and testing/ folders are checked
// too: a cast there hides a renamed column as well as it does in product code, and db.orm or
// core/db/rows.ts's parseRows read a row in a test as briefly.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { checkedFolders, sourcesUnder } from './import-cycles';

/**
 * Files that may still cast rows, each with its reason. A hot path stays raw SQL only where
 * `npm run bench` shows drizzle is slower, with a comment at the query saying by how much.
 */
export const allowedFiles: Readonly<Record<string, string>> = {
  'core/sync/apply.ts': 'hot path: event apply during sync catch-up, see the comment at its SQL',
  'core/auth/branch-sessions.ts':
    'hot path: the sign-in check every call on a PC makes, npm run bench stock.balance',
  'core/orders/events.ts': 'hot path: order projections during sync catch-up',
  'core/orders/status.ts': 'hot path: loadOrder, run by every order projection',
  'core/production/events.ts': 'hot path: production projections during sync catch-up',
  'core/stock/ledger.ts': 'hot path: balanceOf, npm run bench stock.balance and projections',
  'sync-server/store/sqlite.ts': 'hot path: push ingest and pull, see npm run bench:sync',
};

/** Folders that may cast rows, each with its reason. */
export const allowedFolders: Readonly<Record<string, string>> = {
  'core/bench/':
    'benchmarks: raw SQL is what they measure against (the raw floors, the seeder), and they read plans and pragmas',
  'sync-server/bench/':
    'benchmarks: raw SQL is what they measure against (the raw apply floor copies rows by table)',
};

export const allowedReason = (file: string): string | undefined =>
  allowedFiles[file] ??
  Object.entries(allowedFolders).find(([prefix]) => file.startsWith(prefix))?.[1];

const rowMethods = new Set(['get', 'all', 'iterate', 'query']);

export interface RowCast {
  file: string;
  line: number;
  text: string;
}

/** Parentheses, `!`, `await`, `satisfies` and `as unknown` keep the value a row. */
function strip(node: ts.Expression): ts.Expression {
  for (;;) {
    if (
      ts.isParenthesizedExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isAwaitExpression(node) ||
      ts.isSatisfiesExpression(node)
    )
      node = node.expression;
    else if (
      (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) &&
      node.type.kind === ts.SyntaxKind.UnknownKeyword
    )
      node = node.expression;
    else return node;
  }
}

const isRowCall = (node: ts.Expression): boolean => {
  const e = strip(node);
  if (ts.isCallExpression(e)) {
    const callee = e.expression;
    return ts.isPropertyAccessExpression(callee) && rowMethods.has(callee.name.text);
  }
  // pg: `(await pool.query(…)).rows`, `result.rows`.
  return ts.isPropertyAccessExpression(e) && e.name.text === 'rows';
};

/** A variable initialised by a row-returning call, or a parameter of a callback over rows. */
function holdsRows(id: ts.Identifier, checker: ts.TypeChecker): boolean {
  const declaration = checker.getSymbolAtLocation(id)?.valueDeclaration;
  if (!declaration) return false;
  if (ts.isVariableDeclaration(declaration))
    return declaration.initializer !== undefined && isRowCall(declaration.initializer);
  if (ts.isParameter(declaration)) {
    const fn = declaration.parent;
    const call = fn.parent;
    return (
      (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
      ts.isCallExpression(call) &&
      call.arguments.includes(fn) &&
      ts.isPropertyAccessExpression(call.expression) &&
      (isRowCall(call.expression.expression) ||
        (ts.isIdentifier(strip(call.expression.expression)) &&
          holdsRows(strip(call.expression.expression) as ts.Identifier, checker)))
    );
  }
  return false;
}

function isCastOfRows(node: ts.AsExpression | ts.TypeAssertion, checker: ts.TypeChecker): boolean {
  if (node.type.kind === ts.SyntaxKind.UnknownKeyword) return false;
  if (ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === 'const') return false;
  const e = strip(node.expression);
  if (isRowCall(e)) return true;
  return ts.isIdentifier(e) && holdsRows(e, checker);
}

/** The row casts in the given files (paths as given, texts read by `read`). */
export function rowCasts(
  files: readonly string[],
  read: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): RowCast[] {
  const options: ts.CompilerOptions = { noLib: true, noResolve: true, types: [], allowJs: false };
  const host = ts.createCompilerHost(options);
  host.readFile = read;
  host.fileExists = (file) => files.includes(file);
  host.getSourceFile = (file, target) =>
    files.includes(file) ? ts.createSourceFile(file, read(file), target, true) : undefined;
  const program = ts.createProgram({ rootNames: files, options, host });
  const checker = program.getTypeChecker();
  const found: RowCast[] = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const visit = (node: ts.Node): void => {
      if (
        (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) &&
        isCastOfRows(node, checker)
      )
        found.push({
          file,
          line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
          text: node.getText().replace(/\s+/g, ' ').slice(0, 100),
        });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** The row casts in the repository outside the allowed files, and allowed files with none. */
export function checkRowCasts(root: string): { casts: RowCast[]; stale: string[] } {
  const paths = checkedFolders.flatMap((folder) => sourcesUnder(resolve(root, folder)));
  const all = rowCasts(paths).map((c) => ({ ...c, file: relative(root, c.file) }));
  const withCasts = new Set(all.map((c) => c.file));
  return {
    casts: all.filter((c) => allowedReason(c.file) === undefined),
    stale: Object.keys(allowedFiles).filter((f) => !withCasts.has(f)),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { casts, stale } = checkRowCasts(root);
  for (const file of stale)
    console.warn(`row casts: ${file} casts no rows now; take it off allowedFiles.`);
  for (const c of casts) console.error(`${c.file}:${c.line}: a row cast with as: ${c.text}`);
  if (casts.length > 0) {
    console.error(
      `${casts.length} row cast(s). Read with drizzle (db.orm.select()…, typed by core/db/schema.ts) or parse the row with zod; see scripts/row-casts.ts.`,
    );
    process.exit(1);
  }
  console.log('row casts: none outside the allowed files');
}
