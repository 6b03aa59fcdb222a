// @bulkhead/tenancy/admin — what runs with more than the runtime role: provisioning a database and
// its four roles (superuser), migrations (owner), and the kit's SQL for an app's first migration.
// Never import it from code the running app serves requests with.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export {
  dropDatabase,
  dropRoles,
  provisionDatabase,
  urlFor,
  type DatabaseUrls,
  type ProvisionedDatabase,
  type ProvisionOptions,
} from './provision';
export {
  checksumOf,
  DEFAULT_MIGRATIONS_DIR,
  migrate,
  migrateWith,
  MigrationError,
  placedSqlOf,
  readMigrations,
  type MigrateOptions,
  type MigrateResult,
  type MigrationFile,
  type MigrationScope,
} from './migrate';
export {
  DEFAULT_MIGRATION_CONCURRENCY,
  describePlacement,
  migratePlacements,
  PLACEMENTS_LOCK,
  type MigratePlacementsOptions,
  type MigratePlacementsResult,
  type PlacementOutcome,
  type PlacementState,
  type PlacementTarget,
  type TenantPlacement,
} from './migrate-placements';
export { describeStatus, placementStatus, type PlacementStatus, type PlacementStatusOptions } from './migrate-status';
export { assertIdentifier, ROLE_KINDS, rolesFor, type DatabaseRoles, type RoleKind } from './roles';
export { createTenantSchema, dropTenantSchema, type TenantSchemaOptions } from './tiers';
export {
  captureTriggerNames,
  deleteTenantRows,
  installCapture,
  MOVE_LOCK_CLASS,
  MOVE_STEPS,
  MoveError,
  moveTenant,
  removeCapture,
  retireSource,
  TENANT_MOVING_SQLSTATE,
  type MoveOptions,
  type MoveResult,
  type MoveSide,
  type MoveStep,
  type MoveSummary,
  type TableCheck,
} from './move';

/** The kit's SQL files, in the order an app's migrations must contain them. */
export const TENANCY_SQL_FILES = {
  /** The `bulkhead` schema, role(), uuid_v7(), enable_tenant_isolation(): the top of the first migration. */
  tenancy: fileURLToPath(new URL('../sql/tenancy.sql', import.meta.url)),
  /** bulkhead.current_tenant_id(), the default of every tenant_id column. */
  currentTenant: fileURLToPath(new URL('../sql/current-tenant.sql', import.meta.url)),
} as const;

/**
 * The kit's SQL without the files' leading comments, by file: what an app's migrations must
 * contain verbatim (a drift test can check `migration.includes(sql)`).
 */
export function tenancySql(): Record<keyof typeof TENANCY_SQL_FILES, string> {
  const body = (file: string) => {
    const text = readFileSync(file, 'utf8');
    return text.replace(/^(--[^\n]*\n)+\n/, '');
  };
  return { tenancy: body(TENANCY_SQL_FILES.tenancy), currentTenant: body(TENANCY_SQL_FILES.currentTenant) };
}
