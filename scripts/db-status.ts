import { parseArgs } from 'node:util';

import { openMigrationPlane } from './db/migration-plane';
import { reportStatus, statusOfEveryPlacement } from './db/placements';

// `npm run db:status [-- --migrations prisma/migrations]`: every placement — the control plane and
// its shared tenants, each tenant schema, each tenant database — with its version (the latest
// migration its ledger records), its pending migrations and any drift: an edited migration, a ledger
// entry no file matches, an unfinished migration, a tenant schema whose placed tables differ from
// public's (docs/migrations.md). Read only.
//
// Exit code 0 when every placement is up to date without drift, 1 otherwise (a deploy gate), 2 when
// it could not run. Where: MIGRATION_DATABASE_URL with OPS_DATABASE_URL, or the local database.

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { migrations: { type: 'string' } } });
  const control = await openMigrationPlane('db:status');
  try {
    const { shared, statuses } = await statusOfEveryPlacement(control.urls, { targets: control.targets, migrationsDir: values.migrations });
    const { lines, ready } = reportStatus(shared, statuses);
    console.log(lines.join('\n'));
    return ready ? 0 : 1;
  } finally {
    await control.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`db:status could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
