// The migration runner is the isolation kit's (@bulkhead/tenancy/admin); this module keeps the
// scripts' import path. Bulkhead's migrations are prisma/migrations, the runner's default.
export {
  checksumOf,
  DEFAULT_MIGRATIONS_DIR,
  migrate,
  MigrationError,
  readMigrations,
  type MigrateOptions,
  type MigrateResult,
  type MigrationFile,
} from '@bulkhead/tenancy/admin';
