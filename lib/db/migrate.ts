// The migration runner is the isolation kit's: import it from @bulkhead/tenancy/admin. This
// re-export remains only while lib/settings/time-zones.test.ts imports it; delete it with that import.
export { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from '@bulkhead/tenancy/admin';
