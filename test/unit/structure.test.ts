/**
 * The dependency rules of ARCHITECTURE.md → "Dependency rules", checked on the imports of the
 * sources as they are, so a change that breaks one fails here rather than in a review.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '../..');
/** The folders the rules speak of; test/ only imports, nothing imports it. */
const sourceRoots = ['app', 'server', 'workers', 'lib', 'models', 'bench', 'harness'];

interface Import {
  /** Repository-relative path of the imported file. */
  to: string;
  /** `import type`, or every name imported as a type: erased at run time. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const abs = path.join(root, dir);
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((f) => !f.split(path.sep).includes('node_modules'));
}

function importsOf(file: string): Import[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const allTypes = !!clause && !clause.name && !!named?.length && named.every((e) => e.isTypeOnly);
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: !!clause?.isTypeOnly || allTypes });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly || (!!named?.length && named.every((e) => e.isTypeOnly)) });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.map(({ specifier, typeOnly }) => ({
    to: specifier.startsWith('.') ? path.normalize(path.join(path.dirname(file), specifier)) : specifier,
    typeOnly,
  }));
}

const files = sourceRoots.flatMap(sourceFiles);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const testFiles = sourceFiles('test');
const under = (file: string, dir: string) => file === dir || file.startsWith(`${dir}/`);

function violations(from: (f: string) => boolean, bad: (i: Import) => boolean, among = files): string[] {
  return among.filter(from).flatMap((f) => (graph.get(f) ?? importsOf(f)).filter(bad).map((i) => `${f} → ${i.to}`));
}

describe('dependency rules', () => {
  it('reads the sources', () => {
    assert.ok(files.length > 100, `only ${files.length} source files found under ${sourceRoots.join(', ')}`);
  });

  it('server/ does not import workers/: both are entry points over lib/', () => {
    assert.deepEqual(violations((f) => under(f, 'server'), (i) => under(i.to, 'workers')), []);
  });

  it('app/ imports nothing from lib/ but the browser-safe contracts', () => {
    assert.deepEqual(violations((f) => under(f, 'app'), (i) => under(i.to, 'lib') && !under(i.to, 'lib/contracts')), []);
  });

  it('the contracts import no node-only code at run time', () => {
    const reached = new Set<string>();
    const queue = files.filter((f) => under(f, 'lib/contracts'));
    const outside: string[] = [];
    while (queue.length) {
      const f = queue.pop()!;
      if (reached.has(f)) continue;
      reached.add(f);
      for (const i of graph.get(f) ?? []) {
        if (i.typeOnly) continue;
        if (graph.has(i.to)) queue.push(i.to);
        else if (i.to !== 'zod') outside.push(`${f} → ${i.to}`);
      }
    }
    assert.deepEqual(outside, []);
    for (const f of reached) assert.ok(!under(f, 'lib/store') && !under(f, 'lib/bus') && !under(f, 'server'), `${f} is reached from lib/contracts`);
  });

  it('nothing imports bench/ or test/, and only bench/ and test/ import harness/', () => {
    const intoTests = (i: Import) => under(i.to, 'test') || under(i.to, 'bench');
    assert.deepEqual(violations((f) => !under(f, 'bench'), intoTests), []);
    assert.deepEqual(violations((f) => under(f, 'bench'), (i) => under(i.to, 'test')), []);
    assert.deepEqual(violations((f) => !under(f, 'bench') && !under(f, 'harness'), (i) => under(i.to, 'harness')), []);
    assert.deepEqual(violations(() => true, (i) => under(i.to, 'bench'), testFiles), []);
  });

  it('has no import cycles among app, server, workers, lib and models (type imports included)', () => {
    const runtime = files.filter((f) => ['app', 'server', 'workers', 'lib', 'models'].some((d) => under(f, d)));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const walk = (f: string, trail: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const i of graph.get(f) ?? []) if (graph.has(i.to)) walk(i.to, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of runtime) walk(f, []);
    assert.deepEqual(cycles, []);
  });
});
