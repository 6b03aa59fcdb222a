import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

// The copy-paste detector `npm run lint` runs (jscpd with .jscpd.json) must be able to fail: two
// pages sharing a block of six or more lines are reported; a shared block shorter than that, and
// the import lines every page starts with, are not.

// jscpd's ES module build imports 'colors/safe' without an extension, which Node refuses; its
// CommonJS build is the one its CLI runs.
const { detectClones } = createRequire(import.meta.url)('jscpd') as typeof import('jscpd');

const config = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '.jscpd.json'), 'utf8')) as Record<string, unknown>;
const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-jscpd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IMPORTS = `import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { tenantPage } from '@/lib/auth/entry';
import { formatMoney } from '@/lib/money';
`;

/** A page whose body holds `shared` (lines of JSX), between lines of its own. */
function page(name: string, shared: string[]): string {
  return `${IMPORTS}
export default async function ${name}Page({ rows }: { rows: { id: string; name: string; total: number; currency: string }[] }) {
  const title = '${name} of this workspace';
  return (
    <Card>
      <CardHeader><CardTitle>{title}</CardTitle></CardHeader>
      <p className="lead-${name.toLowerCase()}">The ${name.toLowerCase()} you can see, newest first.</p>
${shared.join('\n')}
      <p className="${name.toLowerCase()}">{rows.length} ${name.toLowerCase()} in all</p>
    </Card>
  );
}
`;
}

const TABLE = [
  '      <Table>',
  '        <TableHeader><TableRow><TableHead>Name</TableHead><TableHead>Total</TableHead></TableRow></TableHeader>',
  '        <TableBody>',
  '          {rows.map((row) => (',
  '            <TableRow key={row.id}><TableCell><Link href={`/x/${row.id}`}>{row.name}</Link></TableCell>',
  '              <TableCell className="text-right tabular-nums">{formatMoney(row.total, row.currency)}</TableCell></TableRow>',
  '          ))}',
  '        </TableBody>',
  '      </Table>',
];

async function clonesBetween(shared: string[], folder: string): Promise<number> {
  const root = path.join(dir, folder);
  for (const name of ['Customers', 'Products']) {
    const file = path.join(root, 'app', name.toLowerCase(), 'page.tsx');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, page(name, shared));
  }
  const clones = await detectClones({ ...config, path: [root], reporters: [], silent: true, gitignore: false });
  return clones.length;
}

describe('copy-paste detector', () => {
  it('reports a block of six or more lines repeated between two pages', async () => {
    expect(await clonesBetween(TABLE, 'long')).toBeGreaterThan(0);
  });

  it('does not report shared imports or a shorter shared block', async () => {
    expect(await clonesBetween(TABLE.slice(0, 3), 'short')).toBe(0);
  });
});
