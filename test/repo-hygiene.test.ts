import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Two promises the repository makes about itself, checked on every run:
//  1. The environment is documented in one table (README.md) and one template (.env.example), and
//     the two list the same variables — every one lib/env.ts validates among them.
//  2. The repository stands alone: every docs/… path and every *.md file named in its code and
//     documents exists in it.

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const VARIABLE = /^[A-Z][A-Z0-9_]*$/;

/** The variables named in the first column of the README's environment table. */
function readmeVariables(readme: string): string[] {
  const lines = readme.split('\n');
  const heading = lines.findIndex((line) => /^## Environment\b/.test(line));
  expect(heading, 'README.md has an "## Environment" section').toBeGreaterThanOrEqual(0);
  const names: string[] = [];
  for (const line of lines.slice(heading + 1)) {
    if (line.startsWith('## ')) break;
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1];
    if (!firstCell) continue;
    for (const [, name] of firstCell.matchAll(/`([^`]+)`/g)) if (VARIABLE.test(name!)) names.push(name!);
  }
  return names;
}

/** The variables .env.example assigns, commented out or not. */
function exampleVariables(example: string): string[] {
  return [...example.matchAll(/^#?[ \t]*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!);
}

/** The keys of the object schema lib/env.ts validates the environment with. */
function envSchemaKeys(source: string): string[] {
  const file = ts.createSourceFile('env.ts', source, ts.ScriptTarget.Latest, true);
  const keys: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'object' &&
      node.arguments[0] &&
      ts.isObjectLiteralExpression(node.arguments[0])
    ) {
      for (const property of node.arguments[0].properties) {
        if (property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) keys.push(property.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return keys;
}

const missingFrom = (have: readonly string[], wanted: readonly string[]) => wanted.filter((name) => !have.includes(name));

describe('the environment is documented in one table and one template', () => {
  const table = readmeVariables(read('README.md'));
  const example = exampleVariables(read('.env.example'));

  it('finds variables in both', () => {
    expect(table.length).toBeGreaterThan(0);
    expect(example.length).toBeGreaterThan(0);
  });

  it('.env.example lists every variable of the README table', () => {
    expect(missingFrom(example, table), 'add these to .env.example').toEqual([]);
  });

  it('the README table lists every variable of .env.example', () => {
    expect(missingFrom(table, example), "add these to README.md's environment table").toEqual([]);
  });

  it('lists each variable once', () => {
    const twice = (names: string[]) => names.filter((name, i) => names.indexOf(name) !== i);
    expect(twice(table), 'README table').toEqual([]);
    expect(twice(example), '.env.example').toEqual([]);
  });

  it("documents every variable lib/env.ts validates (NODE_ENV is the runtime's own)", () => {
    const keys = envSchemaKeys(read('lib/env.ts'));
    expect(keys).toContain('DATABASE_URL');
    const documented = keys.filter((key) => key !== 'NODE_ENV');
    expect(missingFrom(table, documented), "add these to README.md's environment table").toEqual([]);
    expect(missingFrom(example, documented), 'add these to .env.example').toEqual([]);
  });
});

// ─── References to documents ─────────────────────────────────────────────────────────────────────

const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  '.git',
  '.next',
  '.e2e',
  '.data',
  '.scratch',
  'coverage',
  'test-results',
  'playwright-report',
  'blob-report',
]);
const GENERATED = [path.join('lib', 'db', 'generated')];
const SCANNED = /\.(ts|tsx|mjs|md)$/;

function scannedFiles(directory = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, directory), { withFileTypes: true })) {
    const relative = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name) && !GENERATED.includes(relative)) files.push(...scannedFiles(relative));
    } else if (SCANNED.test(entry.name)) {
      files.push(relative);
    }
  }
  return files;
}

// A path to a markdown file (`docs/tenant-client.md`, `../README.md`, `docs/accounts.md#sign-in-throttling`),
// or any path under docs/ (`docs/screenshots/orders.png`). Not a web address, and not a route
// such as /docs/api (preceded by a slash or a word character).
const MARKDOWN_PATH = /(?<![\w/.-])(?:\.{1,2}\/)*[\w-][\w./-]*\.md\b/g;
const DOCS_PATH = /(?<![\w/.-])docs\/[\w./-]*[\w]/g;

interface Reference {
  file: string;
  line: number;
  target: string;
}

function references(file: string): Reference[] {
  const found: Reference[] = [];
  read(file)
    .split('\n')
    .forEach((text, index) => {
      for (const pattern of [MARKDOWN_PATH, DOCS_PATH]) {
        for (const match of text.matchAll(pattern)) {
          const start = match.index;
          // Skip web addresses: the token the match sits in contains "://".
          const tokenStart = text.slice(0, start).search(/\S*$/);
          if (text.slice(tokenStart, start + match[0].length).includes('://')) continue;
          found.push({ file, line: index + 1, target: match[0].replace(/\.$/, '') });
        }
      }
    });
  return found;
}

/**
 * A reference resolves against the repository root; as markdown links do, against the file's own
 * folder; or against docs/, where the benchmarks write the pages that link to one another.
 */
const resolves = ({ file, target }: Reference) =>
  [ROOT, path.join(ROOT, path.dirname(file)), path.join(ROOT, 'docs')].some((base) => existsSync(path.join(base, target)));

describe('the repository stands alone', () => {
  const files = scannedFiles();

  it('scans the code and the documents', () => {
    expect(files).toContain('README.md');
    expect(files).toContain(path.join('lib', 'env.ts'));
    expect(files.some((file) => file.startsWith(`docs${path.sep}`))).toBe(true);
  });

  it('finds a reference that does not resolve, and passes one that does (the check itself)', () => {
    const missing = ['docs', `no-such-page-${process.pid}.md`].join('/');
    expect(resolves({ file: 'README.md', target: missing, line: 1 })).toBe(false);
    // A link from one page of docs/ to another, relative to its own folder.
    const sibling = ['report-benchmark', 'md'].join('.');
    expect(resolves({ file: 'docs/benchmarks.md', target: sibling, line: 1 })).toBe(true);
    expect(references('README.md').length).toBeGreaterThan(0);
  });

  it('every docs/… path and *.md file named in a .ts, .tsx, .mjs or .md file exists', () => {
    const dangling = files
      .flatMap(references)
      .filter((reference) => !resolves(reference))
      .map(({ file, line, target }) => `${file}:${line} ${target}`);
    expect([...new Set(dangling)], 'these name documents that are not in the repository').toEqual([]);
  });
});
