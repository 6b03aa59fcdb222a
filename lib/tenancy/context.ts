// The app's vocabulary of a tenant context: plans, membership roles, kinds of actor. The context
// itself (AsyncLocalStorage, runInTenant) is the isolation kit's; lib/tenancy/index.ts hands these
// lists to it, and runInTenant refuses a context with a value outside them.
import type { TenantContext as KitTenantContext } from '@bulkhead/tenancy';

export { TenantContextMissingError, type Workload } from '@bulkhead/tenancy';

export const PLANS = ['free', 'pro', 'enterprise'] as const;
export const MEMBERSHIP_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export const ACTOR_KINDS = ['user', 'api_key', 'system', 'platform_admin'] as const;

export type Plan = (typeof PLANS)[number];
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];
export type ActorKind = (typeof ACTOR_KINDS)[number];

export type TenantContext = KitTenantContext<Plan, MembershipRole, ActorKind>;
