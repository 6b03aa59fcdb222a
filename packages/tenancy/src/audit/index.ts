// @bulkhead/tenancy/audit — the catalog audit of tenant isolation: checks, report, allowlist and CLI.

export { auditCatalog, auditIsolation, CATALOG_CHECKS, CHECK_TITLES, redact, type AuditOptions } from './checks';
export { AuditSetupError, type Finding } from './finding';
export {
  EMPTY_ALLOWLIST,
  isExempt,
  knownDefects,
  migrationLedger,
  withoutKnownDefects,
  type Allowlist,
  type Exemption,
  type GlobalTable,
  type TableWithoutTenantData,
} from './allowlist';
export { classify, formatReport, type ReportInput } from './report';
export { runAuditCli, type AuditCliOptions } from './cli';
