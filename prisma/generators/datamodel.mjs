#!/usr/bin/env node
// A tiny Prisma generator that writes the parsed data model (DMMF) as JSON, so the schema-drift
// test can compare schema.prisma with the migrated database using Prisma's own parser instead of
// a hand-written one.
import fs from 'node:fs';
import path from 'node:path';

import helper from '@prisma/generator-helper';

const { generatorHandler } = helper;

generatorHandler({
  onManifest: () => ({ prettyName: 'Data model JSON (for the drift test)', defaultOutput: './datamodel' }),
  onGenerate: async (options) => {
    const output = options.generator.output?.value;
    if (!output) throw new Error('datamodel generator: no output path');
    fs.mkdirSync(output, { recursive: true });
    fs.writeFileSync(path.join(output, 'datamodel.json'), JSON.stringify(options.dmmf.datamodel, null, 2));
  },
});
