// Tests that cannot fail: an `it(...)`/`test(...)` whose body asserts nothing passes whatever
// the code does. A body asserts when it calls `expect`/`assert` (any form: expect.poll, assert.equal,
// expectTypeOf), or a helper known to assert: one of `assertionHelpers` below (shared test
// helpers that fail the test themselves), or a function of the same file whose own body asserts.
// Also refused: `expect(<literal>)` (expect(true) holds whatever the code does), and an
// `expect(x)` that names no matcher (it checks nothing), and an `expect(p).rejects...` or
// `expect.poll(...)` left without await (the test may end before it fails). A test that
// passes by not throwing says so with `expect(() => ...).not.toThrow()` or
// `await expect(...).resolves...`, so the reader sees what is checked. Run by `npm run lint`.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { checkedFolders, sourcesUnder } from './import-cycles';

/**
 * Shared test helpers that fail the test when what they check does not hold (read before adding
 * one: it must throw or call expect on every path that should fail).
 */
export const assertionHelpers: Readonly<Record<string, string>> = {
  // sync-server/testing/model-check.ts: expects the model's invariants after a run.
  runAndCheck: 'sync-server/testing/model-check.ts',
  // sync-server/testing/model-forge.ts: expects no forged event applied anywhere.
  expectNoForgeryAnywhere: 'sync-server/testing/model-forge.ts',
  // core/testing/damage.ts: throws unless the restore is refused with a DomainError.
  refusal: 'core/testing/damage.ts',
};

const testFile = /\.(test|spec)\.tsx?$/;
const testCallees = new Set(['it', 'test']);
/** Modifiers whose callback is still a test body (it.skip and it.todo are left alone). */
const runningModifiers = new Set(['only', 'concurrent', 'sequential', 'fails', 'each', 'for']);

export interface Finding {
  file: string;
  line: number;
  test: string;
  problem: string;
}

/** `it`, `it.only`, `it.skipIf(c)`, `it.each(t)`, `test.concurrent`, ...: a running test call. */
function isTestCall(callee: ts.Expression): boolean {
  if (ts.isIdentifier(callee)) return testCallees.has(callee.text);
  if (ts.isPropertyAccessExpression(callee)) {
    const name = callee.name.text;
    if (!runningModifiers.has(name) && name !== 'skipIf' && name !== 'runIf') return false;
    return isTestCall(callee.expression);
  }
  // it.skipIf(cond)(...), it.each(table)(...)
  if (ts.isCallExpression(callee)) return isTestCall(callee.expression);
  return false;
}

/** The identifier a call chain starts from: expect(x).toBe(y) -> expect; assert.equal -> assert. */
function rootName(expr: ts.Expression): string | null {
  let e: ts.Expression = expr;
  for (;;) {
    if (ts.isIdentifier(e)) return e.text;
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = e.expression;
    else if (ts.isCallExpression(e)) e = e.expression;
    else if (ts.isNonNullExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
    else if (ts.isAwaitExpression(e)) e = e.expression;
    else return null;
  }
}

const isAssertName = (name: string) =>
  name === 'expect' || name === 'assert' || name === 'expectTypeOf' || name === 'assertType';

/** Whether `node` contains a call to expect/assert or to one of `helpers`. */
function asserts(node: ts.Node, helpers: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n)) {
      const root = rootName(n.expression);
      if (root !== null && (isAssertName(root) || helpers.has(root))) {
        found = true;
        return;
      }
      // helper(x) called through a property, as in world.check(): its method name; and
      // fc.assert, which fails when its property returns false or throws.
      if (
        ts.isPropertyAccessExpression(n.expression) &&
        (helpers.has(n.expression.name.text) || n.expression.name.text === 'assert')
      ) {
        found = true;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** `for (const x of [a, b, c])`: a loop over a literal list that is not empty runs. */
const overLiteralList = (n: ts.ForOfStatement): boolean => {
  let e = n.expression;
  while (ts.isAsExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  return ts.isArrayLiteralExpression(e) && e.elements.length > 0;
};

/** Loops, branches and nested functions: an assertion inside one may never run. */
const mayNotRun = (n: ts.Node): boolean =>
  ts.isIfStatement(n) ||
  ts.isConditionalExpression(n) ||
  ts.isForStatement(n) ||
  (ts.isForOfStatement(n) && !overLiteralList(n)) ||
  ts.isForInStatement(n) ||
  ts.isWhileStatement(n) ||
  ts.isDoStatement(n) ||
  ts.isCatchClause(n) ||
  ts.isArrowFunction(n) ||
  ts.isFunctionExpression(n) ||
  ts.isFunctionDeclaration(n);

/** Whether `body` asserts outside any loop, branch or nested function (a check that surely runs). */
function assertsSurely(body: ts.Node, helpers: ReadonlySet<string>): boolean {
  const inner = ts.isArrowFunction(body) || ts.isFunctionExpression(body) ? body.body : body;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || mayNotRun(n)) return;
    if (ts.isCallExpression(n) && asserts(n, helpers) && directCall(n, helpers)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(inner);
  return found;
}

/** A call that asserts by itself (not only through a callback passed to it). */
function directCall(n: ts.CallExpression, helpers: ReadonlySet<string>): boolean {
  const root = rootName(n.expression);
  if (root !== null && (isAssertName(root) || helpers.has(root))) return true;
  return (
    ts.isPropertyAccessExpression(n.expression) &&
    (helpers.has(n.expression.name.text) || n.expression.name.text === 'assert')
  );
}

/** Functions of the file (declarations and const arrows) whose bodies assert, to a fixpoint. */
function localHelpers(source: ts.SourceFile, known: ReadonlySet<string>): Set<string> {
  const bodies = new Map<string, ts.Node>();
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name && n.body) bodies.set(n.name.text, n.body);
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.initializer &&
      (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))
    )
      bodies.set(n.name.text, n.initializer.body);
    if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name) && n.body)
      bodies.set(n.name.text, n.body);
    ts.forEachChild(n, visit);
  };
  visit(source);
  const helpers = new Set(known);
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, body] of bodies)
      if (!helpers.has(name) && asserts(body, helpers)) {
        helpers.add(name);
        grew = true;
      }
  }
  return helpers;
}

/**
 * `expect(x);`, `expect.poll(f);` or `expect(x).toBe;`: a statement that starts an expectation
 * and never calls a matcher.
 */
function matcherMissing(statement: ts.Expression): boolean {
  let e = statement;
  while (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  const isExpectCall = (c: ts.Expression) =>
    ts.isCallExpression(c) &&
    (ts.isIdentifier(c.expression)
      ? c.expression.text === 'expect'
      : ts.isPropertyAccessExpression(c.expression) &&
        ts.isIdentifier(c.expression.expression) &&
        c.expression.expression.text === 'expect');
  if (isExpectCall(e)) return true;
  // expect(x).not.toBe (never called): a property chain that ends in no call.
  if (!ts.isPropertyAccessExpression(e)) return false;
  let inner: ts.Expression = e;
  while (ts.isPropertyAccessExpression(inner)) inner = inner.expression;
  return isExpectCall(inner);
}

/** `expect(p).rejects.toThrow()` or `expect.poll(f).toBe(x)` as a statement, not awaited. */
function unawaited(statement: ts.Expression): boolean {
  if (!ts.isCallExpression(statement)) return false;
  let e: ts.Expression = statement;
  let async = false;
  for (;;) {
    if (ts.isCallExpression(e)) e = e.expression;
    else if (ts.isPropertyAccessExpression(e)) {
      const name = e.name.text;
      if (name === 'resolves' || name === 'rejects') async = true;
      if (name === 'poll' && ts.isIdentifier(e.expression) && e.expression.text === 'expect')
        return true;
      e = e.expression;
    } else return async && ts.isIdentifier(e) && e.text === 'expect';
  }
}

const isLiteral = (e: ts.Expression): boolean =>
  e.kind === ts.SyntaxKind.TrueKeyword ||
  e.kind === ts.SyntaxKind.FalseKeyword ||
  e.kind === ts.SyntaxKind.NullKeyword ||
  ts.isNumericLiteral(e) ||
  ts.isStringLiteral(e) ||
  ts.isNoSubstitutionTemplateLiteral(e);

/** What cannot fail in one test file's text. */
export function unfailingTests(
  file: string,
  text: string,
  helpers: Readonly<Record<string, string>> = assertionHelpers,
  options: { nested?: boolean } = {},
): Finding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const known = localHelpers(source, new Set(Object.keys(helpers)));
  const found: Finding[] = [];
  const lineOf = (n: ts.Node) => source.getLineAndCharacterOfPosition(n.getStart()).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isTestCall(node.expression)) {
      const [name, ...rest] = node.arguments;
      const body = rest.find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
      const test = name && ts.isStringLiteralLike(name) ? name.text : (name?.getText() ?? '?');
      if (body && !asserts(body, known))
        found.push({
          file,
          line: lineOf(node),
          test,
          problem: 'asserts nothing (no expect, assert or asserting helper)',
        });
      else if (body && options.nested && !assertsSurely(body, known))
        found.push({
          file,
          line: lineOf(node),
          test,
          problem: 'asserts only in loops, branches or callbacks (may run none of them)',
        });
    }
    if (ts.isExpressionStatement(node) && matcherMissing(node.expression))
      found.push({
        file,
        line: lineOf(node),
        test: '',
        problem: `${node.expression.getText().slice(0, 60)} names no matcher: it checks nothing`,
      });
    if (ts.isExpressionStatement(node) && unawaited(node.expression))
      found.push({
        file,
        line: lineOf(node),
        test: '',
        problem: `${node.expression.getText().slice(0, 60)} is not awaited: the test may end before it fails`,
      });
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const [subject] = node.arguments;
      if (node.expression.text === 'expect' && subject && isLiteral(subject))
        found.push({
          file,
          line: lineOf(node),
          test: '',
          problem: `expect(${subject.getText()}) holds whatever the code does`,
        });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function findUnfailingTests(root: string, options: { nested?: boolean } = {}): Finding[] {
  return [...checkedFolders, 'scripts']
    .flatMap((folder) => sourcesUnder(resolve(root, folder)))
    .filter((path) => testFile.test(path))
    .flatMap((path) =>
      unfailingTests(relative(root, path), readFileSync(path, 'utf8'), assertionHelpers, options),
    );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  // --nested: also lists tests whose every assertion sits in a loop, branch or callback, for a
  // person to read (a loop over a list that is never empty is fine); not part of lint.
  const nested = process.argv.includes('--nested');
  const all = findUnfailingTests(root, { nested });
  for (const f of all.filter((x) => x.problem.startsWith('asserts only')))
    console.log(`${f.file}:${f.line}: "${f.test}" ${f.problem}`);
  const findings = all.filter((x) => !x.problem.startsWith('asserts only'));
  for (const f of findings)
    console.error(`${f.file}:${f.line}: ${f.test ? `"${f.test}" ` : ''}${f.problem}`);
  if (findings.length > 0) {
    console.error(
      `${findings.length} test(s) that cannot fail. Assert what the test is about; a helper that ` +
        `asserts goes in assertionHelpers (scripts/test-assertions.ts).`,
    );
    process.exit(1);
  }
  console.log('test assertions: every test asserts');
}
