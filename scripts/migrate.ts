import { parseArgs } from 'node:util';

import { migrate, MigrationError } from '@bulkhead/tenancy/admin';

import { openLocalDatabase } from './db/local';

// `npm run db:migrate [-- --dry-run] [--schema name]`: applies prisma/migrations as the owner role
// from MIGRATION_DATABASE_URL, or to the local development database when that is not set.

const { values } = parseArgs({
  options: { 'dry-run': { type: 'boolean', default: false }, schema: { type: 'string' } },
});

async function main() {
  let connectionString = process.env.MIGRATION_DATABASE_URL;
  let stop = async () => {};
  if (!connectionString) {
    const local = await openLocalDatabase(() => {}, { migrate: false });
    connectionString = local.urls.migration;
    stop = async () => local.cluster?.stop();
  }
  try {
    const result = await migrate({ connectionString, schema: values.schema, dryRun: values['dry-run'], log: console.log });
    if (values['dry-run']) console.log(result.pending.length ? `${result.pending.length} migration(s) pending.` : 'Nothing to apply.');
    else console.log(result.applied.length ? `Applied ${result.applied.length} migration(s).` : 'Database schema is up to date.');
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof MigrationError || error instanceof Error ? error.message : String(error));
  process.exit(1);
});
