import { runAuditCli } from '@bulkhead/tenancy/audit';

import { BULKHEAD_ALLOWLIST } from '../lib/db/audit/allowlist';

// `npm run audit:isolation [-- --schema name]`: the kit's catalog audit of tenant isolation, with
// Bulkhead's allowlist.
//
//   With MIGRATION_DATABASE_URL and DATABASE_URL: audits that database; the runtime role is the
//   user in DATABASE_URL (the canaries log in with it).
//   With neither: audits what prisma/migrations produce — a fresh database with roles of its own
//   on a throw-away server (BOOTSTRAP_DATABASE_URL, or an embedded PostgreSQL), dropped afterwards.
//
// Exit code: 0 no findings, 1 findings (printed as a report), 2 the audit could not run. Known
// defects the allowlist accepts are printed on every run but do not fail it.

process.exit(await runAuditCli({ allowlist: BULKHEAD_ALLOWLIST }));
