import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

// A benchmark that reports into another benchmark's file owns one marked section of it, so each
// can be re-run alone without erasing the other's figures: `npm run bench:report` keeps its summary
// in docs/benchmarks.md between <!-- section:report-at-scale --> markers.

const start = (id: string) => `<!-- section:${id} -->`;
const end = (id: string) => `<!-- /section:${id} -->`;
const SECTION = /<!-- section:([\w-]+) -->[\s\S]*?<!-- \/section:\1 -->\n?/g;

/** Puts `markdown` in `file` as section `id`: in place of the old one, or at the end. */
export async function upsertSection(file: string, id: string, markdown: string): Promise<void> {
  const block = `${start(id)}\n${markdown.trim()}\n${end(id)}\n`;
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  const existing = new RegExp(`${start(id)}[\\s\\S]*?${end(id)}\\n?`);
  const next = existing.test(text) ? text.replace(existing, block) : `${text.trimEnd()}\n\n${block}`;
  await writeFile(file, next);
}

/** The marked sections of `previous`, appended to `rendered` (which a benchmark wrote afresh). */
export function keepSections(previous: string, rendered: string): string {
  const sections = previous.match(SECTION) ?? [];
  return sections.length ? `${rendered.trimEnd()}\n\n${sections.map((s) => s.trimEnd()).join('\n\n')}\n` : rendered;
}
