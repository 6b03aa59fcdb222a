// @bulkhead/tenancy — the public entry. Everything an app may import is exported here or from the
// subpaths declared in package.json ("./admin", "./audit", "./server", "./eslint"); the files
// behind them are internal and the kit's lint preset refuses deep imports.

export { createTenancy, type ContextInput, type Tenancy, type TenancyDefinition } from './tenancy';
export {
  currentTenant,
  currentTransaction,
  maybeCurrentTenant,
  TenantContextMissingError,
  WORKLOADS,
  type TenantContext,
  type Workload,
} from './context';
export {
  busyMessage,
  StatementTimeoutError,
  statementTimeoutMessage,
  TENANT_MOVING_MESSAGE,
  TenancyError,
  TenantBusyError,
  TenantMovingError,
} from './errors';
export { CrossTenantArgumentError, ownRow, related, tenantModelsOf, type GlobalScope, type PrismaNamespace } from './scope';
export {
  DEFAULT_RESERVED_CONNECTIONS,
  isStatementTimeout,
  isTenantMoving,
  type BusyEvent,
  type KeyHelper,
  type ForTenantTerms,
  type LeaseEvent,
  type PrismaClientLike,
  type Route,
  type StatementTimeoutEvent,
  type TenantClient,
  type TenantClientFactory,
  type TenantClientFactoryOptions,
  type TenantPolicy,
  type TenantPolicyOverride,
  type TenantTransaction,
} from './client';
export { FairShare, type FairShareOptions } from './fair-share';
export {
  assertPlacement,
  PLACEMENT_TIERS,
  placementLabel,
  PlacementPools,
  sameDatabase,
  schemaRewriter,
  SHARED_PLACEMENT,
  type DedicatedDatabases,
  type Placement,
  type PlacementTier,
} from './placement';
// Layer (a) on its own, for tests, benchmarks and drivers of your own.
export { pipelined, SET_TENANT_AND_TIMEOUT_SQL, SET_TENANT_SQL, WRITE_FAILED, type PipelineStatement } from './pipeline';
export {
  assertTenantId,
  isBroken,
  ScopedPool,
  searchPathOf,
  TenantBoundPool,
  type Binding,
  type Checkout,
  type ConnectionSource,
  type TenantDbMode,
} from './tenant-pool';
export { definerGateway, type DefinerGateway, type DefinerGatewayOptions } from './definer';
export { assertIdentifier, ROLE_KINDS, rolesFor, type DatabaseRoles, type RoleKind } from './roles';
