// Layer (a) on its own is the isolation kit's; this module keeps the benchmarks' import path.
export { assertTenantId, isBroken, ScopedPool, TenantBoundPool, type TenantDbMode } from '@bulkhead/tenancy';
