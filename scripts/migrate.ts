import { parseArgs } from 'node:util';

import { DEFAULT_MIGRATION_CONCURRENCY } from '@bulkhead/tenancy/admin';

import { UsageError } from './db/control-plane';
import { openMigrationPlane } from './db/migration-plane';
import { migrateEveryPlacement, summarizeMigration } from './db/placements';

// `npm run db:migrate [-- --dry-run] [--concurrency 4] [--migrations prisma/migrations]`: applies
// prisma/migrations as the owner role to the control plane (public), then to every tenant schema
// (the migrations' placed sections) and every tenant database (whole files): a canary of each first,
// then the rest `--concurrency` at a time (docs/migrations.md). Exit code 1 when a placement failed;
// re-running continues where the run stopped.
//
// Where: MIGRATION_DATABASE_URL with OPS_DATABASE_URL, or the local development database.

function options() {
  try {
    return parseArgs({
      options: {
        'dry-run': { type: 'boolean', default: false },
        concurrency: { type: 'string', default: String(DEFAULT_MIGRATION_CONCURRENCY) },
        migrations: { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError(
      `${error instanceof Error ? error.message : String(error)} (options: --dry-run, --concurrency N, --migrations dir)`,
    );
  }
}

async function main(): Promise<number> {
  const values = options();
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError('--concurrency is a whole number from 1 to 64.');
  const started = performance.now();
  const control = await openMigrationPlane('db:migrate');
  try {
    const result = await migrateEveryPlacement(control.urls, {
      targets: control.targets,
      dryRun: values['dry-run'],
      concurrency,
      migrationsDir: values.migrations,
      log: (line) => console.log(line),
    });
    const summary = summarizeMigration(result, { dryRun: values['dry-run'], ms: performance.now() - started });
    (result.ok ? console.log : console.error)(summary.join('\n'));
    return result.ok ? 0 : 1;
  } finally {
    await control.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
