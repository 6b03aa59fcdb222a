import type { DedicatedDatabases, Placement as Route } from '@bulkhead/tenancy';

import type { Env } from '../env';
import type { Placement } from './definer-functions';

// Bulkhead's side of the router (docs/tiers.md): which tables are tenant data, and where a
// dedicated database's server is.

/**
 * Tenant data: the tables that live in a tenant's placement — the shared tables, a schema of its
 * own, or a database of its own. Model name → table name. Everything else is the control plane's
 * (tenants and their placements, users, memberships, API keys, invitations, tokens, throttles).
 */
export const PLACED_TABLES = {
  Customer: 'customers',
  Product: 'products',
  Order: 'orders',
  OrderItem: 'order_items',
  Payment: 'payments',
  Refund: 'refunds',
  AuditEvent: 'audit_events',
  IdempotencyKey: 'idempotency_keys',
} as const;

/** The target every deployment has: DATABASE_URL's own server. */
export const LOCAL_TARGET = 'local';

/** The server URL of `target`, without credentials or database. */
export function targetServer(settings: Pick<Env, 'DATABASE_URL' | 'TENANT_DATABASE_TARGETS'>, target: string): URL {
  const base = settings.TENANT_DATABASE_TARGETS[target] ?? (target === LOCAL_TARGET ? settings.DATABASE_URL : undefined);
  if (!base) {
    throw new Error(
      `A tenant is placed on database target "${target}", which TENANT_DATABASE_TARGETS does not name (it names: ${
        [LOCAL_TARGET, ...Object.keys(settings.TENANT_DATABASE_TARGETS)].join(', ') || 'none'
      }).`,
    );
  }
  const url = new URL(base);
  url.username = '';
  url.password = '';
  url.pathname = '/';
  return url;
}

/**
 * How the app reaches a dedicated database: the target's server, the database the placement names,
 * and the app's own runtime role and password (DATABASE_URL's). The role exists on every server
 * Bulkhead provisions a database on, with the same name and grants.
 */
export function dedicatedDatabases(settings: Env): DedicatedDatabases {
  const own = new URL(settings.DATABASE_URL);
  return {
    maxConnections: settings.TENANT_DATABASE_MAX_CONNECTIONS,
    poolConfig(target, database) {
      const url = targetServer(settings, target);
      url.username = own.username;
      url.password = own.password;
      url.pathname = `/${database}`;
      return { connectionString: url.toString() };
    },
  };
}

/** The kit's routing of an app placement (lib/tenancy/definer-functions.ts resolves it). */
export function routeOf(placement: Placement): Route {
  if (placement.tier === 'schema') return { tier: 'schema', schema: placement.schemaName };
  if (placement.tier === 'database') return { tier: 'database', target: placement.databaseTarget, database: placement.databaseName };
  return { tier: 'shared' };
}
