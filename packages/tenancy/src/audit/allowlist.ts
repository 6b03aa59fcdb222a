import type { Finding } from './finding';

// The shape of an allowlist: what an app's isolation audit accepts on purpose, each entry with the
// reason a reviewer can check. Keep it short: every entry is a place where the schema departs from
// "every table has a tenant_id, forced RLS and the one policy shape", so every entry needs a reason
// that still holds.
//
// Object names are what the audit prints: tables and indexes schema-qualified (public.users),
// functions with their argument types (bulkhead.user_session(uuid)), policies and constraints as
// "<name> ON <table>".

/** A table that holds no tenant's data at all: left out of every table check. */
export interface TableWithoutTenantData {
  table: string;
  reason: string;
}

/**
 * A table without a tenant_id column that is still row-level secured per tenant. `tenantKey`
 * names the column its policies bind to the tenant in context when that is not tenant_id; without
 * one, the policies must bind through an EXISTS over a tenant table (as users does via memberships).
 */
export interface GlobalTable {
  table: string;
  tenantKey?: string;
  reason: string;
}

/** One finding the audit should not report: check number, object and (optionally) exact code. */
export interface Exemption {
  check: number;
  object: string;
  /** Narrows the exemption to one kind of finding, so a worse finding on the same object still fails. */
  code?: string;
  reason: string;
  /**
   * A real problem accepted until it is fixed, not a design decision. The report lists these on
   * every run so they are not forgotten; delete the entry with the fix.
   */
  knownDefect?: true;
}

export interface Allowlist {
  tablesWithoutTenantData: TableWithoutTenantData[];
  globalTables: GlobalTable[];
  exemptions: Exemption[];
}

/**
 * The migration runner's ledger (Prisma's `_prisma_migrations`, in the schema migrated): names and
 * checksums, no tenant data, and the runtime role holds no privilege on it. Every app that uses the
 * kit's runner lists it in tablesWithoutTenantData.
 */
export function migrationLedger(schema = 'public'): TableWithoutTenantData {
  return {
    table: `${schema}._prisma_migrations`,
    reason: 'The migration ledger: names and checksums of applied migrations, no tenant data; the runtime role holds no privilege on it.',
  };
}

/** Accepts nothing: every finding fails. */
export const EMPTY_ALLOWLIST: Allowlist = { tablesWithoutTenantData: [], globalTables: [], exemptions: [] };

export function isExempt(found: Finding, allowlist: Allowlist): boolean {
  return allowlist.exemptions.some(
    (entry) => entry.check === found.check && entry.object === found.object && (entry.code === undefined || entry.code === found.code),
  );
}

/** The allowlist without its known defects: what the audit reports when it must show them. */
export function withoutKnownDefects(allowlist: Allowlist): Allowlist {
  return { ...allowlist, exemptions: allowlist.exemptions.filter((entry) => !entry.knownDefect) };
}

export function knownDefects(allowlist: Allowlist): Allowlist {
  return { ...allowlist, exemptions: allowlist.exemptions.filter((entry) => entry.knownDefect) };
}
