/**
 * Checks that the built stylesheet has every Tailwind class the source uses.
 *
 * app/globals.css lists its sources by hand (`@source`), so a folder left off the list builds
 * without error and its classes silently have no CSS. After `npx next build`, this script:
 *   1. reads every .ts/.tsx file under app/, components/ and lib/ and splits it into candidate
 *      tokens (as Tailwind's own scanner does, anything between whitespace and quotes);
 *   2. compiles app/globals.css with Tailwind for those candidates, which keeps only the real
 *      utilities of this theme (tokens of prose or code generate nothing);
 *   3. looks for each of those utilities' selectors in the CSS files of .next/static.
 * It prints the classes missing from the build (with a file that uses each) and exits 1 if any is.
 *
 *   node --import tsx scripts/check-css-classes.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { compile } from 'tailwindcss';

const root = path.resolve(import.meta.dirname, '..');
const SOURCE_DIRS = ['app', 'components', 'lib'];

function walk(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'generated' ? [] : walk(full, keep);
    return keep(full) ? [full] : [];
  });
}

/** A class name as it appears in a selector: every character but letters, digits, - and _ escaped. */
export function selectorOf(className: string): string {
  return '.' + className.replace(/[^a-zA-Z0-9_-]/g, (char) => `\\${char}`);
}

/** Whether `css` has a selector for the class (not merely the same characters, as in `0.20`). */
function hasSelector(css: string, className: string): boolean {
  const escaped = selectorOf(className).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s,{}>+~(])${escaped}(?![a-zA-Z0-9_\\\\-])`).test(css);
}

async function utilitiesOf(candidates: Set<string>): Promise<Set<string>> {
  const tailwindDir = path.join(root, 'node_modules/tailwindcss');
  const compiler = await compile(readFileSync(path.join(root, 'app/globals.css'), 'utf8'), {
    base: path.join(root, 'app'),
    loadStylesheet: async (id: string, base: string) => {
      const file = id === 'tailwindcss' ? path.join(tailwindDir, 'index.css') : path.resolve(base, id);
      return { path: file, base: path.dirname(file), content: readFileSync(file, 'utf8') };
    },
  });
  const css = compiler.build([...candidates]);
  return new Set([...candidates].filter((candidate) => hasSelector(css, candidate)));
}

async function main() {
  const cssFiles = walk(path.join(root, '.next/static'), (file) => file.endsWith('.css'));
  if (cssFiles.length === 0) {
    console.error('No CSS under .next/static: run `npx next build` first.');
    process.exit(2);
  }
  const built = cssFiles.map((file) => readFileSync(file, 'utf8')).join('\n');

  const usedIn = new Map<string, string>();
  for (const dir of SOURCE_DIRS) {
    for (const file of walk(path.join(root, dir), (f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))) {
      for (const token of readFileSync(file, 'utf8').split(/[\s'"`]+/)) {
        if (token && !usedIn.has(token)) usedIn.set(token, path.relative(root, file));
      }
    }
  }

  const utilities = await utilitiesOf(new Set(usedIn.keys()));
  const missing = [...utilities].filter((utility) => !hasSelector(built, utility)).sort();
  console.log(`${utilities.size} classes used in ${SOURCE_DIRS.join('/, ')}/; ${cssFiles.length} built CSS file(s).`);
  if (missing.length > 0) {
    for (const utility of missing) console.log(`missing: ${utility}  (${usedIn.get(utility)})`);
    console.log(`${missing.length} class(es) missing from the built CSS: is their folder in app/globals.css's @source list?`);
    process.exit(1);
  }
  console.log('Every class is in the built CSS.');
}

await main();
