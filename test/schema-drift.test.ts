import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { DMMF } from '@prisma/generator-helper';
import { describe, expect, it } from 'vitest';

import { setupTestDatabase } from './db';
import { findDrift, readCatalog } from './drift';

const root = path.resolve(import.meta.dirname, '..');
const prismaCli = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');

/** Parses a schema.prisma with Prisma's own parser (through the datamodel generator). */
async function parseSchema(schemaText: string): Promise<DMMF.Datamodel> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-schema-'));
  const out = path.join(dir, 'out');
  const schema = schemaText.replace(/(generator datamodel \{[^}]*output\s*=\s*)"[^"]*"/, `$1"${out}"`);
  await writeFile(path.join(dir, 'schema.prisma'), schema);
  const result = spawnSync(
    process.execPath,
    [prismaCli, 'generate', '--schema', path.join(dir, 'schema.prisma'), '--generator', 'datamodel'],
    {
      cwd: root,
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: prismaCli, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`prisma generate failed:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(await readFile(path.join(out, 'datamodel.json'), 'utf8')) as DMMF.Datamodel;
}

describe('schema.prisma and the migrations', () => {
  const db = setupTestDatabase();

  it('describe the same tables, columns, types, keys, indexes and enums', async () => {
    const datamodel = await parseSchema(await readFile(path.join(root, 'prisma', 'schema.prisma'), 'utf8'));
    expect(datamodel.models.length).toBeGreaterThan(0);
    expect(findDrift(datamodel, await readCatalog(db.current.urls.migration))).toEqual([]);
  });

  it('disagree as soon as a column is added to schema.prisma only', async () => {
    const original = await readFile(path.join(root, 'prisma', 'schema.prisma'), 'utf8');
    const edited = original.replace(/(model Tenant \{\n)/, '$1  nickname String?\n');
    expect(edited).not.toBe(original);
    const drift = findDrift(await parseSchema(edited), await readCatalog(db.current.urls.migration));
    expect(drift).toEqual(['tenants.nickname is in schema.prisma (Tenant.nickname) but not in the database']);
  });
});
