import { defineConfig } from 'prisma/config';

// Prisma's own CLI (`prisma migrate status`, `migrate deploy`, `studio`) acts as the owner role, the
// one that runs migrations. The running app never reads this file. Bulkhead applies migrations with
// its own runner (the isolation kit's migrate(), @bulkhead/tenancy/admin) because Prisma 7's CLI needs a native engine download; the
// ledger it writes is Prisma's `_prisma_migrations`, so both tools agree on what is applied.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.MIGRATION_DATABASE_URL ?? '' },
});
