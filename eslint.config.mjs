import { tenancyLint } from '@bulkhead/tenancy/eslint';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

// Isolation guardrails enforced at lint time: the isolation kit's preset (@bulkhead/tenancy/eslint),
// told where this app keeps what. lib/lint.test.ts proves each rule fires:
//  1. Domain code never spells a tenant id: the tenant comes from the context (lib/tenancy).
//  2. Only lib/db, lib/tenancy, scripts, tools and tests may open raw or privileged connections.
//  3. Next's data cache is not used for tenant data: its keys do not include the tenant.
//  4. Nothing imports the kit's internals (@bulkhead/tenancy/src/…, a path into packages/tenancy).

// The app's isolation core: its binding of the kit (lib/tenancy), its pool and ops client (lib/db).
const ISOLATION_CORE = ['lib/db/**', 'lib/tenancy/**'];
// Entry points turn a credential (a session, an API key) into a tenant context, and the rate
// limiter keys its counters by tenant: they handle tenant ids, but still reach tenant data only
// through the tenant client and the lookup functions.
const ENTRY_POINTS = ['lib/auth/**', 'lib/api/route.ts', 'lib/rate-limit/**'];
const OUTSIDE_APP = ['scripts/**', 'tools/**', 'test/**', 'e2e/**', '**/*.test.ts', '**/*.test.tsx', 'prisma/**', '*.config.*'];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  ...tenancyLint({
    core: ISOLATION_CORE,
    entryPoints: ENTRY_POINTS,
    outside: OUTSIDE_APP,
    restrictedImports: [
      {
        group: ['**/db/privileged', '**/db/privileged.ts'],
        message: 'The ops client bypasses row-level security: only lib/db, scripts and tests may use it.',
      },
      {
        group: ['**/db/pool', '**/db/pool.ts'],
        message: 'Raw connections skip the tenant client. Use tenantDb() from lib/tenancy (or lib/db/health for probes).',
      },
      {
        group: ['**/db/generated/client', '**/db/generated/client.ts'],
        importNames: ['PrismaClient'],
        message: 'An unscoped PrismaClient skips both isolation layers. Use tenantDb() from lib/tenancy.',
      },
    ],
  }),
  globalIgnores([
    '.next/**',
    '.e2e/**',
    '.data/**',
    '.scratch/**',
    'lib/db/generated/**',
    'packages/*/test/fixture/generated/**',
    'next-env.d.ts',
    'playwright-report/**',
    'test-results/**',
  ]),
]);
