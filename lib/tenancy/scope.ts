// Layer (b) on its own, bound to the app's models (lib/tenancy/index.ts): for tests and
// benchmarks that compose it with a client of their own.
import { tenancy } from './index';

export { CrossTenantArgumentError } from '@bulkhead/tenancy';

/** Models with a tenantId column, read from the generated client (no hand-kept list). */
export const TENANT_MODELS = tenancy.tenantModels;
export const scopeArgs = tenancy.scopeArgs;
export const tenantScope = tenancy.tenantScope;
