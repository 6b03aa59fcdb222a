import { AsyncLocalStorage } from 'node:async_hooks';

import type { Placement } from './placement';

// The tenant context of one unit of work (a request, a server action, a job): who acts, in which
// tenant, with which role and plan. It is opened once per entry point by `runInTenant` — never from
// a parameter a caller could get wrong — and read by the tenant client, the app's audit helper and
// its logger.
//
// AsyncLocalStorage does not flow from a layout into its pages or into streamed children in
// Next.js, so every entry (page, server action, route handler) opens the context itself, rather
// than relying on an outer component.

/**
 * What kind of work runs: `interactive` (a page, an action, an API request — someone is waiting)
 * or `batch` (jobs, imports, exports, tenant moves). It picks the statement timeout.
 */
export type Workload = 'interactive' | 'batch';
export const WORKLOADS: readonly Workload[] = ['interactive', 'batch'];

/**
 * One unit of work's tenant context. `Plan`, `Role` and `Actor` are the app's own vocabularies
 * (given to createTenancy); the kit only reads `tenantId`, `plan`, `workload` and `requestId`.
 */
export interface TenantContext<Plan extends string = string, Role extends string = string, Actor extends string = string> {
  tenantId: string;
  /** Who acts: a user id, an API key id, or undefined for the system. */
  actorId?: string;
  actorType: Actor;
  /** A human label for audit lines (email, key name). */
  actorLabel?: string;
  role?: Role;
  /** The tenant's plan: its share of the connection pool and its statement timeout. */
  plan?: Plan;
  /** Interactive unless said otherwise. */
  workload?: Workload;
  /** Where the tenant's data lives (resolved with the membership); shared when absent. */
  placement?: Placement;
  requestId: string;
}

export interface ContextStore extends TenantContext {
  /** The open interactive transaction, so nested work joins it instead of opening another. */
  transaction?: unknown;
  /** Where that transaction runs (placementLabel(): `shared`, `schema:t_…`, `database:…`). */
  transactionPlacement?: string;
  /** Which route opened it: tenantDb() ('tenant') or controlPlaneDb() ('control'). */
  transactionRoute?: 'tenant' | 'control';
}

// One store per process, not per module instance: Next.js bundles a module once per route, and the
// tenant clients are cached process-wide, so a client built by one route's bundle must see the
// context another route's bundle opened.
const STORAGE = Symbol.for('@bulkhead/tenancy.storage');
const globalForContext = globalThis as unknown as { [STORAGE]?: AsyncLocalStorage<ContextStore> };
export const tenantStorage = (globalForContext[STORAGE] ??= new AsyncLocalStorage<ContextStore>());

export class TenantContextMissingError extends Error {
  constructor(what = 'tenant data') {
    super(
      `No tenant context: ${what} can only be used inside runInTenant() — open it in the entry point ` +
        `(the page, action or route wrapper) from the authenticated session, never from user input.`,
    );
    this.name = 'TenantContextMissingError';
  }
}

/** The current tenant context; throws when there is none. */
export function currentTenant(): TenantContext {
  const store = tenantStorage.getStore();
  if (!store) throw new TenantContextMissingError();
  return store;
}

/** The current tenant context, or undefined outside one (for logging). */
export function maybeCurrentTenant(): TenantContext | undefined {
  return tenantStorage.getStore();
}

/**
 * The interactive transaction open in the current context, if any. Helpers that must write inside
 * the caller's transaction (an audit trail) read it here; it is typed by the tenancy that opened it.
 */
export function currentTransaction(): unknown {
  return tenantStorage.getStore()?.transaction;
}
